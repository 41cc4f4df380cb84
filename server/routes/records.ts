import { Hono } from 'hono'
import { z } from 'zod'
import type { ConsentRecord } from '../../src/contract/records'
import { ApiFailure } from '../http/api-failure'
import type { BffDeps } from '../deps'
import { parseQuery } from '../http/validate'

/**
 * The signed-in person's consent records (SPEC.md "Consent records"): their own only, never anyone
 * else's. `no-store` comes with every /api answer (server/http/security.ts).
 */
export function recordRoutes(deps: BffDeps): Hono {
  const app = new Hono()

  app.get('/records', async (c) => {
    const { client_id } = parseQuery(c, z.object({ client_id: z.string().min(1).optional() }))
    const records: ConsentRecord[] = await deps.store.listRecords((await c.var.upstream.user()).id, client_id === undefined ? {} : { clientId: client_id })
    return c.json({ records })
  })

  app.get('/records/:id', async (c) => {
    const record = await deps.store.readRecord((await c.var.upstream.user()).id, c.req.param('id'))
    // Someone else's record answers as a missing one does, so an id reveals nothing.
    if (!record) throw new ApiFailure(404, 'not_found', 'There is no such record.')
    return c.json(record)
  })

  return app
}
