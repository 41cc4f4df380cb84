import { Hono } from 'hono'
import { z } from 'zod'
import type { Grant } from '../../src/contract/api'
import { requireAuthToken, type BffDeps } from '../deps'
import { parseQuery } from '../validate'

/**
 * The upstream writes grant times as 'YYYY-MM-DD HH:MM:SS' with no zone; the platform's
 * documents pair them with UTC sample times, so they are read as UTC.
 */
export function upstreamTimeToIso(value: string): string {
  const match = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})/.exec(value)
  if (match) return `${match[1]}T${match[2]}Z`
  const parsed = new Date(value)
  return Number.isNaN(parsed.getTime()) ? value : parsed.toISOString()
}

// Built once: zod compiles an object schema's parser on its first use, so a schema built per
// request is compiled per request (about 50 µs each).
const querySchema = z.object({ client_id: z.string().min(1).optional() })

export function grantRoutes(deps: BffDeps): Hono {
  const app = new Hono()

  app.get('/oauth2/grants', async (c) => {
    const { client_id } = parseQuery(c, querySchema)
    const upstream = await deps.upstream.grants({ auth_token: requireAuthToken(c, deps), client_id })
    const grants: Grant[] = upstream
      .map((g) => ({
        client_id: g.application.client_id,
        name: g.application.name,
        logo: g.application.logo,
        grant_time: upstreamTimeToIso(g.grant_time),
        biosample_ids: g.biosample_ids.map(({ biosample_id, type }) => ({ biosample_id, type })),
      }))
      .sort((a, b) => b.grant_time.localeCompare(a.grant_time))
    return c.json({ grants })
  })

  app.delete('/oauth2/grants/:client_id', async (c) => {
    await deps.upstream.revokeGrant({ auth_token: requireAuthToken(c, deps), client_id: c.req.param('client_id') })
    return c.body(null, 204)
  })

  return app
}
