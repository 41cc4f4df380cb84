// The consent page's Content-Security-Policy, whose `form-action` admits where its form may send the
// person (the form's CSRF check is `pageFormGuard` in server/http/security.ts). See
// docs/security.md "Page forms".
import type { Context } from 'hono'
import { checkRedirectUri } from '../../src/contract/redirect'

/**
 * What the consent form may be sent to and answered with, besides the portal itself: the validated
 * redirect's origin for a web app, its scheme for a native app (RFC 8252 private-use schemes).
 * Chromium checks `form-action` on every hop of the form's redirects, so the portal answers a web
 * app's decision with its own continuation page (server/consent/continuations.ts) and a native
 * app's with a 303 to the scheme admitted here.
 */
export function formTargetSource(redirectUri: string, allowHttp: boolean): string | undefined {
  if (!checkRedirectUri(redirectUri, { allowHttp }).ok) return undefined
  const url = new URL(redirectUri)
  if (url.protocol === 'https:' || url.protocol === 'http:') return url.origin
  return url.protocol
}

/**
 * The consent page's CSP: the page's own (`policy`, from contentSecurityPolicy), with `form-action`
 * admitting where its form may send the person.
 */
export function consentPageCsp(c: Context, redirectUri: string, policy: string): string {
  const { allowHttpRedirects } = c.var.deps.config
  const target = formTargetSource(redirectUri, allowHttpRedirects)
  return target ? policy.replace("form-action 'self'", `form-action 'self' ${target}`) : policy
}
