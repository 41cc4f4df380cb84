import { Hono } from 'hono'
import { getCookie } from 'hono/cookie'
import { z } from 'zod'
import type { Grant } from '../../src/contract/api'
import { LANGUAGE_COOKIE } from '../../src/contract/languages'
import { displayedLogo } from '../../src/contract/logo'
import { withRecord, writeDecisionRecord } from '../consent/records'
import type { BffDeps } from '../deps'
import { pickLanguage } from '../pages/spa'
import { parseQuery } from '../http/validate'

// Built once: zod compiles an object schema's parser on its first use, so a schema built per
// request is compiled per request (about 50 µs each).
const querySchema = z.object({ client_id: z.string().min(1).optional() })

export function grantRoutes(deps: BffDeps): Hono {
  const app = new Hono()

  app.get('/oauth2/grants', async (c) => {
    const { client_id } = parseQuery(c, querySchema)
    const upstream = await c.var.upstream.grants({ client_id })
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
    const clientId = c.req.param('client_id')
    const grant = (await c.var.upstream.grants({ client_id: clientId })).find((g) => g.application.client_id === clientId)
    if (!grant) {
      // Already revoked (or never granted): nothing is taken back, so nothing is recorded. The
      // platform is still told, in case its grant list lagged behind.
      await c.var.upstream.revokeGrant({ client_id: clientId })
      return c.body(null, 204)
    }
    const user = await c.var.upstream.user()
    // The words the person agreed to, when this portal kept them: what they now take back.
    const agreed = (await deps.store.listRecords(user.id, { clientId })).find((record) => record.decision === 'authorize')
    const written = await writeDecisionRecord(deps, {
      decision: 'revoke',
      outcome: 'revoked',
      resolves: null,
      user_id: user.id,
      client_id: clientId,
      app_name: grant.application.name,
      app_logo: displayedLogo(grant.application.logo),
      redirect_host: null,
      mini_program_name: null,
      language: pickLanguage(getCookie(c, LANGUAGE_COOKIE), c.req.header('Accept-Language')),
      scopes: agreed?.scopes ?? [],
      biosamples: grant.biosample_ids,
    })
    await withRecord(deps, written, () => c.var.upstream.revokeGrant({ client_id: clientId }))
    return c.body(null, 204)
  })

  return app
}
