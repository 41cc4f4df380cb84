// The truth about lost platform answers (SPEC.md "Consent records", "Security"), on both portal
// stores: whatever the platform did while its answer was lost (late, dropped, or replaced by a 500),
// the records end up saying what the platform's grants say, a ticket never yields two codes at once,
// a Deny never lands on a ticket whose authorize was granted, and a revoke made while the store is
// down is written once the store is back.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, inject, onTestFinished, test } from 'vitest'
import { foldAttempts, latestGrantedAuthorize, type ConsentAttempt, type ConsentRecord } from '../../src/contract/records'
import type { Language } from '../../src/contract/languages'
import { ALICE, useBff, WEB_APP, type Bff } from '../../test/support/bff'
import { createTestDatabase } from '../../test/support/postgres'
import { SANDBOX_CALL_PATHS as P } from '../sandbox/fixtures'
import { openPortalStore, StoreUnavailableError, type PortalStore } from '../store/portal-store'
import { until } from '../../test/support/until'
import { testReceiptKeys } from '../../test/support/receipt-keys'

type StoreKind = 'sqlite' | 'postgres'
type LostKind = 'timeout' | 'reset' | 'http_500'

const STORES: StoreKind[] = ['sqlite', 'postgres']
const LOST: LostKind[] = ['timeout', 'reset', 'http_500']
const SAMPLES = [
  { biosample_id: 'E-A0001', type: 'Lowpass' },
  { biosample_id: 'E-A0003', type: '16S' },
]
/** An upstream call is given up after 150 ms; the platform's clock is taken to be ours. */
const FAST = { UPSTREAM_TIMEOUT_MS: '150', UPSTREAM_CLOCK_MARGIN_MS: '0' }

/** A portal store of this test's own (a SQLite file, or a fresh PostgreSQL database), gone when the test ends. */
async function freshStore(kind: StoreKind): Promise<PortalStore> {
  if (kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'bge-lost-'))
    const store = openPortalStore({ engine: 'sqlite', path: join(dir, 'portal.sqlite') }, { receipts: testReceiptKeys, sweepIntervalMs: 0 })
    onTestFinished(async () => {
      await store.close()
      rmSync(dir, { recursive: true, force: true })
    })
    return store
  }
  const database = await createTestDatabase(inject('postgresUrl'))
  const store = openPortalStore({ engine: 'postgres', url: database.url }, { receipts: testReceiptKeys, sweepIntervalMs: 0 })
  onTestFinished(async () => {
    await store.close()
    await database.drop()
  })
  return store
}

type Held = { ticket: string; language: Language }

function authorize(bff: Bff, held: Held, samples = SAMPLES): Promise<Response> {
  return bff.request('/api/oauth2/authorize', { method: 'POST', as: 'alice', json: { ...held, ...WEB_APP, state: 'st', separate_consent: true, biosample_ids: samples } })
}

function deny(bff: Bff, held: Held): Promise<Response> {
  return bff.request('/api/oauth2/deny', { method: 'POST', as: 'alice', json: { ...held, ...WEB_APP, state: 'st' } })
}

async function errorCode(response: Response): Promise<string | undefined> {
  const body = (await response.json()) as { error?: { code?: string } }
  return body.error?.code
}

/** GET /api/records (which settles what the platform's grants can speak for): the stored records, newest first. */
async function readRecords(bff: Bff): Promise<ConsentRecord[]> {
  const response = await bff.request('/api/records', { as: 'alice' })
  expect(response.status).toBe(200)
  return ((await response.json()) as { records: ConsentRecord[] }).records
}

/** Each attempt with its current state, newest first. */
async function attempts(bff: Bff): Promise<ConsentAttempt[]> {
  return foldAttempts(await readRecords(bff))
}

/** GET /api/oauth2/grants: what the person is shown the platform holds. */
async function listedGrants(bff: Bff): Promise<{ grants: { client_id: string; biosample_ids: unknown[] }[]; vanished?: unknown[] }> {
  const response = await bff.request('/api/oauth2/grants', { as: 'alice' })
  expect(response.status).toBe(200)
  return (await response.json()) as { grants: { client_id: string; biosample_ids: unknown[] }[]; vanished?: unknown[] }
}

/** What the platform itself holds for Alice and the web app, whatever the portal was told. */
function platformGrant(bff: Bff) {
  return bff.store.grantsOf(ALICE.id, WEB_APP.client_id)
}

const sorted = (samples: readonly { biosample_id: string; type: string }[]) => [...samples].sort((a, b) => a.biosample_id.localeCompare(b.biosample_id))


/** The code in an answer's redirect. */
function codeOf(body: unknown): string | undefined {
  const to = (body as { redirect_to?: string }).redirect_to
  return to === undefined ? undefined : (new URL(to).searchParams.get('code') ?? undefined)
}

describe.each(STORES)('%s store', (kind) => {
  describe.each(LOST)('authorize answer lost after the platform acted (%s)', (lost) => {
    test('504 at first; Deny is 409 and never recorded; records say granted as the platform does; a second Authorize is one new attempt', async () => {
      const bff = useBff({ portalStore: await freshStore(kind), faults: [{ path: P.authorize, kind: lost, when: 'after' }], env: FAST })
      const held = await bff.consent('alice', WEB_APP)

      const first = await authorize(bff, held)
      expect(first.status).toBe(504)
      expect(await errorCode(first)).toBe('decision_outcome_unknown')
      // The platform acted: the grant is saved, with the samples chosen; it was asked once.
      expect(platformGrant(bff).map((g) => sorted(g.biosample_ids))).toEqual([sorted(SAMPLES)])
      expect(bff.callsTo(P.authorize)).toHaveLength(1)

      // Access was granted on this ticket: a Deny cannot stand, and is not recorded as one.
      const refused = await deny(bff, held)
      expect(refused.status).toBe(409)
      expect(await errorCode(refused)).toBe('ticket_used')
      expect(bff.callsTo(P.authorize)).toHaveLength(1)

      // The records' current state agrees with the platform's grants.
      const now = await attempts(bff)
      expect(now.map((a) => [a.record.decision, a.outcome])).toEqual([['authorize', 'granted']])
      expect(sorted(now[0]?.record.biosamples ?? [])).toEqual(sorted(SAMPLES))
      const listed = await listedGrants(bff)
      expect(listed.grants.filter((g) => g.client_id === WEB_APP.client_id).map((g) => sorted(g.biosample_ids as typeof SAMPLES))).toEqual([sorted(SAMPLES)])
      expect(listed.vanished ?? []).toEqual([])

      // The code it minted was lost: Authorize may ask once more, as a new attempt, and three
      // at once still make one platform call and get the same answer.
      const again = await Promise.all([authorize(bff, held), authorize(bff, held), authorize(bff, held)])
      expect(again.map((r) => r.status)).toEqual([200, 200, 200])
      const bodies = await Promise.all(again.map((r) => r.json()))
      expect(new Set(bodies.map((b) => JSON.stringify(b))).size).toBe(1)
      expect(codeOf(bodies[0])).toMatch(/^[A-Za-z0-9]{30}$/)
      expect(bff.callsTo(P.authorize)).toHaveLength(2)

      const after = await attempts(bff)
      expect(after.map((a) => [a.record.decision, a.outcome])).toEqual([
        ['authorize', 'granted'],
        ['authorize', 'granted'],
      ])
      expect(after.some((a) => a.record.decision === 'deny')).toBe(false)
      expect(platformGrant(bff)).toHaveLength(1)
      expect(latestGrantedAuthorize(await readRecords(bff), WEB_APP.client_id)?.record.id).toBe(after[0]?.record.id)
    })

    test('a person who had granted other samples: the new samples are granted in the records as on the platform, and the latest', async () => {
      const bff = useBff({ portalStore: await freshStore(kind), env: FAST })
      const earlierSamples = [{ biosample_id: 'E-A0002', type: 'Full' }]
      expect((await authorize(bff, await bff.consent('alice', WEB_APP), earlierSamples)).status).toBe(200)
      const [earlier] = await attempts(bff)
      expect(earlier?.outcome).toBe('granted')

      bff.addFault({ path: P.authorize, kind: lost, when: 'after' })
      const first = await authorize(bff, await bff.consent('alice', WEB_APP))
      expect(first.status).toBe(504)
      expect(await errorCode(first)).toBe('decision_outcome_unknown')
      // Authorizing again replaced what the app was given before.
      expect(platformGrant(bff).map((g) => sorted(g.biosample_ids))).toEqual([sorted(SAMPLES)])

      const listed = await listedGrants(bff)
      expect(listed.grants.filter((g) => g.client_id === WEB_APP.client_id).map((g) => sorted(g.biosample_ids as typeof SAMPLES))).toEqual([sorted(SAMPLES)])
      const records = await readRecords(bff)
      const latest = latestGrantedAuthorize(records, WEB_APP.client_id)
      expect(latest?.record.id).not.toBe(earlier?.record.id)
      expect(sorted(latest?.record.biosamples ?? [])).toEqual(sorted(SAMPLES))
      expect(foldAttempts(records).map((a) => [a.record.decision, a.outcome])).toEqual([
        ['authorize', 'granted'],
        ['authorize', 'granted'],
      ])
    })
  })

  describe.each(LOST)('authorize lost before the platform acted (%s)', (lost) => {
    test('504 while it cannot tell, the platform not asked again; then failed, and a Deny proceeds and is recorded', async () => {
      // A margin of a second gives a window in which the attempt is surely still too young to call.
      const env = { UPSTREAM_TIMEOUT_MS: '150', UPSTREAM_CLOCK_MARGIN_MS: '1000' }
      const bff = useBff({ portalStore: await freshStore(kind), faults: [{ path: P.authorize, kind: lost, when: 'before' }], env })
      const held = await bff.consent('alice', WEB_APP)

      const first = await authorize(bff, held)
      expect(first.status).toBe(504)
      expect(await errorCode(first)).toBe('decision_outcome_unknown')
      expect(platformGrant(bff)).toEqual([])
      expect(bff.callsTo(P.authorize)).toHaveLength(1)

      const [attempt] = await attempts(bff)
      expect(attempt?.outcome).toBe('unknown')
      const oldEnough = Date.parse(attempt?.record.at ?? '') + 150 + 1000

      // Too young to tell: the same answer again, and the platform is not asked.
      let retried = 0
      for (const retry of [() => authorize(bff, held), () => deny(bff, held)]) {
        // Sent only well inside the window, so the answer cannot be the settled one.
        if (Date.now() > oldEnough - 500) break
        const response = await retry()
        expect(response.status).toBe(504)
        expect(await errorCode(response)).toBe('decision_outcome_unknown')
        retried += 1
      }
      expect(retried).toBeGreaterThan(0)
      expect(bff.callsTo(P.authorize)).toHaveLength(1)

      // Once older than an upstream call can take, the grant still does not match: failed.
      const settled = await until(
        () => attempts(bff),
        (all) => all[0]?.outcome !== 'unknown',
        'the attempt to be settled',
      )
      expect(settled.map((a) => [a.record.decision, a.outcome])).toEqual([['authorize', 'failed']])
      expect(Date.now()).toBeGreaterThanOrEqual(oldEnough)

      const denied = await deny(bff, held)
      expect(denied.status).toBe(200)
      expect((await denied.json()).redirect_to).toMatch(/error=access_denied/)
      expect((await attempts(bff)).map((a) => [a.record.decision, a.outcome])).toEqual([
        ['deny', 'denied'],
        ['authorize', 'failed'],
      ])
      expect(bff.callsTo(P.authorize)).toHaveLength(1)
      expect(platformGrant(bff)).toEqual([])
    })
  })

  describe.each(LOST)('revoke answer lost after the platform acted (%s)', (lost) => {
    test('the answer and the records agree with the platform: the grant is gone and the revoke recorded as revoked', async () => {
      const bff = useBff({ portalStore: await freshStore(kind), env: FAST })
      expect((await authorize(bff, await bff.consent('alice', WEB_APP))).status).toBe(200)
      expect(platformGrant(bff)).toHaveLength(1)

      bff.addFault({ path: P.revokeGrant, kind: lost, when: 'after' })
      const response = await bff.request(`/api/oauth2/grants/${WEB_APP.client_id}`, { method: 'DELETE', as: 'alice' })
      // The first call revoked; the BFF's retry finds nothing left to revoke, which the platform answers as done.
      expect(bff.callsTo(P.revokeGrant)).toHaveLength(2)
      expect(response.status).toBe(204)
      expect(platformGrant(bff)).toEqual([])

      const listed = await listedGrants(bff)
      expect(listed.grants.filter((g) => g.client_id === WEB_APP.client_id)).toEqual([])
      // Taken back here, so not a grant that vanished elsewhere.
      expect(listed.vanished ?? []).toEqual([])
      expect((await attempts(bff)).map((a) => [a.record.decision, a.outcome])).toEqual([
        ['revoke', 'revoked'],
        ['authorize', 'granted'],
      ])
    })
  })

  test('revoke with the store down: 204 and the grant gone at once, the record written once the store is back; authorize and deny refuse meanwhile', async () => {
    const real = await freshStore(kind)
    let down = false
    const gate = <T>(call: () => Promise<T>): Promise<T> => (down ? Promise.reject(new StoreUnavailableError(new Error('store down (test)'))) : call())
    const switched: PortalStore = {
      ...real,
      description: real.description,
      claimDecision: (input) => gate(() => real.claimDecision(input)),
      readDecision: (ticketId) => gate(() => real.readDecision(ticketId)),
      linkAttempt: (input) => gate(() => real.linkAttempt(input)),
      storeAnswer: (input) => gate(() => real.storeAnswer(input)),
      markUnknown: (input) => gate(() => real.markUnknown(input)),
      retakeClaim: (input) => gate(() => real.retakeClaim(input)),
      releaseClaim: (input) => gate(() => real.releaseClaim(input)),
      writeRecord: (record) => gate(() => real.writeRecord(record)),
      appendResolution: (record) => gate(() => real.appendResolution(record)),
      listRecords: (userId, filter) => gate(() => real.listRecords(userId, filter)),
      readRecord: (userId, id) => gate(() => real.readRecord(userId, id)),
      ping: () => gate(() => real.ping()),
    }
    const bff = useBff({ portalStore: switched, env: FAST })
    expect((await authorize(bff, await bff.consent('alice', WEB_APP))).status).toBe(200)
    const forAuthorize = await bff.consent('alice', WEB_APP)
    const forDeny = await bff.consent('alice', WEB_APP)

    down = true
    const revoked = await bff.request(`/api/oauth2/grants/${WEB_APP.client_id}`, { method: 'DELETE', as: 'alice' })
    expect(revoked.status).toBe(204)
    expect(platformGrant(bff)).toEqual([])
    // Reading the grants still works with the store down.
    expect((await listedGrants(bff)).grants.filter((g) => g.client_id === WEB_APP.client_id)).toEqual([])

    // A decision that cannot be proven is not made: the platform is not asked.
    for (const response of [await authorize(bff, forAuthorize), await deny(bff, forDeny)]) {
      expect(response.status).toBe(503)
      expect(await errorCode(response)).toBe('store_unavailable')
    }
    expect(bff.callsTo(P.authorize)).toHaveLength(1)
    // Not written yet: the store only holds the authorize.
    expect((await real.listRecords(ALICE.id)).filter((r) => r.decision === 'revoke')).toEqual([])

    down = false
    const records = await until(
      () => real.listRecords(ALICE.id),
      (all) => all.filter((r) => r.decision === 'revoke').length === 2,
      'the outbox to write the revoke and its confirmation',
    )
    // The revoke, and the withdrawal's confirmation (the grants read back, which needs no store).
    expect(records.filter((r) => r.decision === 'revoke').map((r) => [r.outcome, r.confirms === null ? 'revoke' : 'confirmation'])).toEqual([
      ['revoked', 'confirmation'],
      ['revoked', 'revoke'],
    ])
    expect((await attempts(bff)).map((a) => [a.record.decision, a.outcome, a.confirmation?.outcome])).toEqual([
      ['revoke', 'revoked', 'revoked'],
      ['authorize', 'granted', undefined],
    ])
    expect(bff.logs.some((line) => line.includes('written after the portal store came back'))).toBe(true)
    // The tickets the store refused are still good for a decision now.
    expect((await deny(bff, forDeny)).status).toBe(200)
  })
})
