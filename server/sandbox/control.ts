// A test's hand on a sandbox that runs in a process of its own (server/sandbox/serve.ts --control,
// as test/support/instances.ts starts it): add a fault while it runs, read back what the platform
// holds. Never mounted by the portal: a sandbox reachable by others must not take orders.
import { Hono } from 'hono'
import type { SandboxApp } from './app'
import { FixturesError, parseFault } from './fixtures'
import type { SandboxStore } from './store'

export function controlRoutes(sandbox: SandboxApp, store: SandboxStore): Hono {
  const app = new Hono()
  // The body is one fault of the fixtures format; 400 names what is wrong with it.
  app.post('/faults', async (c) => {
    let body: unknown
    try {
      body = await c.req.json()
    } catch {
      return c.json({ problems: [{ path: '', message: 'is not valid JSON' }] }, 400)
    }
    try {
      sandbox.addFault(parseFault(body, 'POST /sandbox/control/faults'))
    } catch (error) {
      if (error instanceof FixturesError) return c.json({ problems: error.problems }, 400)
      throw error
    }
    return c.body(null, 204)
  })
  // Every grant the platform holds, whatever the portal was told.
  app.get('/grants', (c) => c.json({ grants: store.allGrants() }))
  return app
}
