// The BFF's log (STYLE.md "Server": logs are data): pino, one JSON object per line, to stdout. Every
// request gets one line when its answer starts, with its request id, route template, status, time
// and the platform calls it made; every other line written while a request runs carries the same
// request id. Never cookies, tokens, codes, `state` or query strings: nothing here reads them, and
// a path is logged only where no route template names it, cleaned and cut short.
import { AsyncLocalStorage } from 'node:async_hooks'
import type { Context, MiddlewareHandler } from 'hono'
import { matchedRoutes } from 'hono/route'
import { pino, type DestinationStream, type Logger } from 'pino'
import { pageOfPath } from '../../src/contract/routes'
import type { LogLevel } from '../config'
import type { PlatformCallObservation } from '../upstream/client'
import type { Metrics } from './metrics'

export type { Logger }

declare module 'hono' {
  interface ContextVariableMap {
    /** The process log; lines written while the request runs carry its request id. */
    log: Logger
    /** Told of each platform call the request makes, when it ends (server/http/upstream.ts). */
    observePlatformCall: (call: PlatformCallObservation) => void
  }
}

/** Probes are asked every few seconds by every load balancer: neither logged nor timed. */
export const PROBE_PATHS: ReadonlySet<string> = new Set(['/healthz', '/readyz'])

/** The request whose work is running now, for the lines it writes through any logger. */
const current = new AsyncLocalStorage<string>()

/**
 * The JSON logger. Lines go to `destination` (by default stdout, written asynchronously and flushed
 * at exit) with an ISO time, the level's name, and the request id of the request running.
 */
export function createLogger(level: LogLevel, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      mixin: () => {
        const requestId = current.getStore()
        return requestId === undefined ? {} : { request_id: requestId }
      },
    },
    destination ?? pino.destination({ dest: 1, sync: false }),
  )
}

/**
 * The free-text log the consent code writes to (`deps.log`, `(line) => void`), as pino lines: a
 * leading `warn:` or `error:` sets the level, anything else is info. The text is the line's `msg`.
 */
export function lineLog(logger: Logger): (line: string) => void {
  return (line) => {
    const prefixed = /^(warn|error):?\s+/.exec(line)
    const level = prefixed?.[1] === 'warn' ? 'warn' : prefixed?.[1] === 'error' ? 'error' : 'info'
    logger[level](prefixed ? line.slice(prefixed[0].length) : line)
  }
}

/** A path as it may appear in a log: no control characters, and at most 64 characters. */
export function loggablePath(path: string): string {
  // eslint-disable-next-line no-control-regex
  const clean = path.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, '?')
  return clean.length > 64 ? `${clean.slice(0, 64)}…` : clean
}

/**
 * What a request was for, without its values: the template of the route that answered it (e.g.
 * `/api/oauth2/grants/:client_id`), even when a middleware answered first. Catch-alls name the
 * SPA page (`/activity/:id`), `/assets/*`, `/api/*` (no such API route) or `*`; only then is
 * `matched` false, and the log adds the cleaned path.
 */
export function routeOf(c: Context): { route: string; matched: boolean } {
  const route = matchedRoutes(c).find(({ path }) => !path.includes('*'))
  if (route) return { route: route.path, matched: true }
  const page = pageOfPath(c.req.path)
  if (page) return { route: page.path, matched: true }
  if (c.req.path.startsWith('/assets/')) return { route: '/assets/*', matched: true }
  return { route: c.req.path === '/api' || c.req.path.startsWith('/api/') ? '/api/*' : '*', matched: false }
}

export interface RequestObservation {
  logger: Logger
  metrics: Metrics
  /** True once the process is stopping: answers ask the client to close its connection. */
  draining: () => boolean
}

/**
 * Mounted first, after `requestId()`: the request's line and its metrics. The line is written when
 * the answer starts (a page streamed after that is not waited for).
 */
export function observeRequests({ logger, metrics, draining }: RequestObservation): MiddlewareHandler {
  return async (c, next) => {
    if (PROBE_PATHS.has(c.req.path)) {
      await next()
      return
    }
    const started = performance.now()
    const calls: PlatformCallObservation[] = []
    c.set('log', logger)
    c.set('observePlatformCall', (call) => {
      calls.push(call)
      metrics.platformCall(call)
    })
    const requestId = c.get('requestId')
    await current.run(requestId, async () => {
      await next()
      const seconds = (performance.now() - started) / 1000
      const { route, matched } = routeOf(c)
      const status = c.res.status
      metrics.request({ route, method: c.req.method, status }, seconds)
      if (draining()) c.header('Connection', 'close')
      logger[status >= 500 ? 'error' : 'info'](
        {
          method: c.req.method,
          route,
          ...(!matched && { path: loggablePath(c.req.path) }),
          status,
          duration_ms: Math.round(seconds * 10_000) / 10,
          ...(calls.length > 0 && {
            platform: calls.map(({ path, outcome, attempts, durationMs }) => ({ path, outcome, attempts, duration_ms: Math.round(durationMs * 10) / 10 })),
          }),
        },
        'request',
      )
    })
  }
}
