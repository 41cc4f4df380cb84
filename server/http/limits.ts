// Rate limits (SPEC.md "Security"): per client IP on requests that reach the platform without a
// valid session, and per session on decisions and record reads. The counts live in the portal
// store, so every instance sharing it shares them (server/store/rate-limits.ts); when the store
// fails, each instance counts in its own memory instead (rate-limiter-flexible's
// `insuranceLimiter`), so a store outage loosens the limits but never lifts them, and never
// refuses a request for lack of the store. A refusal is a 429 with `Retry-After`, answered before
// anything is asked of the platform.
import { createHash } from 'node:crypto'
import type { Context, MiddlewareHandler } from 'hono'
import { RateLimiterMemory, RateLimiterRes, RLWrapperTimeouts, type RateLimiterAbstract } from 'rate-limiter-flexible'
import type { RateLimitSettings } from '../config'
import type { PortalStore } from '../store/portal-store'
import { ApiFailure } from './api-failure'
import { clientIp } from './proxy'

/** What @hono/node-server puts on `c.env`, as far as an in-process request needs it. */
export interface PeerEnv {
  incoming?: { socket?: { remoteAddress?: string | undefined } | undefined } | undefined
  /** Set on a page's own reads: the page is one request to the per-IP limit, however many reads it makes. */
  page?: { charge?: Promise<number | undefined> }
}

/**
 * The environment that gives a page's own in-process reads the page's client address, as
 * server/http/proxy.ts `clientIp` resolved it, so the per-IP limit counts them, once per page.
 * One environment per page: its reads share it.
 */
export function peerEnv(c: Context): PeerEnv | undefined {
  const ip = clientIp(c)
  return ip === undefined ? undefined : { incoming: { socket: { remoteAddress: ip } }, page: {} }
}

/** How long a store-backed count may take before this instance counts in memory instead. */
const STORE_TIMEOUT_MS = 500
const MINUTE_S = 60

/** One limit: `points` per minute per key, counted in the store, in memory while the store fails. */
class Limit {
  private readonly memory: RateLimiterMemory
  private shared: Promise<RateLimiterAbstract> | undefined

  constructor(
    private readonly store: PortalStore,
    private readonly keyPrefix: string,
    private readonly points: number,
  ) {
    this.memory = new RateLimiterMemory({ keyPrefix, points, duration: MINUTE_S })
  }

  /** The store's limiter once the store is migrated; this instance's memory until then. */
  private async limiter(): Promise<RateLimiterAbstract> {
    if (!this.shared) {
      const attempt = this.store
        .sharedLimiter({ keyPrefix: this.keyPrefix, points: this.points, duration: MINUTE_S, insuranceLimiter: this.memory })
        .then((limiter) => new RLWrapperTimeouts({ limiter, timeoutMs: STORE_TIMEOUT_MS, insuranceLimiter: this.memory }))
      this.shared = attempt
      // A store that was down is asked again by the next request.
      attempt.catch(() => {
        if (this.shared === attempt) this.shared = undefined
      })
    }
    return this.shared.catch(() => this.memory)
  }

  /** Takes a point for `key`: the seconds to wait when none was left, else undefined. */
  async take(key: string): Promise<number | undefined> {
    const limiter = await this.limiter()
    try {
      await limiter.consume(key)
      return undefined
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) return secondsOf(rejection)
      // Both the store and memory failed (memory does not): let the request through.
      return undefined
    }
  }

  /** The seconds to wait when `key` has no point left, without taking one; else undefined. */
  async exhausted(key: string): Promise<number | undefined> {
    const limiter = await this.limiter()
    const state = await limiter.get(key).catch(() => null)
    return state && state.consumedPoints >= this.points ? secondsOf(state) : undefined
  }
}

function secondsOf(state: RateLimiterRes): number {
  return Math.max(1, Math.ceil(state.msBeforeNext / 1000))
}

/** A session's key: its token hashed, so no table or memory holds the token itself. */
function sessionKey(token: string): string {
  return createHash('sha256').update(token).digest('base64url')
}

function refuse(c: Context, seconds: number): never {
  c.header('Retry-After', String(seconds))
  throw new ApiFailure(429, 'rate_limited', 'Too many requests. Please wait a moment and try again.')
}

export interface RateLimits {
  /**
   * Per client IP, on /api: a request without a session takes a point before it runs; one with a
   * session cookie is refused when its IP has none left, and takes a point when the platform
   * refused the session (401). So a junk cookie costs at most one platform call per point.
   */
  unauthenticated: MiddlewareHandler
  /** Per session: authorize and deny. */
  decisions: MiddlewareHandler
  /** Per session: the records and every path under them. */
  recordReads: MiddlewareHandler
}

const pass: MiddlewareHandler = (_c, next) => next()

/** The limits of `settings` (RATE_LIMIT_*), counted in `store`; none with RATE_LIMIT=off. */
export function createRateLimits(settings: RateLimitSettings | undefined, store: PortalStore): RateLimits {
  if (!settings) return { unauthenticated: pass, decisions: pass, recordReads: pass }
  const perIp = new Limit(store, 'ip', settings.unauthenticatedPerMinute)

  const perSession = (keyPrefix: string, points: number): MiddlewareHandler => {
    const limit = new Limit(store, keyPrefix, points)
    return async (c, next) => {
      const token = c.var.upstream.authToken
      // Without a session the route answers 401 itself, without the platform; the IP limit counts it.
      const wait = token ? await limit.take(sessionKey(token)) : undefined
      if (wait !== undefined) refuse(c, wait)
      await next()
    }
  }

  return {
    unauthenticated: async (c, next) => {
      const ip = clientIp(c)
      if (!ip) return next()
      const page = (c.env as PeerEnv | undefined)?.page
      // A point per request, or per page for a page's reads: the first to count takes it, and
      // the page's other reads share its answer.
      const take = () => {
        if (!page) return perIp.take(ip)
        page.charge ??= perIp.take(ip)
        return page.charge
      }
      const signedIn = c.var.upstream.authToken !== undefined
      const wait = signedIn ? await perIp.exhausted(ip) : await take()
      if (wait !== undefined) refuse(c, wait)
      await next()
      if (signedIn && c.res.status === 401) await take()
    },
    decisions: perSession('decisions', settings.decisionsPerMinute),
    recordReads: perSession('records', settings.recordReadsPerMinute),
  }
}
