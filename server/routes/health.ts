// Probes (SPEC.md "BFF API"): /healthz says the process runs; /readyz says it can serve, that is
// its store answers, so a load balancer sends traffic only to instances that can keep a decision.
import { Hono } from 'hono'
import type { PortalStore } from '../store/portal-store'

export function healthRoutes(store: Pick<PortalStore, 'ping'>): Hono {
  // Mounted at the root, so no `use('*')` here: it would reach every page.
  const app = new Hono()
  const noStore = { 'Cache-Control': 'no-store' }
  app.get('/healthz', (c) => c.json({ status: 'alive' }, 200, noStore))
  app.get('/readyz', async (c) => {
    try {
      await store.ping()
      return c.json({ status: 'ready' }, 200, noStore)
    } catch {
      return c.json({ status: 'unavailable', reason: 'the portal store does not answer' }, 503, noStore)
    }
  })
  return app
}
