// Revoke (SPEC.md "Grants page", "Consent records"): one function for the JSON API's DELETE and the
// revoke page's form. Withdrawal never waits on the audit: the platform is asked first, and the
// record follows, kept in memory while the store cannot take it.
import type { Context } from 'hono'
import { getCookie } from 'hono/cookie'
import { LANGUAGE_COOKIE, pickLanguage } from '../../src/contract/languages'
import { displayedLogo } from '../../src/contract/logo'
import type { BffDeps } from '../deps'
import { ApiFailure } from '../http/api-failure'
import type { ConsentRecord } from '../../src/contract/records'
import { callOutcome } from '../upstream/errors'
import { confirmationOf, latestAgreement, makeRecord } from './records'

/**
 * What a revoke did: took the app's grant back (named as the platform names the app), or found none
 * to take. `confirmed`: what reading the grants back found (its record is written), or undefined
 * when that read failed and nothing was recorded.
 */
export type Revoked = { kind: 'revoked'; appName: string; confirmed: 'revoked' | 'failed' | undefined } | { kind: 'none' }

/**
 * After the platform said it revoked (SPEC.md "Consent records"): reads the person's grant of the
 * app back and records whether the app is still listed, pointing at the revoke it confirms. One
 * read, right away; a platform whose list lags would show as `failed`, which the grants page turns
 * into "revoke again". A read that fails records nothing (the revoke itself stands, and its receipt
 * says no confirmation came) and is logged as `withdrawal not confirmed`. Through the outbox, like
 * the revoke: withdrawal never waits on the audit.
 */
async function confirmWithdrawal(c: Context, deps: BffDeps, revoke: ConsentRecord): Promise<'revoked' | 'failed' | undefined> {
  let listed
  try {
    listed = await c.var.upstream.grants({ client_id: revoke.client_id })
  } catch (error) {
    deps.log(
      `warn: withdrawal not confirmed: revoke ${revoke.id} of ${revoke.client_id}: reading the grants back ${callOutcome(error) === 'unknown' ? 'got no answer' : 'failed'}: ${error instanceof Error ? error.message : String(error)}`,
    )
    return undefined
  }
  const outcome = listed.some((grant) => grant.application.client_id === revoke.client_id) ? 'failed' : 'revoked'
  if (outcome === 'failed') deps.log(`warn: withdrawal not confirmed: revoke ${revoke.id} of ${revoke.client_id}: the platform still lists the app`)
  await deps.outbox.write(confirmationOf(revoke, outcome))
  return outcome
}

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
  const agreed = latestAgreement(deps.store, user.id, clientId).catch(() => undefined)
  const started = new Date()
  let outcome: 'revoked' | 'failed' | 'unknown' = 'revoked'
  let failure: unknown
  try {
    await c.var.upstream.revokeGrant({ client_id: clientId })
  } catch (error) {
    outcome = callOutcome(error)
    failure = error
  }
  const previous = await agreed
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
    scopes: previous?.scopes ?? [],
    biosamples: grant.biosample_ids,
    // What it takes back: the authorize's genetic-data consent, and a link to that authorize's receipt.
    separate_consent: previous?.separate_consent ?? null,
    previous_receipt: previous?.id ?? null,
  })
  await deps.outbox.write(record)
  if (outcome === 'unknown') {
    throw new ApiFailure(504, 'decision_outcome_unknown', 'BGE did not confirm the revoke in time. The app may no longer have access: check your authorized apps again in a moment.')
  }
  if (failure !== undefined) throw failure
  return { kind: 'revoked', appName: grant.application.name, confirmed: await confirmWithdrawal(c, deps, record) }
}
