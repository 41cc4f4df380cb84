// Response headers and request checks of SPEC.md "Security".
import type { MiddlewareHandler } from 'hono'
import { secureHeaders } from 'hono/secure-headers'
import { ApiFailure } from './api-failure'

export function isHttps(url: string, forwardedProto: string | undefined): boolean {
  return url.startsWith('https:') || forwardedProto?.split(',')[0]?.trim() === 'https'
}

/**
 * The headers of SPEC.md "Security" on every answer, by hono/secure-headers. The CSP matters on
 * documents but costs nothing elsewhere. HSTS only over https: sent over plain http it would be
 * ignored at best, and pin a development host to https at worst.
 */
export function securityHeaders(wechatBridgeUrl: string): MiddlewareHandler {
  const headers = {
    contentSecurityPolicy: {
      defaultSrc: ["'self'"],
      // WeChat's JS bridge only when it is configured (SPEC.md "Security").
      scriptSrc: ["'self'", ...(wechatBridgeUrl ? [new URL(wechatBridgeUrl).origin] : [])],
      styleSrc: ["'self'"],
      imgSrc: ["'self'", 'https:'],
      fontSrc: ["'self'"],
      connectSrc: ["'self'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
      objectSrc: ["'none'"],
      baseUri: ["'none'"],
    },
    xFrameOptions: 'DENY',
    referrerPolicy: 'no-referrer',
    xContentTypeOptions: 'nosniff',
    // hono's other defaults stay off: the portal sends the headers SPEC.md asks for, no more.
    crossOriginResourcePolicy: false,
    crossOriginOpenerPolicy: false,
    originAgentCluster: false,
    xDnsPrefetchControl: false,
    xDownloadOptions: false,
    xPermittedCrossDomainPolicies: false,
    xXssProtection: false,
  }
  const overHttp = secureHeaders({ ...headers, strictTransportSecurity: false })
  const overHttps = secureHeaders({ ...headers, strictTransportSecurity: 'max-age=31536000; includeSubDomains' })
  return (c, next) => (isHttps(c.req.url, c.req.header('X-Forwarded-Proto')) ? overHttps : overHttp)(c, next)
}

const SAFE_METHODS = new Set(['GET', 'HEAD'])

/**
 * CSRF defence for the JSON API: a state-changing request must carry the custom header only
 * same-origin script can set without a CORS preflight (which this BFF never answers), must not
 * come from a foreign Origin, and must not be a cross-site fetch.
 */
export const apiRequestGuard: MiddlewareHandler = async (c, next) => {
  c.header('Cache-Control', 'no-store')
  if (!SAFE_METHODS.has(c.req.method)) {
    if (c.req.header('X-Requested-With') !== 'fetch') {
      throw new ApiFailure(403, 'csrf_header_missing', 'This request must be sent by the portal itself.')
    }
    const origin = c.req.header('Origin')
    const host = c.req.header('X-Forwarded-Host')?.split(',')[0]?.trim() ?? c.req.header('Host')
    if (origin !== undefined && (origin === 'null' || safeHost(origin) !== host)) {
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

function safeHost(origin: string): string | undefined {
  try {
    return new URL(origin).host
  } catch {
    return undefined
  }
}

function isJson(contentType: string | undefined): boolean {
  return /^application\/json\s*(;|$)/i.test(contentType ?? '')
}
