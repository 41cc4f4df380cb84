// Rate limits (SPEC.md "Security"): per IP without a valid session, per session on decisions and
// record reads, shared by every instance on one store, in memory when the store fails; a refusal is
// a 429 with Retry-After before anything is asked of the platform.
import { afterEach, describe, expect, test } from 'vitest'
import { z } from 'zod'
import { errorEnvelopeSchema } from '../../src/contract/api'
import { useBff, WEB_APP, type Bff } from '../../test/support/bff'
import { useTestDatabase } from '../../test/support/database'
import { openPortalStore, type PortalStore } from '../store/portal-store'
import { testReceiptKeys } from '../../test/support/receipt-keys'

const postgresUrl = useTestDatabase()
const AUTHORIZE = '/openbge/oauth2/authorize'
const USER = '/openbge/user/profile'

const opened: PortalStore[] = []
afterEach(async () => {
  await Promise.all(opened.splice(0).map((store) => store.close()))
})
function openStore(engine: 'sqlite' | 'postgres'): PortalStore {
  const store = openPortalStore(engine === 'sqlite' ? { engine, path: ':memory:' } : { engine, url: postgresUrl() }, { receipts: testReceiptKeys, sweepIntervalMs: 0 })
  opened.push(store)
  return store
}

async function authorize(bff: Bff): Promise<Response> {
  const { ticket, language } = await bff.consent('alice', WEB_APP)
  return bff.request('/api/oauth2/authorize', {
    method: 'POST',
    as: 'alice',
    json: { ticket, language, ...WEB_APP, state: 'xyz', biosample_ids: [{ biosample_id: 'E-A0001', type: 'Lowpass' }] },
  })
}

/** A decision the BFF refuses on its own (no ticket): it still counts, and asks the platform nothing. */
function emptyDecision(bff: Bff): Promise<Response> {
  return bff.request('/api/oauth2/deny', { method: 'POST', as: 'alice', json: {} })
}

async function expectRateLimited(response: Response): Promise<void> {
  expect(response.status).toBe(429)
  const seconds = Number(response.headers.get('Retry-After'))
  expect(seconds).toBeGreaterThanOrEqual(1)
  expect(seconds).toBeLessThanOrEqual(60)
  expect(response.headers.get('Cache-Control')).toBe('no-store')
  expect(z.parse(errorEnvelopeSchema, await response.json()).error.code).toBe('rate_limited')
}

describe('per session', () => {
  test('the decision past RATE_LIMIT_DECISIONS_PER_MINUTE answers 429 with Retry-After, without reaching the platform', async () => {
    const bff = useBff({ env: { RATE_LIMIT_DECISIONS_PER_MINUTE: '2' } })
    expect((await authorize(bff)).status).toBe(200)
    expect((await authorize(bff)).status).toBe(200)
    expect(bff.callsTo(AUTHORIZE)).toHaveLength(2)
    await expectRateLimited(await authorize(bff))
    expect(bff.callsTo(AUTHORIZE)).toHaveLength(2)
    // Another person's decisions have their own count.
    const { ticket, language } = await bff.consent('bob', { client_id: 'profile-app', redirect_uri: 'https://profile.example/cb', scope: 'profile.default' })
    const bobs = await bff.request('/api/oauth2/deny', { method: 'POST', as: 'bob', json: { ticket, language, client_id: 'profile-app', redirect_uri: 'https://profile.example/cb', scope: 'profile.default', state: 's' } })
    expect(bobs.status).toBe(200)
  })

  test('the record read past RATE_LIMIT_RECORD_READS_PER_MINUTE answers 429 before asking who is signed in', async () => {
    const bff = useBff({ env: { RATE_LIMIT_RECORD_READS_PER_MINUTE: '2' } })
    expect((await bff.request('/api/records', { as: 'alice' })).status).toBe(200)
    expect((await bff.request('/api/records/nothing-here', { as: 'alice' })).status).toBe(404)
    const calls = bff.upstreamCalls.length
    await expectRateLimited(await bff.request('/api/records?limit=1', { as: 'alice' }))
    await expectRateLimited(await bff.request('/api/records/nothing-here', { as: 'alice' }))
    expect(bff.upstreamCalls).toHaveLength(calls)
  })

  test('RATE_LIMIT=off: no limit at all', async () => {
    const bff = useBff({ env: { RATE_LIMIT: 'off', RATE_LIMIT_DECISIONS_PER_MINUTE: '1', RATE_LIMIT_UNAUTHENTICATED_PER_MINUTE: '1' } })
    for (let i = 0; i < 3; i++) expect((await emptyDecision(bff)).status).toBe(400)
    for (let i = 0; i < 3; i++) expect((await bff.request('/api/biosamples', { as: { token: 'junk' }, peer: '192.0.2.1' })).status).toBe(401)
  })
})

describe.each(['sqlite', 'postgres'] as const)('two instances on one %s store', (engine) => {
  test('share the count: what one instance took, the other refuses', async () => {
    const portalStore = openStore(engine)
    const env = { RATE_LIMIT_DECISIONS_PER_MINUTE: '3' }
    const a = useBff({ portalStore, env })
    const b = useBff({ portalStore, env })
    expect((await emptyDecision(a)).status).toBe(400)
    expect((await emptyDecision(b)).status).toBe(400)
    expect((await emptyDecision(a)).status).toBe(400)
    await expectRateLimited(await emptyDecision(b))
    await expectRateLimited(await emptyDecision(a))
  })
})

describe('with the store down', () => {
  test('each instance limits in its own memory, and revoke still works', async () => {
    const portalStore = openStore('sqlite')
    await portalStore.ping()
    const bff = useBff({ portalStore, env: { RATE_LIMIT_DECISIONS_PER_MINUTE: '2', RATE_LIMIT_UNAUTHENTICATED_PER_MINUTE: '2' } })
    // The shared limiter is made while the store works, then the store goes away under it.
    expect((await emptyDecision(bff)).status).toBe(400)
    await portalStore.close()
    opened.splice(0)
    await expect(portalStore.ping()).rejects.toThrow()

    // Memory counts from nothing: what the store had counted is out of reach.
    expect((await emptyDecision(bff)).status).toBe(400)
    expect((await emptyDecision(bff)).status).toBe(400)
    await expectRateLimited(await emptyDecision(bff))
    // A limit first used while the store is down counts in memory from the start.
    expect((await bff.request('/api/biosamples', { as: { token: 'junk' }, peer: '192.0.2.7' })).status).toBe(401)
    expect((await bff.request('/api/biosamples', { as: { token: 'junk' }, peer: '192.0.2.7' })).status).toBe(401)
    await expectRateLimited(await bff.request('/api/biosamples', { as: { token: 'junk' }, peer: '192.0.2.7' }))

    // Withdrawal is never refused for lack of the store (its record waits in memory).
    const revoke = await bff.request('/api/oauth2/grants/profile-app', { method: 'DELETE', as: 'bob', peer: '192.0.2.8' })
    expect(revoke.status).toBe(204)
    expect(bff.callsTo('/openbge/oauth2/revoke_grant')).toHaveLength(1)
  })
})

describe('per client IP, without a valid session', () => {
  const env = { RATE_LIMIT_UNAUTHENTICATED_PER_MINUTE: '2' }

  test('a junk cookie costs one platform call per point; past the limit, a 429 before any call', async () => {
    const bff = useBff({ env })
    const junk = { as: { token: 'junk' }, peer: '192.0.2.1' } as const
    expect((await bff.request('/api/biosamples', junk)).status).toBe(401)
    expect((await bff.request('/api/session', junk)).status).toBe(401)
    const calls = bff.upstreamCalls.length
    expect(calls).toBe(2)
    await expectRateLimited(await bff.request('/api/session', junk))
    // A page from that address: its session read is refused too, and nothing else is asked.
    const page = await (await bff.request('/grants', junk)).text()
    expect(page).toContain('rate_limited')
    expect(bff.upstreamCalls).toHaveLength(calls)
    // Another address is not held back, nor is a person whose session works.
    expect((await bff.request('/api/session', { as: 'alice', peer: '192.0.2.2' })).status).toBe(200)
  })

  test('a page with a junk cookie makes one platform call and costs its address one point', async () => {
    const bff = useBff({ env })
    const junk = { as: { token: 'junk' }, peer: '192.0.2.3' } as const
    await (await bff.request('/grants', junk)).text()
    expect(bff.upstreamCalls.map((call) => call.path)).toEqual([USER])
    await (await bff.request('/grants', junk)).text()
    expect(bff.upstreamCalls.map((call) => call.path)).toEqual([USER, USER])
    await (await bff.request('/grants', junk)).text()
    expect(bff.upstreamCalls).toHaveLength(2)
  })

  test('signed out, every /api request takes a point', async () => {
    const bff = useBff({ env })
    const app = `/api/oauth2/application?${new URLSearchParams({ client_id: WEB_APP.client_id, redirect_uri: WEB_APP.redirect_uri })}`
    expect((await bff.request(app, { peer: '192.0.2.4' })).status).toBe(200)
    expect((await bff.request(app, { peer: '192.0.2.4' })).status).toBe(200)
    await expectRateLimited(await bff.request(app, { peer: '192.0.2.4' }))
    expect(bff.callsTo('/openbge/oauth2/application')).toHaveLength(2)
  })
  test('signed out, a page is one request to its address, however many reads it makes', async () => {
    const bff = useBff({ env })
    const consent = `/oauth2/authorize?${new URLSearchParams({ ...WEB_APP, response_type: 'code', state: 's' })}`
    // Four reads each (who is signed in, the app, the samples, the grant): one point per page.
    expect((await bff.request(consent, { peer: '192.0.2.5' })).status).toBe(302)
    expect((await bff.request(consent, { peer: '192.0.2.5' })).status).toBe(302)
    const page = await bff.request(consent, { peer: '192.0.2.5' })
    expect(page.status).toBe(429)
    expect(await page.text()).toContain('rate_limited')
  })
})
