// GET /api/records/export (issue 19 item 4): every record of the person, each with its JWS,
// streamed a page at a time; for PIPL Art. 45 requests.
import { compactVerify, createLocalJWKSet, type JSONWebKeySet } from 'jose'
import { describe, expect, test } from 'vitest'
import { receiptPayload } from '../../src/contract/receipts'
import { recordsResponseSchema, type ConsentRecord } from '../../src/contract/records'
import { ALICE, BOB, useBff, WEB_APP, type Bff, type UserKey } from '../../test/support/bff'
import { testReceiptKeys } from '../../test/support/receipt-keys'
import { openPortalStore, StoreUnavailableError, type PortalStore, type RecordFilter } from '../store/portal-store'
import { EXPORT_FORMAT, EXPORT_PAGE } from './records-export'

const PORTAL = 'http://portal.test'

interface ExportFile {
  format: string
  exported_at: string
  subject: string
  jwks: string
  purged: { count: number; through: string } | null
  records: { consentReceiptID: string; piiPrincipalId: string; bge: { jws: string | null; chain_seq: number | null; previous_jws: string | null } }[]
}

async function authorize(bff: Bff, as: UserKey): Promise<void> {
  const held = await bff.consent(as, WEB_APP)
  const samples = as === 'alice' ? [{ biosample_id: 'E-A0001', type: 'Lowpass' }] : [{ biosample_id: 'E-B0001', type: 'Lowpass' }]
  const response = await bff.request('/api/oauth2/authorize', { method: 'POST', as, json: { ...held, ...WEB_APP, state: 'st', separate_consent: true, biosample_ids: samples } })
  expect(response.status).toBe(200)
}

/** A record as the store takes it, at `at`; the store chains and signs it. */
function record(userId: string, i: number): ConsentRecord {
  return {
    id: `rec-${String(i).padStart(5, '0')}`,
    decision: 'deny',
    outcome: 'denied',
    resolves: null,
    at: new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString(),
    user_id: userId,
    client_id: 'web-app',
    app_name: 'Gene Insight',
    app_logo: '',
    redirect_host: 'app.example',
    mini_program_name: null,
    language: 'en',
    scopes: [{ scope: 'profile.default', title: 'Basic profile', message: 'Read your avatar', tier: 'basic' }],
    biosamples: [],
    text_sha256: 'a'.repeat(64),
    text_version: 2,
    separate_consent: null,
    previous_receipt: null,
    confirms: null,
    chain_seq: null,
    previous_sha256: null,
  }
}

describe('GET /api/records/export', () => {
  test('every record of the person, newest first, as Kantara receipts each with a JWS that verifies against the served JWKS', async () => {
    const bff = useBff()
    await authorize(bff, 'alice')
    await authorize(bff, 'alice')
    await authorize(bff, 'bob')
    const response = await bff.request('/api/records/export', { as: 'alice' })
    expect(response.status).toBe(200)
    expect(response.headers.get('Content-Type')).toBe('application/json; charset=utf-8')
    expect(response.headers.get('Content-Disposition')).toMatch(/^attachment; filename="consent-records-\d{4}-\d{2}-\d{2}\.json"$/)
    expect(response.headers.get('Cache-Control')).toBe('no-store')
    const file = (await response.json()) as ExportFile
    expect(file).toMatchObject({ format: EXPORT_FORMAT, subject: ALICE.id, jwks: `${PORTAL}/.well-known/jwks.json`, purged: null })
    expect(Date.parse(file.exported_at)).not.toBeNaN()

    // The same records, in the same order, as the list: two attempts and the two that settle them.
    const listed = recordsResponseSchema.parse(await (await bff.request('/api/records', { as: 'alice' })).json()).records
    expect(file.records.map((receipt) => receipt.consentReceiptID)).toEqual(listed.map((entry) => entry.id))
    expect(file.records.every((receipt) => receipt.piiPrincipalId === ALICE.id)).toBe(true)
    const keys = createLocalJWKSet((await (await bff.request('/.well-known/jwks.json')).json()) as JSONWebKeySet)
    for (const [i, receipt] of file.records.entries()) {
      const verified = await compactVerify(receipt.bge.jws!, keys)
      expect(new TextDecoder().decode(verified.payload)).toBe(receiptPayload(listed[i]!))
    }
    expect(file.records.map((receipt) => receipt.bge.chain_seq).sort()).toEqual([1, 2, 3, 4])

    // Bob's holds his own only; signed out, nothing.
    const bobs = (await (await bff.request('/api/records/export', { as: 'bob' })).json()) as ExportFile
    expect(bobs.subject).toBe(BOB.id)
    expect(bobs.records.every((receipt) => receipt.piiPrincipalId === BOB.id)).toBe(true)
    expect(bobs.records).toHaveLength(2)
    expect((await bff.request('/api/records/export')).status).toBe(401)
  })

  test('a person with no records gets a valid file with an empty list', async () => {
    const bff = useBff()
    const file = (await (await bff.request('/api/records/export', { as: 'bob' })).json()) as ExportFile
    expect(file).toMatchObject({ subject: BOB.id, purged: null, records: [] })
  })

  test('1,000 records stream a page at a time: bounded reads, the first bytes before the last page is read, every record once', async () => {
    const store = openPortalStore({ engine: 'sqlite', path: ':memory:' }, { receipts: testReceiptKeys, sweepIntervalMs: 0 })
    const COUNT = 1000
    for (let i = 0; i < COUNT; i++) await store.writeRecord(record(ALICE.id, i))
    const reads: RecordFilter[] = []
    const watched: PortalStore = Object.assign(Object.create(store) as PortalStore, store, {
      listReceipts: (userId: string, filter: RecordFilter = {}) => {
        reads.push(filter)
        return store.listReceipts(userId, filter)
      },
    })
    const bff = useBff({ portalStore: watched })
    // app.request, not bff.request, which reads every body whole to keep it for the test's log.
    const response = await bff.app.request(`${PORTAL}/api/records/export`, { headers: { Cookie: `${bff.config.authCookie}=${ALICE.auth_token}` } })
    expect(response.status).toBe(200)
    const reader = response.body!.getReader()
    const decoder = new TextDecoder()
    let text = ''
    const first = await reader.read()
    text += decoder.decode(first.value, { stream: true })
    // The file has begun while most of the person's records have not even been read from the store:
    // the stream pulls the next page only when the client has taken the last one.
    expect(text.startsWith(`{"format":"${EXPORT_FORMAT}"`)).toBe(true)
    const readBeforeFirstBytes = reads.length
    expect(readBeforeFirstBytes).toBeLessThanOrEqual(2)
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) text += decoder.decode(chunk.value, { stream: true })
    text += decoder.decode()

    // Ten full pages and the empty one that ends it, each bounded.
    expect(reads.map((filter) => filter.limit)).toEqual(Array(COUNT / EXPORT_PAGE + 1).fill(EXPORT_PAGE))
    const file = JSON.parse(text) as ExportFile
    const ids = file.records.map((receipt) => receipt.consentReceiptID)
    expect(ids).toHaveLength(COUNT)
    expect(new Set(ids).size).toBe(COUNT)
    expect(ids[0]).toBe(`rec-${String(COUNT - 1).padStart(5, '0')}`)
    expect(file.records.map((receipt) => receipt.bge.chain_seq)).toEqual(Array.from({ length: COUNT }, (_, i) => COUNT - i))
    await store.close()
  })

  test('a store that is down before the first byte: the error envelope, 503; one that fails midway cuts the download', async () => {
    const store = openPortalStore({ engine: 'sqlite', path: ':memory:' }, { receipts: testReceiptKeys, sweepIntervalMs: 0 })
    for (let i = 0; i < EXPORT_PAGE + 1; i++) await store.writeRecord(record(ALICE.id, i))
    let failFrom = 0
    let reads = 0
    const failing: PortalStore = Object.assign(Object.create(store) as PortalStore, store, {
      listReceipts: (userId: string, filter?: RecordFilter) =>
        ++reads > failFrom ? Promise.reject(new StoreUnavailableError(new Error('connection refused'))) : store.listReceipts(userId, filter),
    })
    const bff = useBff({ portalStore: failing })
    const down = await bff.request('/api/records/export', { as: 'alice' })
    expect(down.status).toBe(503)
    expect((await down.json()).error.code).toBe('store_unavailable')

    failFrom = 1
    reads = 0
    const midway = await bff.app.request(`${PORTAL}/api/records/export`, { headers: { Cookie: `${bff.config.authCookie}=${ALICE.auth_token}` } })
    expect(midway.status).toBe(200)
    // Never a file that parses as whole with records missing.
    await expect(midway.text()).rejects.toThrow()
    expect(bff.logs.some((line) => line.includes('the export of 100 records so far stopped'))).toBe(true)
    await store.close()
  })

  test('counts against the record reads’ rate limit', async () => {
    const bff = useBff({ env: { RATE_LIMIT_RECORD_READS_PER_MINUTE: '1' } })
    expect((await bff.request('/api/records/export', { as: 'alice' })).status).toBe(200)
    const refused = await bff.request('/api/records/export', { as: 'alice' })
    expect(refused.status).toBe(429)
    expect(refused.headers.get('Retry-After')).toMatch(/^\d+$/)
  })
})
