// Who the request came from and which origin it was addressed to, behind proxies (SPEC.md
// "Security": `X-Forwarded-*` believed only from TRUST_PROXY). Everything that needs the scheme,
// the external origin or the client's address asks here, never the headers themselves: anyone can
// send `X-Forwarded-Proto`, so it means something only when the socket's peer is a proxy we run.
import type { HttpBindings } from '@hono/node-server'
import type { Context, MiddlewareHandler } from 'hono'
import type { Config } from '../config'

export type ProxyTrust = Pick<Config, 'trustProxy' | 'publicOrigin'>

declare module 'hono' {
  interface ContextVariableMap {
    proxyTrust: ProxyTrust
  }
}

/** Mounted first: puts TRUST_PROXY and PUBLIC_ORIGIN where requestOrigin and clientIp read them. */
export function proxyTrust(settings: ProxyTrust): MiddlewareHandler {
  return async (c, next) => {
    c.set('proxyTrust', settings)
    await next()
  }
}

/** Without the middleware (a sub-app tested alone) nobody is trusted and no origin is configured. */
const TRUST_NONE: ProxyTrust = { trustProxy: () => false, publicOrigin: undefined }

function settingsOf(c: Context): ProxyTrust {
  return c.get('proxyTrust') ?? TRUST_NONE
}

/**
 * The socket's peer as @hono/node-server hands it over; undefined in `app.request()` and in the
 * BFF's own in-process requests, which therefore believe no forwarded header.
 */
function peerAddress(c: Context): string | undefined {
  return (c.env as Partial<HttpBindings> | undefined)?.incoming?.socket?.remoteAddress
}

function fromTrustedProxy(c: Context): boolean {
  const peer = peerAddress(c)
  return peer !== undefined && settingsOf(c).trustProxy(peer, 0)
}

/** The first value of a forwarded list: what the proxy nearest the client saw. */
function firstValue(header: string | undefined): string | undefined {
  const value = header?.split(',')[0]?.trim()
  return value ? value : undefined
}

/** A host[:port] as a Host header carries it, nothing that could add a path or credentials. */
const HOST = /^(?:[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/

/**
 * The portal's origin as the browser sees it, e.g. `https://consent.example.com`: PUBLIC_ORIGIN
 * when set; else, from a trusted proxy, its `X-Forwarded-Proto` and `X-Forwarded-Host`; else the
 * request's own (the Host it was sent with, and http unless the socket is TLS).
 */
export function requestOrigin(c: Context): string {
  const { publicOrigin } = settingsOf(c)
  if (publicOrigin) return publicOrigin
  const own = new URL(c.req.url)
  if (!fromTrustedProxy(c)) return own.origin
  const proto = firstValue(c.req.header('X-Forwarded-Proto'))?.toLowerCase()
  const host = firstValue(c.req.header('X-Forwarded-Host'))
  const scheme = proto === 'https' || proto === 'http' ? proto : own.protocol.slice(0, -1)
  const authority = host !== undefined && HOST.test(host) ? host : own.host
  try {
    return new URL(`${scheme}://${authority}`).origin
  } catch {
    return own.origin
  }
}

/** Whether the browser reached the portal over https (HSTS, Secure cookies). */
export function isHttpsRequest(c: Context): boolean {
  return requestOrigin(c).startsWith('https:')
}

/**
 * The client's address: the socket's peer, or, while the peer and each hop before it are trusted
 * proxies, the next address of `X-Forwarded-For` from the right (proxy-addr's rule, as Express's
 * `trust proxy`). Undefined without a socket (in-process requests).
 */
export function clientIp(c: Context): string | undefined {
  const peer = peerAddress(c)
  if (peer === undefined) return undefined
  const { trustProxy } = settingsOf(c)
  const forwarded = (c.req.header('X-Forwarded-For') ?? '')
    .split(',')
    .map((address) => address.trim())
    .filter((address) => address !== '')
    .reverse()
  const chain = [peer, ...forwarded]
  let hop = 0
  while (hop < chain.length - 1 && trustProxy(chain[hop] as string, hop)) hop++
  return chain[hop]
}
