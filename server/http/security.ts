// Response headers and request checks of SPEC.md "Security".
import type { Context, MiddlewareHandler } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { WECHAT_BRIDGE_POLICY } from '../../src/contract/page-meta'
import { ApiFailure } from './api-failure'
import { isHttpsRequest, requestOrigin } from './proxy'

/**
 * The portal's Content-Security-Policy. `styleHashes` admit the page's own inlined stylesheet
 * (server/pages/inline-style.ts) by hash; nothing else inline is ever admitted.
 */
export function contentSecurityPolicy(wechatBridgeUrl: string, styleHashes: readonly string[] = []): string {
  const bridgeOrigin = wechatBridgeUrl ? ` ${new URL(wechatBridgeUrl).origin}` : ''
  return [
    // DOM XSS sinks (innerHTML, script.src, …) take only Trusted Types values; without the bridge
    // no policy may be created at all.
    "require-trusted-types-for 'script'",
    `trusted-types ${wechatBridgeUrl ? WECHAT_BRIDGE_POLICY : "'none'"}`,
    "default-src 'self'",
    `script-src 'self'${bridgeOrigin}`,
    ["style-src 'self'", ...styleHashes].join(' '),
    "img-src 'self' https:",
    "font-src 'self'",
    "connect-src 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "object-src 'none'",
    "base-uri 'none'",
  ].join('; ')
}

/**
 * Every powerful feature the portal never uses, denied to the page and anything it could embed.
 * Only the developer preview copies a URL (clipboard-write, this origin only). Names Chromium
 * knows, so none is reported as unrecognized (test/e2e/policies.e2e.ts checks in Chromium).
 */
const DENIED_FEATURES = [
  'accelerometer',
  'autoplay',
  'browsing-topics',
  'camera',
  'clipboard-read',
  'compute-pressure',
  'display-capture',
  'encrypted-media',
  'fullscreen',
  'gamepad',
  'geolocation',
  'gyroscope',
  'hid',
  'identity-credentials-get',
  'idle-detection',
  'local-fonts',
  'magnetometer',
  'microphone',
  'midi',
  'otp-credentials',
  'payment',
  'picture-in-picture',
  'publickey-credentials-create',
  'publickey-credentials-get',
  'screen-wake-lock',
  'serial',
  'storage-access',
  'usb',
  'window-management',
  'xr-spatial-tracking',
] as const

export const PERMISSIONS_POLICY = [...DENIED_FEATURES.map((feature) => `${feature}=()`), 'clipboard-write=(self)'].join(', ')

/**
 * Headers every response carries, the CSP included (it matters on documents and costs nothing
 * elsewhere). All are set before the response is built: a header set on a finished response makes
 * Hono rebuild it around a stream, which costs @hono/node-server its fast path for bodies it
 * already holds (the JSON of every API call). hono/secure-headers sets its headers after the
 * handler, so it is not used here (about 20 % of the BFF's CPU per request, `npm run bench:load`).
 */
export function securityHeaders(wechatBridgeUrl: string): MiddlewareHandler {
  const csp = contentSecurityPolicy(wechatBridgeUrl)
  return async (c, next) => {
    c.header('X-Content-Type-Options', 'nosniff')
    c.header('Referrer-Policy', 'no-referrer')
    c.header('X-Frame-Options', 'DENY')
    c.header('Content-Security-Policy', csp)
    // No other window keeps a handle on a portal page (a consent page opened by an app cannot be
    // scripted or navigated by it), and no other origin may embed the portal's responses.
    c.header('Cross-Origin-Opener-Policy', 'same-origin')
    c.header('Cross-Origin-Resource-Policy', 'same-origin')
    c.header('Permissions-Policy', PERMISSIONS_POLICY)
    if (isHttpsRequest(c)) {
      c.header('Strict-Transport-Security', 'max-age=31536000; includeSubDomains')
    }
    await next()
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD'])

/**
 * CSRF defence for the JSON API: a state-changing request must carry the custom header only
 * same-origin script can set without a CORS preflight (which this BFF never answers), must not
 * come from a foreign Origin, and must not be a cross-site fetch. Origins are compared whole
 * (scheme, host and port, as browsers serialize them) with the portal's (server/http/proxy.ts).
 */
export const apiRequestGuard: MiddlewareHandler = async (c, next) => {
  c.header('Cache-Control', 'no-store')
  if (!SAFE_METHODS.has(c.req.method)) {
    if (c.req.header('X-Requested-With') !== 'fetch') {
      throw new ApiFailure(403, 'csrf_header_missing', 'This request must be sent by the portal itself.')
    }
    if (hasForeignOrigin(c)) {
      throw new ApiFailure(403, 'foreign_origin', 'Requests from other sites are not accepted.')
    }
    if (c.req.header('Sec-Fetch-Site') === 'cross-site') {
      throw new ApiFailure(403, 'cross_site_request', 'Requests from other sites are not accepted.')
    }
    const hasBody = c.req.header('Content-Length') !== undefined && c.req.header('Content-Length') !== '0'
    if ((c.req.method === 'POST' || c.req.method === 'PUT' || c.req.method === 'PATCH' || hasBody) && !isJson(c.req.header('Content-Type'))) {
      throw new ApiFailure(415, 'unsupported_media_type', 'The request body must be JSON.')
    }
  }
  await next()
}

/**
 * An `Origin` other than the portal's. A page's own form post says `null` (pages send
 * `Referrer-Policy: no-referrer`), which `nullIsOwn` lets pass for forms, whose check is
 * `Sec-Fetch-Site`; the JSON API's fetches always send the portal's own.
 */
function hasForeignOrigin(c: Context, nullIsOwn = false): boolean {
  const origin = c.req.header('Origin')
  return origin !== undefined && !(nullIsOwn && origin === 'null') && origin !== requestOrigin(c)
}

/** A thousand samples' checkboxes are about 40 KB of form; anything much larger is not the page's. */
export const MAX_FORM_BODY_BYTES = 256 * 1024

function formRefused(c: Context, status: 403 | 413 | 415, text: string): Response {
  c.header('Cache-Control', 'no-store')
  return c.text(text, status)
}

/**
 * CSRF defence for a page's own form (the consent decision, revoke; docs/security.md "Page forms"),
 * the API guard's counterpart for what a form can send: no custom header, and an `Origin` of `null`
 * that cannot tell the portal from another site. `Sec-Fetch-Site`, which the browser sets and no
 * page can, must say `same-origin`; an `Origin` naming another site is refused too; the body must
 * be a form. What the form changes also needs its session-bound, single-use consent ticket (or, for
 * revoke, the session). Refusals are short text pages: nothing is read or decided.
 */
export const pageFormGuard: MiddlewareHandler = async (c, next) => {
  if (c.req.method !== 'POST') return next()
  if (c.req.header('Sec-Fetch-Site') !== 'same-origin' || hasForeignOrigin(c, true)) {
    return formRefused(c, 403, 'This form must be sent from the portal’s own page. Please go back, reload it and try again.')
  }
  if (!/^application\/x-www-form-urlencoded\s*(;|$)/i.test(c.req.header('Content-Type') ?? '')) {
    return formRefused(c, 415, 'This form must be sent as the page sends it.')
  }
  return bodyLimit({ maxSize: MAX_FORM_BODY_BYTES, onError: (cx) => formRefused(cx, 413, 'This form is larger than any page of the portal sends.') })(c, next)
}

function isJson(contentType: string | undefined): boolean {
  return /^application\/json\s*(;|$)/i.test(contentType ?? '')
}
