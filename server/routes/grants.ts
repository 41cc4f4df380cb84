import { Hono, type Context } from 'hono'
import { getCookie } from 'hono/cookie'
import { z } from 'zod'
import type { Grant } from '../../src/contract/api'
import { LANGUAGE_COOKIE, pickLanguage } from '../../src/contract/languages'
import { displayedLogo } from '../../src/contract/logo'
import { latestGrantedAuthorize, type VanishedGrant } from '../../src/contract/records'
import { makeRecord, reconcile } from '../consent/records'
import type { BffDeps } from '../deps'
import { ApiFailure } from '../http/api-failure'
import { parseQuery } from '../http/validate'
import { callOutcome } from '../upstream/errors'
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

  // Withdrawal never waits on the audit (SPEC.md "Consent records"): the platform is asked first,
  // and the record follows, kept in memory while the store cannot take it.
  app.delete('/oauth2/grants/:client_id', async (c) => {
    const clientId = c.req.param('client_id')
    const [listed, user] = await Promise.all([c.var.upstream.grants({ client_id: clientId }), c.var.upstream.user()])
    const grant = listed.find((g) => g.application.client_id === clientId)
    if (!grant) {
      // Already revoked (or never granted): nothing is taken back, so nothing is recorded. The
      // platform is still told, in case its grant list lagged behind.
      await c.var.upstream.revokeGrant({ client_id: clientId })
      return c.body(null, 204)
    }
    // The words the person agreed to, when this portal kept them: what they now take back. Read
    // alongside the revoke, never before it, so a store that hangs cannot hold the withdrawal up.
    const agreed = deps.store
      .listRecords(user.id, { clientId })
      .then((records) => latestGrantedAuthorize(records, clientId)?.record)
      .catch(() => undefined)
    const started = new Date()
    let outcome: 'revoked' | 'failed' | 'unknown' = 'revoked'
    let failure: unknown
    try {
      await c.var.upstream.revokeGrant({ client_id: clientId })
    } catch (error) {
      outcome = callOutcome(error)
      failure = error
    }
    const record = makeRecord({
      decision: 'revoke',
      outcome,
      resolves: null,
      at: started,
      user_id: user.id,
      client_id: clientId,
      app_name: grant.application.name,
      app_logo: displayedLogo(grant.application.logo),
      redirect_host: null,
      mini_program_name: null,
      language: pickLanguage(getCookie(c, LANGUAGE_COOKIE), c.req.header('Accept-Language')),
      scopes: (await agreed)?.scopes ?? [],
      biosamples: grant.biosample_ids,
    })
    await deps.outbox.write(record)
    if (outcome === 'unknown') {
      throw new ApiFailure(504, 'decision_outcome_unknown', 'BGE did not confirm the revoke in time. The app may no longer have access: check your authorized apps again in a moment.')
    }
    if (failure !== undefined) throw failure
    return c.body(null, 204)
  })

  return app
}
