// Revoke (SPEC.md "Grants page", "Consent records"): one function for the JSON API's DELETE and the
// revoke page's form. Withdrawal never waits on the audit: the platform is asked first, and the
// record follows, kept in memory while the store cannot take it.
import type { Context } from 'hono'
import { getCookie } from 'hono/cookie'
import { LANGUAGE_COOKIE, pickLanguage } from '../../src/contract/languages'
import { displayedLogo } from '../../src/contract/logo'
import { latestGrantedAuthorize } from '../../src/contract/records'
import type { BffDeps } from '../deps'
import { ApiFailure } from '../http/api-failure'
import { callOutcome } from '../upstream/errors'
import { makeRecord } from './records'

/** What a revoke did: took the app's grant back (named as the platform names the app), or found none to take. */
export type Revoked = { kind: 'revoked'; appName: string } | { kind: 'none' }

/**
 * Revokes `clientId`'s grant for the signed-in person. Throws the platform's failure when it
 * definitely did not act, and 504 `decision_outcome_unknown` when its answer was lost.
 */
export async function revokeGrant(c: Context, deps: BffDeps, clientId: string): Promise<Revoked> {
  const [listed, user] = await Promise.all([c.var.upstream.grants({ client_id: clientId }), c.var.upstream.user()])
  const grant = listed.find((g) => g.application.client_id === clientId)
  if (!grant) {
    // Already revoked (or never granted): nothing is taken back, so nothing is recorded. The
    // platform is still told, in case its grant list lagged behind.
    await c.var.upstream.revokeGrant({ client_id: clientId })
    return { kind: 'none' }
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
  return { kind: 'revoked', appName: grant.application.name }
}
