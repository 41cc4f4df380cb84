import type { Context } from 'hono'
import { getCookie } from 'hono/cookie'
import type { Config } from './config'
import type { ConsentTickets, TicketDecisions } from './consent-ticket'
import type { DecisionResponse } from '../src/contract/api'
import type { UpstreamClient } from './upstream/client'
import type { SandboxStore } from './sandbox/store'
import type { PortalStore } from './store/portal-store'
import { ApiFailure } from './api-failure'

/** What the routes share: built once in app.ts. */
export interface BffDeps {
  config: Config
  upstream: UpstreamClient
  tickets: ConsentTickets
  decisions: TicketDecisions<DecisionResponse>
  /** The portal store (SPEC.md "Portal store"), shared by every instance. */
  store: PortalStore
  /** Present in sandbox mode only. */
  sandboxStore: SandboxStore | undefined
  /** The process log (one line each); never given a secret. */
  log: (line: string) => void
}

/** The signed-in user's auth_token, which never leaves the server. */
export function authToken(c: Context, deps: BffDeps): string | undefined {
  const token = getCookie(c, deps.config.authCookie)
  return token ? token : undefined
}

export function requireAuthToken(c: Context, deps: BffDeps): string {
  const token = authToken(c, deps)
  if (!token) throw new ApiFailure(401, 'unauthenticated', 'Please sign in to continue.')
  return token
}
