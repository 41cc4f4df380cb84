// The pages' forms, posted without JavaScript (SPEC.md "Consent page", "Grants page"): what the
// SPA's route actions (src/lib/form-action.ts) call on the server through the render's
// requestContext (server/pages/spa.ts). They make the same decisions as the JSON API, through the
// same functions (server/consent/decide.ts, server/consent/revoke.ts); only the answer differs: a
// 303 where the script would navigate, or the page again with the reason.
import type { Context } from 'hono'
import type { DecisionResponse } from '../../src/contract/api'
import { checkConsentRequest } from '../../src/contract/consent-request'
import { isLanguage } from '../../src/contract/languages'
import { CONSENT_FIELDS, parseBiosampleFieldValue, revokeStatusPath, SAMPLES_SHOWN_ALL, SEPARATE_CONSENT_AGREE } from '../../src/contract/page-forms'
import type { FormAnswer } from '../../src/lib/form-action'
import { PAGE_ROUTES } from '../../src/contract/routes'
import { ApiFailure, toApiFailure } from '../http/api-failure'
import { decide, type Decision } from './decide'
import { revokeGrant } from './revoke'


/** The path of the portal page that continues a web app's decision (server/consent/continuations.ts). */
export const CONTINUE_PATH = '/oauth2/continue'

function seeOther(location: string): Response {
  return new Response(null, { status: 303, headers: { Location: location } })
}

function refused(failure: ApiFailure, selected: string[]): FormAnswer {
  const { details } = failure.extra
  return { data: { kind: 'refused', status: failure.status, code: failure.code, message: failure.message, ...(details && { details }), selected }, status: failure.status }
}

function isDecision(value: unknown): value is Decision {
  return value === 'authorize' || value === 'deny'
}

/**
 * The consent form: `decision` (the button pressed), `ticket`, `language`, each chosen
 * `biosample` and, when ticked, `separate_consent`. The request itself is the page URL's query, which the form posts back to: read
 * by the same check as the page's loader, so `state` comes back byte for byte (a form's encoding
 * would turn a line feed in a hidden field into CR LF). Or the picker's "Show all" (`samples_shown`).
 */
export async function consentFormAction(c: Context, request: Request): Promise<FormAnswer> {
  const deps = c.var.deps
  const form = await request.formData()
  const samples = form.getAll(CONSENT_FIELDS.biosample).map((value) => (typeof value === 'string' ? parseBiosampleFieldValue(value) : undefined))
  const selected = samples.flatMap((sample) => (sample ? [sample.biosample_id] : []))
  // "Show all" on a page without script: the page again with every row, the boxes ticked as they
  // were posted. Nothing is decided, so the ticket is neither checked nor claimed and nothing is
  // recorded; the page's loader reads the request and the samples as for any page, and keeps only
  // the posted samples it knows. A `decision` beside it (no browser sends both) decides nothing either.
  if (form.get(CONSENT_FIELDS.samplesShown) === SAMPLES_SHOWN_ALL) return { data: { kind: 'allSamplesShown', selected }, status: 200 }
  const decision = form.get(CONSENT_FIELDS.decision)
  const ticket = form.get(CONSENT_FIELDS.ticket)
  const language = form.get(CONSENT_FIELDS.language)
  // A ticked checkbox posts its value; an unticked one posts nothing. Anything else is not this page's form.
  const separateConsent = form.getAll(CONSENT_FIELDS.separateConsent)
  const separateConsentValid = separateConsent.length === 0 || (separateConsent.length === 1 && separateConsent[0] === SEPARATE_CONSENT_AGREE)
  const checked = checkConsentRequest(new URL(request.url).searchParams)
  if (
    !checked.ok ||
    !isDecision(decision) ||
    typeof ticket !== 'string' ||
    typeof language !== 'string' ||
    !isLanguage(language) ||
    samples.some((s) => !s) ||
    !separateConsentValid
  ) {
    return refused(new ApiFailure(400, 'invalid_request', 'Some fields are missing or invalid.'), selected)
  }
  const { request: asked } = checked
  try {
    // The same per-session limit as the JSON API's decisions; its Retry-After stays on `c`, which
    // the page's answer is built from (server/pages/spa.ts).
    let decided: DecisionResponse | undefined
    await deps.limits.decisions(c, async () => {
      decided = await decide(c, deps, {
        decision,
        ticket,
        client_id: asked.clientId,
        redirect_uri: asked.redirectUri,
        scope: asked.scope,
        state: asked.state,
        language,
        biosample_ids: samples.flatMap((sample) => (sample ? [sample] : [])),
        separate_consent: separateConsent.length === 1,
      })
    })
    const answer = decided
    if (!answer) throw new Error('The decision limit neither refused nor let the decision run.')
    // A mini program's page path is somewhere only WeChat's bridge can go: the page says to return there.
    if (!('redirect_to' in answer)) return { data: { kind: 'answered', decision }, status: 200 }
    const target = new URL(answer.redirect_to)
    // A native app's scheme is admitted by the page's form-action (server/http/page-forms.ts); a
    // web app's callback may redirect again, which no policy can foresee: a portal page continues.
    if (target.protocol !== 'https:' && target.protocol !== 'http:') return seeOther(answer.redirect_to)
    return seeOther(`${CONTINUE_PATH}?${new URLSearchParams({ c: deps.continuations.seal(answer.redirect_to) })}`)
  } catch (error) {
    return refused(toApiFailure(error, (message, cause) => deps.log(`error: consent form: ${message}: ${cause instanceof Error ? cause.message : String(cause)}`)), selected)
  }
}

/** The app a revoke page's path names (PAGE_ROUTES.revoke, `/grants/:clientId/revoke`). */
function revokedClientId(path: string): string | undefined {
  const match = /^\/grants\/([^/]+)\/revoke\/?$/.exec(path)
  if (!match?.[1]) return undefined
  try {
    return decodeURIComponent(match[1])
  } catch {
    return undefined
  }
}

/**
 * The revoke page's form: revokes the app the page names (its path), then back to the grants
 * page, which says how it went. Its CSRF defence is the page-form check (server/http/page-forms.ts)
 * and the session; there is no ticket, as revoking is always allowed and takes nothing new.
 */
export async function revokeFormAction(c: Context, request: Request): Promise<FormAnswer> {
  const deps = c.var.deps
  const clientId = revokedClientId(new URL(request.url).pathname)
  if (clientId === undefined) return refused(new ApiFailure(404, 'not_found', 'There is no such page.'), [])
  // The body is read (and discarded) so a form of the wrong shape is not half-read.
  await request.formData()
  try {
    await revokeGrant(c, deps, clientId)
    return seeOther(revokeStatusPath(PAGE_ROUTES.grants.path, clientId, 'revoked'))
  } catch (error) {
    const failure = toApiFailure(error, (message, cause) => deps.log(`error: revoke form: ${message}: ${cause instanceof Error ? cause.message : String(cause)}`))
    // Signed out meanwhile: the revoke page's loader sends the person to sign in, and back.
    if (failure.status === 401) return refused(failure, [])
    return seeOther(revokeStatusPath(PAGE_ROUTES.grants.path, clientId, failure.code === 'decision_outcome_unknown' ? 'unknown' : 'failed'))
  }
}
