// Probes (SPEC.md "BFF API"): /healthz says the process runs; /readyz says whether this instance can
// serve, naming each dependency. A store outage does not make it 503: revoking and reading still
// work without the store, and every instance shares it, so failing readiness would take them all
// out. The built SPA missing does, and so does draining (after SIGTERM, server/index.ts).
import { Hono } from 'hono'
import type { Metrics } from '../http/metrics'
import type { PortalStore } from '../store/portal-store'

/** A probe answers quickly or not at all: a store slower than this counts as down. */
const STORE_PING_TIMEOUT_MS = 1000

export interface Readiness {
  store: Pick<PortalStore, 'ping'>
  /** Whether pages can be served (server/pages/spa.ts): not ready without the built SPA and its server render. */
  spaReady: () => boolean
  draining: () => boolean
  metrics: Metrics
}

async function storeAnswers(store: Pick<PortalStore, 'ping'>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), STORE_PING_TIMEOUT_MS)))
  try {
    return await Promise.race([store.ping().then(() => true, () => false), timeout])
  } finally {
    clearTimeout(timer)
  }
}

export function healthRoutes({ store, spaReady, draining, metrics }: Readiness): Hono {
  // Mounted at the root, so no `use('*')` here: it would reach every page.
  const app = new Hono()
  const noStore = { 'Cache-Control': 'no-store' }
  app.get('/healthz', (c) => c.json({ status: 'alive' }, 200, noStore))
  app.get('/readyz', async (c) => {
    const up = await storeAnswers(store)
    metrics.storeUp(up)
    const spa = spaReady()
    const stopping = draining()
    const ready = spa && !stopping
    const body = { status: ready ? 'ready' : 'unavailable', store: up ? 'up' : 'down', spa: spa ? 'ok' : 'missing', ...(stopping && { draining: true }) }
    return c.json(body, ready ? 200 : 503, noStore)
  })
  return app
}
