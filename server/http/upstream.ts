// One platform client per request (SPEC.md "Security"; STYLE.md "Server"): a middleware puts on
// `c.var.upstream` the signed client bound to the request's deadline and the person's token, for
// pages as well as /api, so no route can call the platform without the deadline or pass either by
// hand.
import type { Context, MiddlewareHandler } from 'hono'
import { getCookie } from 'hono/cookie'
import { ApiFailure } from './api-failure'
import { deadlineOf } from './deadline'
import type { BiosampleRefParam, CallOptions, UpstreamClient } from '../upstream/client'
import type { UpstreamApplication, UpstreamAuthorization, UpstreamBiosample, UpstreamGrant, UpstreamUser } from '../upstream/schemas'

/** The platform as this request's person sees it: every call spends from the request's deadline. */
export interface RequestUpstream {
  /** The signed-in person's auth_token, which never leaves the server; undefined when signed out. */
  readonly authToken: string | undefined
  application(p: { client_id: string; redirect_uri: string }): Promise<UpstreamApplication>
  /** Never retried: each successful call mints an authorization code. */
  authorize(p: { client_id: string; redirect_uri: string; biosample_ids?: BiosampleRefParam[] }): Promise<UpstreamAuthorization>
  grants(p?: { client_id?: string | undefined }): Promise<UpstreamGrant[]>
  revokeGrant(p: { client_id: string }): Promise<void>
  biosamples(): Promise<UpstreamBiosample[]>
  user(): Promise<UpstreamUser>
  /** The same request's client for another person's token (the sandbox sign-in learns who it signed in). */
  as(authToken: string): RequestUpstream
}

declare module 'hono' {
  interface ContextVariableMap {
    upstream: RequestUpstream
  }
}

function bind(client: UpstreamClient, c: Context, authToken: string | undefined): RequestUpstream {
  // The request's log line and metrics hear of each call (server/http/log.ts), when they watch.
  const call = () => ({ deadline: deadlineOf(c), observe: c.get('observePlatformCall') as CallOptions['observe'] })
  const token = (): string => {
    if (!authToken) throw new ApiFailure(401, 'unauthenticated', 'Please sign in to continue.')
    return authToken
  }
  return {
    authToken,
    application: (p) => client.application(p, call()),
    authorize: (p) => client.authorize({ ...p, auth_token: token() }, call()),
    grants: (p = {}) => client.grants({ auth_token: token(), client_id: p.client_id }, call()),
    revokeGrant: (p) => client.revokeGrant({ auth_token: token(), client_id: p.client_id }, call()),
    biosamples: () => client.biosamples({ auth_token: token() }, call()),
    user: () => client.user({ auth_token: token() }, call()),
    as: (other) => bind(client, c, other),
  }
}

/** Mounted after `requestDeadline`; the person's token is the auth cookie's (AUTH_COOKIE). */
export function requestUpstream(client: UpstreamClient, authCookie: string): MiddlewareHandler {
  return async (c, next) => {
    c.set('upstream', bind(client, c, getCookie(c, authCookie) || undefined))
    await next()
  }
}

/** The signed-in person's token, or 401 `unauthenticated` (with the login URL, server/app.ts). */
export function requireAuthToken(c: Context): string {
  const token = c.var.upstream.authToken
  if (!token) throw new ApiFailure(401, 'unauthenticated', 'Please sign in to continue.')
  return token
}
