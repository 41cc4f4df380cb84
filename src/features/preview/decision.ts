import type { Decision } from '@/components/consent/consent-actions'
import type { Application } from '@/contract/api'
import { appendToRedirect } from '@/contract/redirect'

/** Stands in for the authorization code: the preview never asks the platform for a real one. */
export const EXAMPLE_CODE = 'EXAMPLE_CODE'

/** What the app would receive: an address for web and native apps, a page path inside a mini program. */
export type DecisionTarget =
  | { kind: 'web'; decision: Decision; url: string }
  | { kind: 'miniProgram'; decision: Decision; appId: string; path: string }

/**
 * Built exactly as the BFF builds it (server/routes/authorize.ts): the registered redirect URI,
 * its own query kept, then `code` or `error=access_denied`, then `state` byte for byte when the
 * app sent one.
 */
export function decisionTarget(application: Pick<Application, 'redirect_uri' | 'wxmp_app_id'>, decision: Decision, state: string | undefined): DecisionTarget {
  const params: [string, string | undefined][] =
    decision === 'authorize'
      ? [
          ['code', EXAMPLE_CODE],
          ['state', state],
        ]
      : [
          ['error', 'access_denied'],
          ['state', state],
        ]
  const address = appendToRedirect(application.redirect_uri, params)
  return application.wxmp_app_id
    ? { kind: 'miniProgram', decision, appId: application.wxmp_app_id, path: address }
    : { kind: 'web', decision, url: address }
}
