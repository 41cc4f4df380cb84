import { Hono, type Context } from 'hono'
import { z } from 'zod'
import type { Grant } from '../../src/contract/api'
import type { VanishedGrant } from '../../src/contract/records'
import { reconcile } from '../consent/records'
import { revokeGrant } from '../consent/revoke'
import type { BffDeps } from '../deps'
import { parseQuery } from '../http/validate'
import type { UpstreamGrant } from '../upstream/schemas'

// Built once: zod compiles an object schema's parser on its first use, so a schema built per
// request is compiled per request (about 50 µs each).
const querySchema = z.object({ client_id: z.string().min(1).optional() })

export function grantRoutes(deps: BffDeps): Hono {
  const app = new Hono()

  /**
   * Settles the person's unknown attempts against what the platform lists, and finds the grants
   * that vanished. Best effort: the grants are the platform's and are answered without the store.
   */
  async function reconciled(c: Context, grants: readonly UpstreamGrant[], userId: string, clientId: string | undefined): Promise<VanishedGrant[] | undefined> {
    try {
      const { vanished } = await reconcile(deps.store, userId, grants, {
        upstreamTimeoutMs: deps.config.upstreamTimeoutMs,
        clockMarginMs: deps.config.upstreamClockMarginMs,
        clientId,
        waiting: deps.outbox.pendingFor(userId),
      })
      return clientId === undefined ? vanished : undefined
    } catch (error) {
      deps.log(`warn: ${c.req.method} ${c.req.routePath}: records not reconciled: ${error instanceof Error ? error.message : String(error)}`)
      return undefined
    }
  }

  app.get('/oauth2/grants', async (c) => {
    const { client_id } = parseQuery(c, querySchema)
    const [upstream, user] = await Promise.all([c.var.upstream.grants({ client_id }), c.var.upstream.user()])
    const grants: Grant[] = upstream
      .map((g) => ({
        client_id: g.application.client_id,
        name: g.application.name,
        logo: g.application.logo,
        grant_time: g.grant_time,
        biosample_ids: g.biosample_ids.map(({ biosample_id, type }) => ({ biosample_id, type })),
      }))
      .sort((a, b) => b.grant_time.localeCompare(a.grant_time))
    const vanished = await reconciled(c, upstream, user.id, client_id)
    return c.json({ grants, ...(vanished && { vanished }) })
  })

  // Withdrawal never waits on the audit: server/consent/revoke.ts, shared with the revoke page's form.
  app.delete('/oauth2/grants/:client_id', async (c) => {
    await revokeGrant(c, deps, c.req.param('client_id'))
    return c.body(null, 204)
  })

  return app
}
