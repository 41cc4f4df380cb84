import { Hono } from 'hono'
import { getCookie } from 'hono/cookie'
import { z } from 'zod'
import type { Grant } from '../../src/contract/api'
import { LANGUAGE_COOKIE } from '../../src/contract/languages'
import { displayedLogo } from '../../src/contract/logo'
import { withRecord, writeDecisionRecord } from '../consent-records'
import { requireAuthToken, type BffDeps } from '../deps'
import { pickLanguage } from '../spa'
import { parseQuery } from '../validate'

export function grantRoutes(deps: BffDeps): Hono {
  const app = new Hono()

  app.get('/oauth2/grants', async (c) => {
    const { client_id } = parseQuery(c, z.object({ client_id: z.string().min(1).optional() }))
    const upstream = await deps.upstream.grants({ auth_token: requireAuthToken(c, deps), client_id })
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
    const token = requireAuthToken(c, deps)
    const clientId = c.req.param('client_id')
    const grant = (await deps.upstream.grants({ auth_token: token, client_id: clientId })).find((g) => g.application.client_id === clientId)
    if (!grant) {
      // Already revoked (or never granted): nothing is taken back, so nothing is recorded. The
      // platform is still told, in case its grant list lagged behind.
      await deps.upstream.revokeGrant({ auth_token: token, client_id: clientId })
      return c.body(null, 204)
    }
    const user = await deps.upstream.user({ auth_token: token })
    // The words the person agreed to, when this portal kept them: what they now take back.
    const agreed = (await deps.store.listRecords(user.id, { clientId })).find((record) => record.decision === 'authorize')
    const written = await writeDecisionRecord(deps, {
      decision: 'revoke',
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
    await withRecord(deps, written, () => deps.upstream.revokeGrant({ auth_token: token, client_id: clientId }))
    return c.body(null, 204)
  })

  return app
}
