// What the portal accepts as a request at all, before any route reads it: a bounded request
// target, a bounded JSON body, and on /api no query parameter given twice (SPEC.md "Security").
import type { MiddlewareHandler } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { ApiFailure } from './api-failure'

/**
 * Longest request target (path and query, as sent, percent-encoded). RFC 9110 §4.1 asks every
 * recipient to support at least 8000 octets; Node refuses request heads over 16 KiB (431) before
 * the app sees them. A consent link fits with room to spare: client_id, redirect_uri, scope and a
 * `state` of several KiB. Anything longer is refused here, the same way in-process and over HTTP.
 */
export const MAX_REQUEST_TARGET_BYTES = 8192

/**
 * Largest JSON body. The biggest legitimate one is an authorize with the contract's 1,000
 * biosamples (~50 bytes each) and a `state` at its limit (JSON-escaped, ~48 KiB at worst): about
 * 100 KiB. 256 KiB leaves room without letting a client make the BFF buffer megabytes.
 */
export const MAX_JSON_BODY_BYTES = 256 * 1024

/** 414 for a request target over the limit: the error envelope on /api, a short text elsewhere. */
export const requestTargetLimit: MiddlewareHandler = async (c, next) => {
  const { pathname, search } = new URL(c.req.url)
  if (pathname.length + search.length <= MAX_REQUEST_TARGET_BYTES) return next()
  if (pathname === '/api' || pathname.startsWith('/api/')) {
    throw new ApiFailure(414, 'uri_too_long', `This address is longer than the ${MAX_REQUEST_TARGET_BYTES} bytes the portal accepts.`)
  }
  // Nothing of the address is echoed back: it is the attacker's text.
  c.header('Cache-Control', 'no-store')
  return c.text(`This link is too long (over ${MAX_REQUEST_TARGET_BYTES} bytes). Please go back to the app and start again.`, 414)
}

export const jsonBodyLimit: MiddlewareHandler = bodyLimit({
  maxSize: MAX_JSON_BODY_BYTES,
  onError: () => {
    throw new ApiFailure(413, 'payload_too_large', `The request body is larger than the ${MAX_JSON_BODY_BYTES / 1024} KiB the portal accepts.`)
  },
})

/**
 * RFC 6749 §3.1: request parameters must not be included more than once. An API request with a
 * parameter twice is ambiguous, so it is refused rather than resolved by picking one.
 */
export const singleValuedQuery: MiddlewareHandler = async (c, next) => {
  const seen = new Set<string>()
  for (const name of new URL(c.req.url).searchParams.keys()) {
    if (seen.has(name)) {
      throw new ApiFailure(400, 'duplicate_parameter', `The parameter ${name} is given more than once.`, { details: { parameter: name } })
    }
    seen.add(name)
  }
  await next()
}
