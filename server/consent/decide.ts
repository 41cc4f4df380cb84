// The one server decision (SPEC.md "Consent page", "Security"): authorize or deny on a consent
// ticket, whoever asks — the JSON API the page's script calls (server/routes/authorize.ts) or the
// page's own form, posted without script (server/consent/form-actions.ts). Same checks, same
// once-per-ticket claim, same records, same answers.
import type { Context } from 'hono'
import type { BiosampleRef, DecisionResponse } from '../../src/contract/api'
import { grantedScopesOf } from '../../src/contract/consent-request'
import type { Language } from '../../src/contract/languages'
import { appendToRedirect, checkRedirectUri } from '../../src/contract/redirect'
import type { BffDeps } from '../deps'
import { ApiFailure } from '../http/api-failure'
import { deadlineOf } from '../http/deadline'
import { requireAuthToken } from '../http/upstream'
import { StoreUnavailableError, type PortalStore } from '../store/portal-store'
import type { DecisionRequest } from './decisions'
import { latestAgreement } from './records'
import { displayedScopes, displayedSeparateConsent, shownTextsDigest } from './shown-texts'
import type { ConsentTicket } from './ticket'

export type Decision = 'authorize' | 'deny'

/** What a decision names: the ticket, the request it was shown for, the page's language and (authorize) the chosen samples. */
export interface DecisionInput {
  decision: Decision
  ticket: string
  client_id: string
  redirect_uri: string
  /** The `scope` parameter exactly as the app sent it; undefined when it sent none. */
  scope?: string | undefined
  /** Returned byte for byte; undefined when the app sent none. */
  state?: string | undefined
  /** The language the page was shown in: its texts are what the record keeps. */
  language: Language
  /** Authorize only; ignored for deny. */
  biosample_ids: readonly BiosampleRef[]
  /** Authorize only: the person ticked the separate consent for genetic data. Ignored for deny. */
  separate_consent: boolean
}

const TICKET_PROBLEMS = {
  malformed: [400, 'invalid_ticket', 'This consent page is not valid. Please start again from the app.'],
  expired: [409, 'ticket_expired', 'This consent page has expired. Please reload it and decide again.'],
  wrong_session: [403, 'ticket_session_mismatch', 'You signed in as someone else since this page was opened. Please reload it.'],
  wrong_request: [403, 'ticket_request_mismatch', 'This decision does not match the consent page that was shown.'],
} as const

/**
 * A state with a lone surrogate cannot be percent-encoded (encodeURIComponent throws), so it is
 * refused up front: found only after the platform answered, it would cost a minted code.
 */
function checkState(state: string | undefined): void {
  if (state !== undefined && /\p{Surrogate}/u.test(state)) {
    throw new ApiFailure(400, 'invalid_request', 'Some fields are missing or invalid.', { details: { state: 'must be well-formed Unicode' } })
  }
}

/** A sample listed twice is a confused client: refused rather than quietly merged. */
function checkSamples(biosamples: readonly BiosampleRef[]): void {
  const seen = new Set<string>()
  for (const { biosample_id } of biosamples) {
    if (seen.has(biosample_id)) {
      throw new ApiFailure(400, 'invalid_request', 'Some fields are missing or invalid.', { details: { biosample_ids: `${biosample_id} is listed more than once` } })
    }
    seen.add(biosample_id)
  }
}

/** Where a decision sends the person, as its record keeps it: the redirect's host, or the mini program. */
function destination(ticket: ConsentTicket): { redirect_host: string | null; mini_program_name: string | null } {
  if (ticket.wx) return { redirect_host: null, mini_program_name: ticket.an }
  // The ticket's redirect URI passed the redirect check, so it parses; a native app's may have no host.
  return { redirect_host: new URL(ticket.ru).host, mini_program_name: null }
}

/**
 * The receipt a decision's record points back to (`previous_receipt`): the one the page compared
 * against, carried in its ticket; looked up now only when the page could not compare. The decision
 * needs the store to be recorded at all, so a store that fails here fails it closed, as the write would.
 */
async function previousReceipt(store: PortalStore, ticket: ConsentTicket, userId: string): Promise<string | null> {
  if (ticket.pr !== undefined) return ticket.pr
  try {
    return (await latestAgreement(store, userId, ticket.cid))?.id ?? null
  } catch (error) {
    throw error instanceof StoreUnavailableError ? error : new StoreUnavailableError(error)
  }
}

/**
 * A mini program's page path as WeChat's bridge needs it: absolute. The platform returns it
 * relative (`pages/index/index`), which WeChat would resolve against the web-view's own page.
 */
export function absolutePagePath(path: string): string {
  return `/${path.replace(/^\/+/, '')}`
}

/** The app's own address plus the decision; the address is the one the ticket says upstream validated. */
function answer(deps: BffDeps, ticket: ConsentTicket, target: string, params: [string, string | undefined][]): DecisionResponse {
  if (ticket.wx) return { wxmp_app_id: ticket.wx, mini_program_path: absolutePagePath(appendToRedirect(target, params)) }
  const check = checkRedirectUri(target, { allowHttp: deps.config.allowHttpRedirects })
  if (!check.ok || target !== ticket.ru) {
    throw new ApiFailure(502, 'upstream_redirect_rejected', 'The platform answered with a redirect address the portal will not use.')
  }
  return { redirect_to: appendToRedirect(target, params) }
}

/**
 * The verified ticket and what the page showed, recomputed here: the app's scope texts as the
 * platform says them now, put through the page's own rule in the page's language, must hash to the
 * digest the ticket was issued with, so the record is the truth about the screen without the
 * browser saying what it showed. The person is asked for before the ticket is claimed, so a
 * claim's lease still covers one upstream call (the authorize), not these reads as well.
 */
async function decisionRequest(c: Context, deps: BffDeps, input: DecisionInput): Promise<DecisionRequest> {
  const token = requireAuthToken(c)
  const result = deps.tickets.verify(input.ticket, {
    authToken: token,
    clientId: input.client_id,
    redirectUri: input.redirect_uri,
    scope: input.scope ?? '',
  })
  if (!result.ok) {
    const [status, code, message] = TICKET_PROBLEMS[result.problem]
    throw new ApiFailure(status, code, message)
  }
  const { ticket, sealingKey } = result
  if (input.decision === 'authorize' && ticket.rs && input.biosample_ids.length === 0) {
    throw new ApiFailure(400, 'biosamples_required', 'Choose at least one sample: this app asks to read sample data.')
  }
  const [user, application] = await Promise.all([c.var.upstream.user(), c.var.upstream.application({ client_id: ticket.cid, redirect_uri: ticket.ru })])
  const scopes = displayedScopes(grantedScopesOf(application.scopes, ticket.sc || undefined, deps.config.upstreamHonoursScope), input.language)
  // The genetic step's words quote the app's description as the platform says it now: changed
  // since the page was shown, the digest below differs and the person decides on the new words.
  const separate = displayedSeparateConsent(input.language, { name: ticket.an, description: application.description }, scopes)
  if (shownTextsDigest({ language: input.language, app_name: ticket.an, scopes, separate_consent: separate }) !== ticket.td[input.language]) {
    throw new ApiFailure(409, 'shown_texts_mismatch', 'What this app asks for changed since this page was shown. Please reload it and decide again.')
  }
  // PIPL Art. 29: genetic data needs the person's separate consent. Checked here, for the JSON API
  // and the form alike, before the ticket is claimed: a refusal leaves the page free to try again.
  if (input.decision === 'authorize' && separate && !input.separate_consent) {
    throw new ApiFailure(400, 'separate_consent_required', 'Tick the separate consent for genetic data: this app asks to read your genetic data.')
  }
  const previous_receipt = await previousReceipt(deps.store, ticket, user.id)
  return {
    store: deps.store,
    upstream: c.var.upstream,
    deadline: deadlineOf(c),
    ticket,
    sealingKey,
    record: {
      decision: input.decision,
      user_id: user.id,
      client_id: ticket.cid,
      app_name: ticket.an,
      app_logo: ticket.al,
      ...destination(ticket),
      language: input.language,
      scopes,
      biosamples: [],
      // Shown with a genetic scope: given on an authorize (refused above otherwise), never on a deny.
      separate_consent: separate && { given: input.decision === 'authorize', words: separate.words },
      previous_receipt,
    },
  }
}

/**
 * Makes the decision, or throws the ApiFailure that says why not (the JSON API answers it as its
 * error envelope; the form shows it on the page). At most one platform authorize per ticket, and a
 * repeat gets the first answer again.
 */
export async function decide(c: Context, deps: BffDeps, input: DecisionInput): Promise<DecisionResponse> {
  checkState(input.state)
  if (input.decision === 'authorize') checkSamples(input.biosample_ids)
  const request = await decisionRequest(c, deps, input)
  const { ticket } = request
  if (input.decision === 'deny') {
    const denied = answer(deps, ticket, ticket.ru, [
      ['error', 'access_denied'],
      ['state', input.state],
    ])
    return deps.decisions.deny(request, denied)
  }
  return deps.decisions.authorize(request, input.biosample_ids, (granted) =>
    answer(deps, ticket, ticket.wx ? granted.redirect_uri || ticket.ru : ticket.ru, [
      ['code', granted.code],
      ['state', input.state],
    ]),
  )
}
