// Response headers and request checks of SPEC.md "Security".
import type { MiddlewareHandler } from 'hono'
import { ApiFailure } from './api-failure'
import { isHttpsRequest, requestOrigin } from './proxy'

export function contentSecurityPolicy(wechatBridgeUrl: string): string {
  const bridgeOrigin = wechatBridgeUrl ? ` ${new URL(wechatBridgeUrl).origin}` : ''
  return [
    "default-src 'self'",
    `script-src 'self'${bridgeOrigin}`,
    "style-src 'self'",
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
    const origin = c.req.header('Origin')
    if (origin !== undefined && origin !== requestOrigin(c)) {
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

function isJson(contentType: string | undefined): boolean {
  return /^application\/json\s*(;|$)/i.test(contentType ?? '')
}
