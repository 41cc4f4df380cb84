// The pages' own forms (the consent decision and revoke), posted without script: their CSRF check
// and the consent page's Content-Security-Policy. See docs/security.md "Page forms".
import type { Context, MiddlewareHandler } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { checkRedirectUri } from '../../src/contract/redirect'
import { contentSecurityPolicy } from './security'
import { requestOrigin } from './proxy'

/** A thousand samples' checkboxes are about 40 KB of form; anything much larger is not the page's. */
export const MAX_FORM_BODY_BYTES = 256 * 1024

function refused(c: Context, status: 403 | 413 | 415, text: string): Response {
  c.header('Cache-Control', 'no-store')
  return c.text(text, status)
}

/**
 * CSRF defence for a page's form post. Pages send `Referrer-Policy: no-referrer`, so a form post's
 * `Origin` is `null` and cannot tell the portal from another site; `Sec-Fetch-Site`, which the
 * browser sets and no page can, can: it must say `same-origin`. An `Origin` that is there and
 * names another site is refused too. What the form changes also needs its session-bound,
 * single-use consent ticket (or, for revoke, the session and a same-origin page).
 */
export const pageFormGuard: MiddlewareHandler = async (c, next) => {
  if (c.req.method !== 'POST') return next()
  if (c.req.header('Sec-Fetch-Site') !== 'same-origin') {
    return refused(c, 403, 'This form must be sent from the portal’s own page. Please go back, reload it and try again.')
  }
  const origin = c.req.header('Origin')
  if (origin !== undefined && origin !== 'null' && origin !== requestOrigin(c)) {
    return refused(c, 403, 'Forms from other sites are not accepted.')
  }
  if (!/^application\/x-www-form-urlencoded\s*(;|$)/i.test(c.req.header('Content-Type') ?? '')) {
    return refused(c, 415, 'This form must be sent as the page sends it.')
  }
  return bodyLimit({ maxSize: MAX_FORM_BODY_BYTES, onError: (cx) => refused(cx, 413, 'This form is larger than any page of the portal sends.') })(c, next)
}

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

/** The consent page's CSP: the portal's own, with `form-action` admitting where its form may send the person. */
export function consentPageCsp(c: Context, redirectUri: string): string {
  const { wechatBridgeUrl, allowHttpRedirects } = c.var.deps.config
  const policy = contentSecurityPolicy(wechatBridgeUrl)
  const target = formTargetSource(redirectUri, allowHttpRedirects)
  return target ? policy.replace("form-action 'self'", `form-action 'self' ${target}`) : policy
}
