// A test's hand on a sandbox that runs in a process of its own (server/sandbox/serve.ts --control,
// as test/support/instances.ts starts it): add a fault while it runs, read back what the platform
// holds. Never mounted by the portal: a sandbox reachable by others must not take orders.
import { Hono, type MiddlewareHandler } from 'hono'
import type { SandboxApp } from './app'
import { FixturesError, parseFault } from './fixtures'
import type { SandboxStore } from './store'

/** The private-API calls one path received: how many, how many are open now, and the most open at once. */
export interface CallCount {
  started: number
  inFlight: number
  maxInFlight: number
}

export interface CallCounter {
  /** Mounted in front of the private API: counts each call from its arrival until it is answered or its client goes. */
  middleware: MiddlewareHandler
  read(): Record<string, CallCount>
}

/** Counts the calls the sandbox process receives, per private-API path (e.g. `/openbge/oauth2/authorize`). */
export function callCounter(): CallCounter {
  const counts = new Map<string, CallCount>()
  const middleware: MiddlewareHandler = async (c, next) => {
    const path = c.req.path.replace(/^.*\/private-api/, '')
    const count = counts.get(path) ?? { started: 0, inFlight: 0, maxInFlight: 0 }
    counts.set(path, count)
    count.started += 1
    count.inFlight += 1
    count.maxInFlight = Math.max(count.maxInFlight, count.inFlight)
    let open = true
    const end = () => {
      if (!open) return
      open = false
      count.inFlight -= 1
    }
    // A client that went away (its connection closed) has nothing in flight any more.
    c.req.raw.signal.addEventListener('abort', end, { once: true })
    try {
      await next()
    } finally {
      end()
    }
  }
  return { middleware, read: () => Object.fromEntries(counts) }
}

export function controlRoutes(sandbox: SandboxApp, store: SandboxStore, calls?: CallCounter): Hono {
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
  // The calls it received per path, when counted (serve.ts --control counts them).
  app.get('/calls', (c) => c.json({ calls: calls?.read() ?? {} }))
  return app
}
