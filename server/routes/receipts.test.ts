// Signed receipts over HTTP (issue 19 item 3): the JWKS any origin may read, a record's compact JWS,
// and its JSON download. Verified with jose, a standard JOSE library, against the JWKS as served.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { compactVerify, createLocalJWKSet, type JSONWebKeySet } from 'jose'
import { describe, expect, onTestFinished, test } from 'vitest'
import { receiptPayload, RECEIPT_JWS_TYPE } from '../../src/contract/receipts'
import { CHAIN_START, consentRecordSchema, recordsResponseSchema, type ConsentRecord } from '../../src/contract/records'
import { ALICE, useBff, WEB_APP, type Bff, type UserKey } from '../../test/support/bff'
import { testReceiptKeys } from '../../test/support/receipt-keys'
import { openPortalStore } from '../store/portal-store'

async function authorize(bff: Bff, as: UserKey = 'alice'): Promise<void> {
  const held = await bff.consent(as, WEB_APP)
  const response = await bff.request('/api/oauth2/authorize', { method: 'POST', as, json: { ...held, ...WEB_APP, state: 'st', biosample_ids: [{ biosample_id: 'E-A0001', type: 'Lowpass' }] } })
  expect(response.status).toBe(200)
}

/** The person's records as stored, newest first. */
async function stored(bff: Bff, as: UserKey = 'alice'): Promise<ConsentRecord[]> {
  return recordsResponseSchema.parse(await (await bff.request('/api/records', { as })).json()).records
}

async function servedJwks(bff: Bff): Promise<JSONWebKeySet> {
  const response = await bff.request('/.well-known/jwks.json', { headers: { Origin: 'https://auditor.example' } })
  expect(response.status).toBe(200)
  return (await response.json()) as JSONWebKeySet
}

describe('GET /.well-known/jwks.json', () => {
  test('the public keys, readable from any origin, cached briefly, never a private member', async () => {
    const bff = useBff()
    const response = await bff.request('/.well-known/jwks.json')
    expect(response.headers.get('Access-Control-Allow-Origin')).toBe('*')
    expect(response.headers.get('Cross-Origin-Resource-Policy')).toBe('cross-origin')
    expect(response.headers.get('Cache-Control')).toBe('public, max-age=300')
    expect(response.headers.get('Content-Type')).toBe('application/jwk-set+json')
    const jwks = await response.json()
    expect(jwks).toEqual({ keys: [{ kty: 'OKP', crv: 'Ed25519', x: expect.any(String), kid: testReceiptKeys.kid, alg: 'EdDSA', use: 'sig' }] })
    expect(JSON.stringify(jwks)).not.toMatch(/"d"/)
  })
})

describe('GET /api/records/:id/receipt.jws', () => {
  test('the record’s compact JWS, application/jose; it verifies against the served JWKS and signs the record exactly', async () => {
    const bff = useBff()
    await authorize(bff)
    const records = await stored(bff)
    // The attempt, then the record that settles it: a chain of two.
    expect(records.map((record) => record.chain_seq).sort()).toEqual([1, 2])
    const keys = createLocalJWKSet(await servedJwks(bff))
    for (const record of records) {
      const response = await bff.request(`/api/records/${record.id}/receipt.jws`, { as: 'alice' })
      expect(response.status).toBe(200)
      expect(response.headers.get('Content-Type')).toBe('application/jose')
      expect(response.headers.get('Cache-Control')).toBe('no-store')
      const verified = await compactVerify(await response.text(), keys)
      expect(verified.protectedHeader).toEqual({ alg: 'EdDSA', kid: testReceiptKeys.kid, typ: RECEIPT_JWS_TYPE })
      const payload = new TextDecoder().decode(verified.payload)
      expect(payload).toBe(receiptPayload(record))
      expect(consentRecordSchema.parse(JSON.parse(payload))).toEqual(record)
    }
  })

  test('another person’s record and an unknown id are 404 alike; an unsigned record says why it has none', async () => {
    const { bff, writeUnsigned } = useBffWithLegacyRows()
    await authorize(bff)
    const [theirs] = await stored(bff)
    const other = await bff.request(`/api/records/${theirs!.id}/receipt.jws`, { as: 'bob' })
    const unknown = await bff.request('/api/records/no-such-record/receipt.jws', { as: 'bob' })
    expect([other.status, unknown.status]).toEqual([404, 404])
    expect((await other.json()).error.code).toBe('not_found')
    expect((await unknown.json()).error.code).toBe('not_found')
    expect((await bff.request(`/api/records/${theirs!.id}/receipt.jws`)).status).toBe(401)

    writeUnsigned('legacy-1')
    const unsigned = await bff.request('/api/records/legacy-1/receipt.jws', { as: 'alice' })
    expect(unsigned.status).toBe(404)
    expect((await unsigned.json()).error).toMatchObject({ code: 'receipt_unsigned', message: expect.stringMatching(/before receipts were signed/) })
  })
})

describe('GET /api/records/:id/receipt.json', () => {
  test('an attachment named as before, Kantara names, with this record’s JWS and the one before it', async () => {
    const bff = useBff()
    await authorize(bff)
    const [settles, attempt] = await stored(bff)
    const jwsOf = async (id: string) => (await bff.request(`/api/records/${id}/receipt.jws`, { as: 'alice' })).text()

    const response = await bff.request(`/api/records/${settles!.id}/receipt.json`, { as: 'alice' })
    expect(response.status).toBe(200)
    expect(response.headers.get('Content-Type')).toBe('application/json; charset=utf-8')
    expect(response.headers.get('Content-Disposition')).toBe(`attachment; filename="consent-receipt-${settles!.id}.json"`)
    const receipt = await response.json()
    expect(receipt).toMatchObject({ version: 'KI-CR-v1.1.0', consentReceiptID: settles!.id, piiPrincipalId: settles!.user_id, consentTimestamp: Math.floor(Date.parse(settles!.at) / 1000) })
    expect(Number.isInteger(receipt.consentTimestamp)).toBe(true)
    expect(receipt.bge).toMatchObject({ resolves: attempt!.id, chain_seq: 2, jws: await jwsOf(settles!.id), previous_jws: await jwsOf(attempt!.id) })
    // The first link names no predecessor.
    const first = await (await bff.request(`/api/records/${attempt!.id}/receipt.json`, { as: 'alice' })).json()
    expect(first.bge).toMatchObject({ chain_seq: 1, previous_sha256: CHAIN_START, jws: await jwsOf(attempt!.id), previous_jws: null })
    expect((await bff.request(`/api/records/${attempt!.id}/receipt.json`, { as: 'bob' })).status).toBe(404)
  })

  test('a record written before signing downloads too, its signatures null', async () => {
    const { bff, writeUnsigned } = useBffWithLegacyRows()
    await bff.portalStore.ping()
    writeUnsigned('legacy-2')
    const receipt = await (await bff.request('/api/records/legacy-2/receipt.json', { as: 'alice' })).json()
    expect(receipt.bge).toMatchObject({ chain_seq: null, previous_sha256: null, jws: null, previous_jws: null, text_version: 1 })
  })
})

/**
 * A BFF whose store is a SQLite file, and a way to add a row as migration 0006 left those written
 * before it (no chain, no JWS) behind the store's back: the store itself signs all it appends.
 */
function useBffWithLegacyRows(): { bff: Bff; writeUnsigned: (id: string) => void } {
  const dir = mkdtempSync(join(tmpdir(), 'bge-receipts-'))
  const path = join(dir, 'portal.sqlite')
  const store = openPortalStore({ engine: 'sqlite', path }, { receipts: testReceiptKeys, sweepIntervalMs: 0 })
  onTestFinished(async () => {
    await store.close()
    rmSync(dir, { recursive: true, force: true })
  })
  const bff = useBff({ portalStore: store })
  return {
    bff,
    writeUnsigned(id) {
      const database = new Database(path)
      try {
        database
          .prepare(
            `insert into consent_records (id, decision, outcome, resolves, at, user_id, client_id, app_name, app_logo, redirect_host, mini_program_name, language, scopes, biosamples, text_sha256)
             values (?, 'deny', 'denied', null, '2025-01-01T00:00:00.000Z', ?, 'web-app', 'Gene Insight', '', 'app.example', null, 'en', '[]', '[]', ?)`,
          )
          .run(id, ALICE.id, 'a'.repeat(64))
      } finally {
        database.close()
      }
    },
  }
}
