// The developer preview's checklist (SPEC.md "Developer preview"): what the live consent page
// would make of this request, item by item, each with a fix. Pure, so every rule is unit-tested.
import type { ApplicationResponse } from '@/contract/api'
import { isGenomicScope, isWriteScope } from '@/contract/scopes'
import { needsSeparateConsent } from '@/contract/separate-consent'
import { isDisplayableLogo } from '@/contract/logo'
import type { ErrorCode } from '@/contract/errors'
import type { ApplicationRequest } from '@/lib/application'
import { byCode, errorCodeLabel } from '@/lib/failure'
import { ApiError } from '@/lib/http'
import type { MessageKey, MessageValues } from '@/lib/i18n'

/** What the checklist looks at: the preview has no `response_type` (it is always `code`). */
type PreviewedRequest = Pick<ApplicationRequest, 'clientId' | 'redirectUri' | 'scope' | 'state'>

export type CheckStatus = 'pass' | 'warn' | 'fail' | 'na' | 'checking'

/** Whether the logo's https address loaded in this browser (the checklist shows it to find out). */
export type LogoLoad = 'loading' | 'loaded' | 'failed'

export interface CheckText {
  key: MessageKey
  values?: MessageValues
}

export interface CheckItem {
  id: 'app' | 'redirect' | 'logo' | 'description' | 'name' | 'scopes' | 'counts' | 'separateConsent' | 'state' | 'miniProgram'
  status: CheckStatus
  title: MessageKey
  detail: CheckText
  /** A second line of facts, e.g. the registered redirect URI. */
  extra?: CheckText
  fix?: CheckText
  /** The BFF's code (and the platform's), for failures that came from it. */
  code?: string
}

export type ApplicationOutcome = { kind: 'ok'; data: ApplicationResponse } | { kind: 'error'; error: unknown }

/**
 * The longest name, in display width (a Chinese character counts as two), that keeps the consent
 * header "{name} would like to access your BGE account" from breaking the name on a 360 px phone:
 * the heading's line there is 360 − 2 × 16 (page padding) − 64 (logo) − 16 (gap) = 248 px of
 * 20 px text, which holds about 22 Latin letters or 12 Chinese characters. 20 (10 Chinese) keeps a
 * margin for wide letters.
 */
export const NAME_WIDTH_LIMIT = 20

// East Asian wide and fullwidth ranges (Hangul, CJK, kana, fullwidth forms) and emoji-ish planes.
const WIDE = /[\u1100-\u115F\u2E80-\u303E\u3041-\u33FF\u3400-\u4DBF\u4E00-\u9FFF\uA000-\uA4CF\uAC00-\uD7A3\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFF60\uFFE0-\uFFE6\u{1F300}-\u{1FAFF}\u{20000}-\u{3FFFD}]/u

export function displayWidth(text: string): number {
  let width = 0
  for (const char of text) width += WIDE.test(char) ? 2 : 1
  return width
}

/** A mini program's redirect is one of its page paths (`/pages/auth/callback`), never a URL. */
function isPagePath(uri: string): boolean {
  return !/^[a-z][a-z0-9+.-]*:/i.test(uri.trim()) && !uri.trim().startsWith('//')
}

const REDIRECT_PROBLEMS: Partial<Record<ErrorCode, { detail: MessageKey; fix: MessageKey; appKnown: boolean }>> = {
  redirect_uri_not_registered: { detail: 'preview.checklist.redirect.notRegistered', fix: 'preview.checklist.redirect.notRegisteredFix', appKnown: true },
  redirect_uri_mismatch: { detail: 'preview.checklist.redirect.mismatch', fix: 'preview.checklist.redirect.mismatchFix', appKnown: true },
  // Refused before the platform is asked: whether the app exists is unknown.
  forbidden_redirect_scheme: { detail: 'preview.checklist.redirect.forbiddenScheme', fix: 'preview.checklist.redirect.forbiddenSchemeFix', appKnown: false },
  redirect_uri_http_not_allowed: { detail: 'preview.checklist.redirect.httpNotAllowed', fix: 'preview.checklist.redirect.httpNotAllowedFix', appKnown: true },
  redirect_uri_has_fragment: { detail: 'preview.checklist.redirect.hasFragment', fix: 'preview.checklist.redirect.hasFragmentFix', appKnown: true },
  redirect_uri_not_absolute: { detail: 'preview.checklist.redirect.notAbsolute', fix: 'preview.checklist.redirect.notAbsoluteFix', appKnown: true },
}

const APP_PROBLEMS: Partial<Record<ErrorCode, { detail: MessageKey; fix: MessageKey }>> = {
  invalid_client: { detail: 'preview.checklist.app.unknown', fix: 'preview.checklist.app.unknownFix' },
  application_blocked: { detail: 'preview.checklist.app.blocked', fix: 'preview.checklist.app.blockedFix' },
}

/** Items that need the app's data, when there is none. */
function notChecked(id: CheckItem['id'], title: MessageKey): CheckItem {
  return { id, status: 'na', title, detail: { key: 'preview.checklist.notChecked' } }
}

function stateItem(request: PreviewedRequest): CheckItem {
  // RFC 6749 §10.12: without state the app cannot tell its own request from a forged one.
  return request.state
    ? { id: 'state', status: 'pass', title: 'preview.checklist.state.title', detail: { key: 'preview.checklist.state.pass' } }
    : {
        id: 'state',
        status: 'warn',
        title: 'preview.checklist.state.title',
        detail: { key: 'preview.checklist.state.missing' },
        fix: { key: 'preview.checklist.state.missingFix' },
      }
}

function failedChecklist(request: PreviewedRequest, error: unknown): CheckItem[] {
  const clientId = request.clientId
  const redirectUri = request.redirectUri
  const apiError = error instanceof ApiError ? error : undefined
  const code = errorCodeLabel(error) ?? undefined
  const redirectProblem = apiError && byCode(REDIRECT_PROBLEMS, apiError.code)
  const appProblem = apiError && byCode(APP_PROBLEMS, apiError.code)
  const rest = (['logo', 'description', 'name', 'scopes', 'counts', 'separateConsent'] as const).map((id) => notChecked(id, `preview.checklist.${id}.title`))

  let app: CheckItem
  let redirect: CheckItem
  if (redirectProblem) {
    app = redirectProblem.appKnown
      ? { id: 'app', status: 'pass', title: 'preview.checklist.app.title', detail: { key: 'preview.checklist.app.found', values: { clientId } } }
      : notChecked('app', 'preview.checklist.app.title')
    const registered = apiError?.details?.registered
    redirect = {
      id: 'redirect',
      status: 'fail',
      title: 'preview.checklist.redirect.title',
      detail: { key: redirectProblem.detail, values: { redirectUri } },
      ...(registered ? { extra: { key: 'preview.checklist.redirect.registered', values: { registered } } } : {}),
      fix: { key: redirectProblem.fix },
      ...(code ? { code } : {}),
    }
  } else {
    app = {
      id: 'app',
      status: 'fail',
      title: 'preview.checklist.app.title',
      detail: { key: appProblem?.detail ?? 'preview.checklist.app.failed', values: { clientId } },
      fix: { key: appProblem?.fix ?? 'preview.checklist.app.failedFix' },
      ...(code ? { code } : {}),
    }
    redirect = notChecked('redirect', 'preview.checklist.redirect.title')
  }
  return [app, redirect, ...rest, stateItem(request), notChecked('miniProgram', 'preview.checklist.miniProgram.title')]
}

function loadedChecklist(request: PreviewedRequest, data: ApplicationResponse, logo: LogoLoad): CheckItem[] {
  const { application, granted_scopes: scopes, unknown_scopes: unknown } = data
  const miniProgram = application.wxmp_app_id !== ''
  const items: CheckItem[] = []

  items.push({
    id: 'app',
    status: 'pass',
    title: 'preview.checklist.app.title',
    detail: { key: 'preview.checklist.app.pass', values: { name: application.name, clientId: application.client_id } },
  })
  items.push({
    id: 'redirect',
    status: 'pass',
    title: 'preview.checklist.redirect.title',
    detail: {
      key: miniProgram ? 'preview.checklist.redirect.passMiniProgram' : 'preview.checklist.redirect.pass',
      values: { redirectUri: application.redirect_uri },
    },
  })

  const logoTitle: MessageKey = 'preview.checklist.logo.title'
  if (application.logo.trim() === '') {
    items.push({ id: 'logo', status: 'warn', title: logoTitle, detail: { key: 'preview.checklist.logo.missing' }, fix: { key: 'preview.checklist.logo.missingFix' } })
  } else if (!isDisplayableLogo(application.logo)) {
    items.push({ id: 'logo', status: 'fail', title: logoTitle, detail: { key: 'preview.checklist.logo.notHttps' }, fix: { key: 'preview.checklist.logo.notHttpsFix' } })
  } else if (logo === 'failed') {
    items.push({ id: 'logo', status: 'fail', title: logoTitle, detail: { key: 'preview.checklist.logo.broken' }, fix: { key: 'preview.checklist.logo.brokenFix' } })
  } else {
    items.push({
      id: 'logo',
      status: logo === 'loaded' ? 'pass' : 'checking',
      title: logoTitle,
      detail: { key: logo === 'loaded' ? 'preview.checklist.logo.pass' : 'preview.checklist.logo.checking' },
    })
  }

  items.push(
    application.description.trim()
      ? { id: 'description', status: 'pass', title: 'preview.checklist.description.title', detail: { key: 'preview.checklist.description.pass' } }
      : {
          id: 'description',
          status: 'warn',
          title: 'preview.checklist.description.title',
          detail: { key: 'preview.checklist.description.missing' },
          fix: { key: 'preview.checklist.description.missingFix' },
        },
  )

  const width = displayWidth(application.name.trim())
  items.push(
    width <= NAME_WIDTH_LIMIT
      ? { id: 'name', status: 'pass', title: 'preview.checklist.name.title', detail: { key: 'preview.checklist.name.pass', values: { name: application.name } } }
      : {
          id: 'name',
          status: 'warn',
          title: 'preview.checklist.name.title',
          detail: { key: 'preview.checklist.name.long', values: { name: application.name, width, limit: NAME_WIDTH_LIMIT } },
          fix: { key: 'preview.checklist.name.longFix', values: { limit: NAME_WIDTH_LIMIT } },
        },
  )

  // The platform grants every registered scope whatever `scope` names (SPEC.md "Consent page"):
  // a link naming fewer shows its users more than its developer may expect.
  const asked = scopes.filter((scope) => scope.asked).length
  items.push(
    unknown.length > 0
      ? {
          id: 'scopes',
          status: 'fail',
          title: 'preview.checklist.scopes.title',
          detail: { key: 'preview.checklist.scopes.unknown', values: { scopes: unknown.join(' ') } },
          fix: { key: 'preview.checklist.scopes.unknownFix' },
        }
      : asked < scopes.length
        ? {
            id: 'scopes',
            status: 'warn',
            title: 'preview.checklist.scopes.title',
            detail: { key: 'preview.checklist.scopes.widened', values: { asked, count: scopes.length } },
            fix: { key: 'preview.checklist.scopes.widenedFix' },
          }
        : {
            id: 'scopes',
            status: 'pass',
            title: 'preview.checklist.scopes.title',
            detail:
              request.scope === undefined || request.scope.trim() === ''
                ? { key: 'preview.checklist.scopes.all', values: { count: scopes.length } }
                : { key: 'preview.checklist.scopes.pass' },
          },
  )

  const write = scopes.filter((scope) => isWriteScope(scope.scope)).length
  const genomic = scopes.filter((scope) => isGenomicScope(scope.scope)).length
  items.push(
    write + genomic === 0
      ? { id: 'counts', status: 'pass', title: 'preview.checklist.counts.title', detail: { key: 'preview.checklist.counts.none', values: { count: scopes.length } } }
      : {
          id: 'counts',
          status: 'warn',
          title: 'preview.checklist.counts.title',
          detail: { key: 'preview.checklist.counts.some', values: { count: scopes.length, write, genomic } },
          fix: { key: 'preview.checklist.counts.someFix' },
        },
  )

  // Which granted scopes make the page ask for the separate consent (src/contract/separate-consent.ts),
  // named so a developer sees why the step is there; its purpose item quotes the description.
  const triggers = scopes.filter((scope) => needsSeparateConsent(scope.scope)).map((scope) => scope.scope)
  const separateTitle: MessageKey = 'preview.checklist.separateConsent.title'
  items.push(
    triggers.length === 0
      ? { id: 'separateConsent', status: 'pass', title: separateTitle, detail: { key: 'preview.checklist.separateConsent.none' } }
      : application.description.trim()
        ? { id: 'separateConsent', status: 'pass', title: separateTitle, detail: { key: 'preview.checklist.separateConsent.some', values: { scopes: triggers.join(', ') } } }
        : {
            id: 'separateConsent',
            status: 'warn',
            title: separateTitle,
            detail: { key: 'preview.checklist.separateConsent.noDescription', values: { scopes: triggers.join(', ') } },
            fix: { key: 'preview.checklist.separateConsent.noDescriptionFix' },
          },
  )

  items.push(stateItem(request))

  const miniTitle: MessageKey = 'preview.checklist.miniProgram.title'
  if (!miniProgram) {
    items.push({ id: 'miniProgram', status: 'pass', title: miniTitle, detail: { key: 'preview.checklist.miniProgram.notMiniProgram' } })
  } else {
    const values = { appId: application.wxmp_app_id, path: application.redirect_uri }
    items.push(
      isPagePath(application.redirect_uri)
        ? { id: 'miniProgram', status: 'pass', title: miniTitle, detail: { key: 'preview.checklist.miniProgram.pass', values } }
        : {
            id: 'miniProgram',
            status: 'fail',
            title: miniTitle,
            detail: { key: 'preview.checklist.miniProgram.notPagePath', values },
            fix: { key: 'preview.checklist.miniProgram.notPagePathFix' },
          },
    )
  }
  return items
}

/** Every item of the checklist for this request and what the BFF answered. */
export function buildChecklist(request: PreviewedRequest, outcome: ApplicationOutcome, logo: LogoLoad): CheckItem[] {
  return outcome.kind === 'ok' ? loadedChecklist(request, outcome.data, logo) : failedChecklist(request, outcome.error)
}
