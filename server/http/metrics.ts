// Prometheus metrics (STYLE.md "Server": counters and histograms with few labels, never ids), in a
// registry of each app's own so tests can run several. Served only on METRICS_PORT, by a listener
// of its own (server/index.ts): the public port has no /metrics.
import { Hono } from 'hono'
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client'
import type { PortalStore } from '../store/portal-store'
import type { PlatformCallObservation } from '../upstream/client'

/** What a claim on a ticket's decision came to (server/consent/decisions.ts). */
export type ClaimResult = 'won' | 'waited' | 'conflict' | 'lapsed'

export interface Metrics {
  readonly registry: Registry
  /** One answered request (probes excluded), by route template. */
  request(labels: { route: string; method: string; status: number }, seconds: number): void
  /** One platform call, retries included. */
  platformCall(call: PlatformCallObservation): void
  claim(result: ClaimResult): void
  /** One consent record the store took. */
  record(labels: { decision: string; outcome: string }): void
  /** Set by every readiness check (and at start). */
  storeUp(up: boolean): void
  /** How many records wait in memory for the store (server/consent/records.ts RecordOutbox). */
  watchOutbox(outbox: { readonly size: number }): void
  storeQuery(query: string, outcome: 'ok' | 'error', seconds: number): void
}

/** Fast answers are milliseconds; the slowest any request may take is the deadline (10 s by default). */
const SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20]
const STORE_SECONDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5]

export function createMetrics(options: { processMetrics?: boolean } = {}): Metrics {
  const registry = new Registry()
  const registers = [registry]
  // The process's CPU, memory, event loop and GC: only for a process that serves them (one per
  // process: each call starts its own event-loop and GC observers).
  if (options.processMetrics) collectDefaultMetrics({ register: registry })

  const requests = new Histogram({
    name: 'portal_http_request_duration_seconds',
    help: 'Time to the start of each answer, by route template (probes excluded).',
    labelNames: ['route', 'method', 'status'] as const,
    buckets: SECONDS,
    registers,
  })
  const platformCalls = new Histogram({
    name: 'portal_platform_call_duration_seconds',
    help: 'Platform calls, retries included, by call and outcome (ok, refused, or the fault: timeout, network, http_status, malformed).',
    labelNames: ['call', 'outcome'] as const,
    buckets: SECONDS,
    registers,
  })
  const retries = new Counter({
    name: 'portal_platform_retries_total',
    help: 'Platform attempts after a first one failed, by call.',
    labelNames: ['call'] as const,
    registers,
  })
  const storeQueries = new Histogram({
    name: 'portal_store_query_duration_seconds',
    help: 'Portal store operations, by operation and outcome (ok, error).',
    labelNames: ['query', 'outcome'] as const,
    buckets: STORE_SECONDS,
    registers,
  })
  const storeUp = new Gauge({
    name: 'portal_store_up',
    help: '1 when the portal store answered the last readiness check, else 0.',
    registers,
  })
  const claims = new Counter({
    name: 'portal_consent_claims_total',
    help: "Claims on a ticket's decision: won; waited (another request's same decision answered it); conflict (another decision was made); lapsed (a holder died or its answer was lost, settled by the grants).",
    labelNames: ['result'] as const,
    registers,
  })
  const records = new Counter({
    name: 'portal_consent_records_total',
    help: 'Consent records written to the store, by decision and outcome.',
    labelNames: ['decision', 'outcome'] as const,
    registers,
  })
  let outboxes: { readonly size: number }[] = []
  new Gauge({
    name: 'portal_record_outbox_waiting',
    help: 'Records kept in memory until the portal store answers (lost if the process stops first).',
    registers,
    collect() {
      this.set(outboxes.reduce((sum, outbox) => sum + outbox.size, 0))
    },
  })

  return {
    registry,
    request: ({ route, method, status }, seconds) => requests.observe({ route, method, status: String(status) }, seconds),
    platformCall: ({ call, outcome, attempts, durationMs }) => {
      platformCalls.observe({ call, outcome }, durationMs / 1000)
      if (attempts > 1) retries.inc({ call }, attempts - 1)
    },
    claim: (result) => claims.inc({ result }),
    record: (labels) => records.inc(labels),
    storeUp: (up) => storeUp.set(up ? 1 : 0),
    watchOutbox: (outbox) => {
      outboxes = [...outboxes.filter((o) => o !== outbox), outbox]
    },
    storeQuery: (query, outcome, seconds) => storeQueries.observe({ query, outcome }, seconds),
  }
}

/**
 * The store, timed: every operation that returns a promise is observed by name (`writeRecord`,
 * `claimDecision`…), and each record it takes is counted. A Proxy, so operations added to the
 * store later are timed too.
 */
export function observeStore(store: PortalStore, metrics: Metrics): PortalStore {
  const wrapped = new Map<PropertyKey, unknown>()
  return new Proxy(store, {
    get(target, key) {
      const value: unknown = Reflect.get(target, key, target)
      if (typeof value !== 'function' || key === 'close' || typeof key !== 'string') return value
      const known = wrapped.get(key)
      if (known) return known
      const method = value as (...args: unknown[]) => unknown
      const timed = (...args: unknown[]): unknown => {
        const started = performance.now()
        const result = method.apply(target, args)
        if (!(result instanceof Promise)) return result
        const seconds = () => (performance.now() - started) / 1000
        return result.then(
          (answer: unknown) => {
            metrics.storeQuery(key, 'ok', seconds())
            if (key === 'writeRecord' || key === 'appendResolution') countRecord(metrics, args[0], answer)
            return answer
          },
          (error: unknown) => {
            metrics.storeQuery(key, 'error', seconds())
            throw error
          },
        )
      }
      wrapped.set(key, timed)
      return timed
    },
  })
}

/** A record counts when the store kept this one (a resolution another instance wrote first does not). */
function countRecord(metrics: Metrics, sent: unknown, kept: unknown): void {
  const record = kept as { id?: unknown; decision?: unknown; outcome?: unknown } | undefined
  if (!record || record.id !== (sent as { id?: unknown } | undefined)?.id) return
  metrics.record({ decision: String(record.decision), outcome: String(record.outcome) })
}

/** The metrics listener's app: GET /metrics, nothing else. */
export function metricsApp(metrics: Metrics): Hono {
  const app = new Hono()
  app.get('/metrics', async (c) => {
    const text = await metrics.registry.metrics()
    return c.body(text, 200, { 'Content-Type': metrics.registry.contentType, 'Cache-Control': 'no-store' })
  })
  return app
}
