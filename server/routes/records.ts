import { Hono } from 'hono'
import { z } from 'zod'
import { reconcile } from '../consent/records'
import type { BffDeps } from '../deps'
import { ApiFailure } from '../http/api-failure'
import { parseQuery } from '../http/validate'

const querySchema = z.object({ client_id: z.string().min(1).optional() })

/**
 * The signed-in person's consent records (SPEC.md "Consent records"): their own only, never anyone
 * else's. `no-store` comes with every /api answer (server/http/security.ts).
 */
export function recordRoutes(deps: BffDeps): Hono {
  const app = new Hono()

  app.get('/records', async (c) => {
    const { client_id } = parseQuery(c, querySchema)
    // The platform's grants settle attempts whose outcome was unknown; without them (the platform
    // is down) the records are still the person's to read.
    const [user, grants] = await Promise.all([c.var.upstream.user(), c.var.upstream.grants().catch(() => undefined)])
    if (!grants) return c.json({ records: await deps.store.listRecords(user.id, client_id === undefined ? {} : { clientId: client_id }) })
    const { records, vanished } = await reconcile(deps.store, user.id, grants, {
      upstreamTimeoutMs: deps.config.upstreamTimeoutMs,
        clockMarginMs: deps.config.upstreamClockMarginMs,
      waiting: deps.outbox.pendingFor(user.id),
    })
    if (client_id === undefined) return c.json({ records, vanished })
    return c.json({ records: records.filter((record) => record.client_id === client_id) })
  })

  app.get('/records/:id', async (c) => {
    const record = await deps.store.readRecord((await c.var.upstream.user()).id, c.req.param('id'))
    // Someone else's record answers as a missing one does, so an id reveals nothing.
    if (!record) throw new ApiFailure(404, 'not_found', 'There is no such record.')
    return c.json(record)
  })

  return app
}
