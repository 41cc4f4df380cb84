import { Hono } from 'hono'
import { z } from 'zod'
import type { Grant } from '../../src/contract/api'
import { deadlineOf } from '../deadline'
import { requireAuthToken, type BffDeps } from '../deps'
import { parseQuery } from '../validate'

// Built once: zod compiles an object schema's parser on its first use, so a schema built per
// request is compiled per request (about 50 µs each).
const querySchema = z.object({ client_id: z.string().min(1).optional() })

export function grantRoutes(deps: BffDeps): Hono {
  const app = new Hono()

  app.get('/oauth2/grants', async (c) => {
    const { client_id } = parseQuery(c, querySchema)
    const upstream = await deps.upstream.grants({ auth_token: requireAuthToken(c, deps), client_id }, { deadline: deadlineOf(c) })
    const grants: Grant[] = upstream
      .map((g) => ({
        client_id: g.application.client_id,
        name: g.application.name,
        logo: g.application.logo,
        grant_time: g.grant_time,
        biosample_ids: g.biosample_ids.map(({ biosample_id, type }) => ({ biosample_id, type })),
      }))
      .sort((a, b) => b.grant_time.localeCompare(a.grant_time))
    return c.json({ grants })
  })

  app.delete('/oauth2/grants/:client_id', async (c) => {
    await deps.upstream.revokeGrant(
      { auth_token: requireAuthToken(c, deps), client_id: c.req.param('client_id') },
      { deadline: deadlineOf(c) },
    )
    return c.body(null, 204)
  })

  return app
}
