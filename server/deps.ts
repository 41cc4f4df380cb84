import type { MiddlewareHandler } from 'hono'
import type { Config } from './config'
import type { Continuations } from './consent/continuations'
import type { RateLimits } from './http/limits'
import type { ConsentDecisions } from './consent/decisions'
import type { RecordOutbox } from './consent/records'
import type { ConsentTickets } from './consent/ticket'
import type { UpstreamClient } from './upstream/client'
import type { SandboxStore } from './sandbox/store'
import type { PortalStore } from './store/portal-store'

/** What the routes share: built once in app.ts. */
export interface BffDeps {
  config: Config
  /** The signed client itself; routes use `c.var.upstream`, bound to their request (server/http/upstream.ts). */
  upstream: UpstreamClient
  /** The rate limits; the consent form takes a point of `decisions` as the JSON API does. */
  limits: RateLimits
  tickets: ConsentTickets
  /** Where the consent form sends a web app's person next (server/consent/continuations.ts). */
  continuations: Continuations
  decisions: ConsentDecisions
  /** Records the store could not take yet (revokes made while it was down). */
  outbox: RecordOutbox
  /** The portal store (SPEC.md "Portal store"), shared by every instance. */
  store: PortalStore
  /** Present in sandbox mode only. */
  sandboxStore: SandboxStore | undefined
  /** The process log (one line each); never given a secret. */
  log: (line: string) => void
}

declare module 'hono' {
  interface ContextVariableMap {
    deps: BffDeps
  }
}

/** Puts the shared deps on `c.var.deps`, for what runs inside a page render (the page forms' actions). */
export function provideDeps(deps: BffDeps): MiddlewareHandler {
  return async (c, next) => {
    c.set('deps', deps)
    await next()
  }
}
