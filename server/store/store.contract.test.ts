// The portal store's contract: what every engine must do, run against SQLite and a real PostgreSQL.
import { createHash, randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Kysely, Migrator, PostgresDialect, sql } from 'kysely'
import pg from 'pg'
import { afterAll, afterEach, describe, expect, inject, test } from 'vitest'
import { useTestDatabase } from '../../test/support/database'
import { createTestDatabase } from '../../test/support/postgres'
import { compactVerify, createLocalJWKSet } from 'jose'
import { RECEIPT_JWS_TYPE, receiptPayload } from '../../src/contract/receipts'
import { CHAIN_START, type ConsentRecord } from '../../src/contract/records'
import { TEST_SIGNING_JWK, testReceiptKeys } from '../../test/support/receipt-keys'
import { newSigningJwk, ReceiptKeys } from '../receipts/keys'
import { createDialect, type StoreLocation } from './engines'
import { migrationProvider } from './migrations'
import { migratePortalStore, openPortalStore, StoreNotMigratedError, StoreUnavailableError, type NewConsentRecord, type PortalStore, type StoredReceipt } from './portal-store'

const postgresUrl = useTestDatabase()
// A file, not :memory:, so several stores in one test share it as instances share PostgreSQL.
const sqliteDir = mkdtempSync(join(tmpdir(), 'bge-store-'))
afterAll(() => rmSync(sqliteDir, { recursive: true, force: true }))

const engines: [string, () => StoreLocation][] = [
  ['SQLite', () => ({ engine: 'sqlite', path: join(sqliteDir, 'portal.sqlite') })],
  ['PostgreSQL', () => ({ engine: 'postgres', url: postgresUrl() })],
]

/** Ids of the test's own, as the PostgreSQL database is shared by the file's tests. */
const unique = (prefix: string) => `${prefix}-${randomUUID()}`

function record(overrides: Partial<NewConsentRecord> = {}): NewConsentRecord {
  return {
    id: unique('rec'),
    decision: 'authorize',
    outcome: 'granted',
    resolves: null,
    at: '2026-03-01T08:00:00.000Z',
    user_id: 'u-alice',
    client_id: 'web-app',
    app_name: 'Gene Insight',
    app_logo: 'https://app.example/logo.png',
    redirect_host: 'app.example',
    mini_program_name: null,
    language: 'en',
    scopes: [
      { scope: 'variant.rsid', title: 'Genotypes', message: 'Read your genotypes', tier: 'genetic' },
      { scope: 'profile.default', title: '基本信息', message: '读取头像、用户名', tier: 'basic' },
    ],
    biosamples: [{ biosample_id: 'E-A0001', type: 'Lowpass' }],
    text_sha256: 'a'.repeat(64),
    text_version: 2,
    separate_consent: null,
    previous_receipt: null,
    confirms: null,
    chain_seq: null,
    previous_sha256: null,
    ...overrides,
  }
}

describe.each(engines)('portal store on %s', (_engine, location) => {
  const opened: PortalStore[] = []
  function open(receipts: ReceiptKeys = testReceiptKeys): PortalStore {
    const store = openPortalStore(location(), { receipts, sweepIntervalMs: 0 })
    opened.push(store)
    return store
  }
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((store) => store.close()))
  })

  const LONG = { leaseMs: 60_000, keepMs: 600_000 }

  /** Waits, by polling the database's own view, until a claim of `leaseMs` has lapsed there. */
  async function untilLapsed(store: PortalStore, ticketId: string): Promise<void> {
    for (let i = 0; i < 200; i++) {
      if ((await store.readDecision(ticketId))?.lapsed) return
      await new Promise((resolve) => setTimeout(resolve, 5))
    }
    throw new Error('the lease never lapsed')
  }

  describe('decisions', () => {
    test('the first claim wins; a second one sees it pending, then with its sealed answer once stored', async () => {
      const store = open()
      const ticketId = unique('t')
      const first = await store.claimDecision({ ticketId, decision: 'authorize', ...LONG })
      if (!first.won) throw new Error('expected to win')
      const second = await store.claimDecision({ ticketId, decision: 'authorize', ...LONG })
      expect(second).toEqual({
        won: false,
        existing: { decision: 'authorize', state: 'pending', sealedAnswer: undefined, recordId: undefined, token: first.token, lapsed: false },
      })

      expect(await store.linkAttempt({ ticketId, token: first.token, recordId: 'rec-1' })).toBe(true)
      expect(await store.storeAnswer({ ticketId, token: first.token, sealedAnswer: 'sealed', keepMs: 600_000 })).toBe(true)
      expect(await store.readDecision(ticketId)).toMatchObject({ decision: 'authorize', state: 'done', sealedAnswer: 'sealed', recordId: 'rec-1' })
      expect(await store.claimDecision({ ticketId, decision: 'deny', ...LONG })).toMatchObject({ won: false, existing: { decision: 'authorize', state: 'done' } })
    })

    test('many claims at once on one ticket, from separate connections: exactly one wins', async () => {
      const stores = [open(), open(), open(), open()]
      const ticketId = unique('t')
      const claims = await Promise.all(Array.from({ length: 24 }, (_, i) => stores[i % stores.length]!.claimDecision({ ticketId, decision: 'authorize', ...LONG })))
      expect(claims.filter((claim) => claim.won)).toHaveLength(1)
    })

    test('only the claim holder links, answers, marks unknown or releases the claim', async () => {
      const store = open()
      const ticketId = unique('t')
      const claim = await store.claimDecision({ ticketId, decision: 'deny', ...LONG })
      if (!claim.won) throw new Error('expected to win')
      expect(await store.linkAttempt({ ticketId, token: 'not-the-token', recordId: 'x' })).toBe(false)
      expect(await store.storeAnswer({ ticketId, token: 'not-the-token', sealedAnswer: 'x', keepMs: 60_000 })).toBe(false)
      expect(await store.markUnknown({ ticketId, token: 'not-the-token', keepMs: 60_000 })).toBe(false)
      await store.releaseClaim({ ticketId, token: 'not-the-token' })
      expect(await store.readDecision(ticketId)).toMatchObject({ decision: 'deny', state: 'pending' })

      await store.releaseClaim({ ticketId, token: claim.token })
      expect(await store.readDecision(ticketId)).toBeUndefined()
      // Released: the next claim wins, with any decision.
      expect((await store.claimDecision({ ticketId, decision: 'authorize', ...LONG })).won).toBe(true)
    })

    test('an answered decision is not released by its former holder', async () => {
      const store = open()
      const ticketId = unique('t')
      const claim = await store.claimDecision({ ticketId, decision: 'authorize', ...LONG })
      if (!claim.won) throw new Error('expected to win')
      await store.storeAnswer({ ticketId, token: claim.token, sealedAnswer: 'first', keepMs: 60_000 })
      await store.releaseClaim({ ticketId, token: claim.token })
      expect(await store.readDecision(ticketId)).toMatchObject({ state: 'done', sealedAnswer: 'first' })
    })

    test('an unknown claim stays, keeps its attempt, and is taken over by exactly one caller', async () => {
      const stores = [open(), open()]
      const store = stores[0]!
      const ticketId = unique('t')
      const claim = await store.claimDecision({ ticketId, decision: 'authorize', ...LONG })
      if (!claim.won) throw new Error('expected to win')
      await store.linkAttempt({ ticketId, token: claim.token, recordId: 'rec-a' })
      expect(await store.markUnknown({ ticketId, token: claim.token, keepMs: 600_000 })).toBe(true)
      const seen = await store.claimDecision({ ticketId, decision: 'deny', ...LONG })
      expect(seen).toMatchObject({ won: false, existing: { state: 'unknown', recordId: 'rec-a', lapsed: false } })
      const takers = await Promise.all([0, 1, 0, 1].map((i) => stores[i]!.retakeClaim({ ticketId, token: claim.token, decision: 'authorize', leaseMs: 60_000 })))
      expect(takers.filter(Boolean)).toHaveLength(1)
      expect(await store.readDecision(ticketId)).toMatchObject({ state: 'pending', recordId: undefined, lapsed: false })
    })

    test('leases lapse by the database’s clock, and a lapsed claim can be taken over; a live one cannot', async () => {
      const store = open()
      const live = unique('t')
      const lapsing = unique('t')
      const liveClaim = await store.claimDecision({ ticketId: live, decision: 'authorize', ...LONG })
      const lapsingClaim = await store.claimDecision({ ticketId: lapsing, decision: 'authorize', leaseMs: 1, keepMs: 600_000 })
      if (!liveClaim.won || !lapsingClaim.won) throw new Error('expected to win')
      await untilLapsed(store, lapsing)
      expect(await store.retakeClaim({ ticketId: live, token: liveClaim.token, decision: 'authorize', leaseMs: 60_000 })).toBeUndefined()
      expect(await store.retakeClaim({ ticketId: lapsing, token: lapsingClaim.token, decision: 'authorize', leaseMs: 60_000 })).toEqual(expect.any(String))
    })

    test('the sweep deletes claims past their keep time by the database’s clock, and nothing else', async () => {
      const store = open()
      const gone = unique('t')
      const kept = unique('t')
      const goneClaim = await store.claimDecision({ ticketId: gone, decision: 'authorize', leaseMs: 1, keepMs: 1 })
      await store.claimDecision({ ticketId: kept, decision: 'authorize', ...LONG })
      if (!goneClaim.won) throw new Error('expected to win')
      // Past its keep time it reads as absent at once, swept or not, and a new claim wins.
      for (let i = 0; i < 200 && (await store.readDecision(gone)); i++) await new Promise((resolve) => setTimeout(resolve, 5))
      expect(await store.readDecision(gone)).toBeUndefined()
      expect(await store.sweepDecisions()).toBeGreaterThanOrEqual(1)
      expect(await store.readDecision(kept)).toMatchObject({ state: 'pending' })
    })
  })

  describe('consent records', () => {
    test('a written record reads back whole; writing the same id again is one record', async () => {
      const store = open()
      const userId = unique('u')
      const written = await store.writeRecord(record({ user_id: userId }))
      expect(await store.writeRecord(written)).toEqual(written)
      expect(await store.listRecords(userId)).toEqual([written])
      expect(await store.readRecord(userId, written.id)).toEqual(written)
    })

    test('a mini-program record keeps its name and no host', async () => {
      const store = open()
      const userId = unique('u')
      const written = await store.writeRecord(record({ user_id: userId, redirect_host: null, mini_program_name: '基因小程序', decision: 'deny', outcome: 'denied', biosamples: [] }))
      expect(await store.readRecord(userId, written.id)).toEqual(written)
    })

    test('a person reads only their own records', async () => {
      const store = open()
      const alice = unique('u')
      const bob = unique('u')
      const theirs = await store.writeRecord(record({ user_id: alice }))
      expect(await store.listRecords(bob)).toEqual([])
      expect(await store.readRecord(bob, theirs.id)).toBeUndefined()
    })

    test('one resolution per attempt: a second resolver reads back the first', async () => {
      const stores = [open(), open()]
      const userId = unique('u')
      const attempt = await stores[0]!.writeRecord(record({ user_id: userId, outcome: 'unknown' }))
      const resolutions = await Promise.all(
        (['granted', 'failed', 'granted', 'failed'] as const).map((outcome, i) =>
          stores[i % 2]!.appendResolution({ ...attempt, id: unique('r'), at: '2026-03-01T08:00:01.000Z', outcome, resolves: attempt.id }),
        ),
      )
      expect(new Set(resolutions.map((r) => r.id)).size).toBe(1)
      expect(await stores[0]!.listRecords(userId)).toHaveLength(2)
    })

    test('the list is newest first, optionally for one app', async () => {
      const store = open()
      const userId = unique('u')
      const at = ['2026-03-01T08:00:00.000Z', '2026-03-02T08:00:00.000Z', '2026-02-27T23:59:59.999Z', '2026-03-01T08:00:00.001Z']
      for (const [i, time] of at.entries()) {
        await store.writeRecord(record({ user_id: userId, at: time, client_id: i % 2 === 0 ? 'web-app' : 'other-app', decision: i === 3 ? 'revoke' : 'authorize' }))
      }
      const list = await store.listRecords(userId)
      expect(list.map((entry) => entry.at)).toEqual([at[1], at[3], at[0], at[2]])
      expect((await store.listRecords(userId, { clientId: 'web-app' })).map((entry) => entry.at)).toEqual([at[0], at[2]])
      expect(await store.listRecords(userId, { clientId: 'nobody' })).toEqual([])
    })

    test('pages by (at, id): limit, then strictly older than the cursor, ties on `at` neither repeated nor skipped', async () => {
      const store = open()
      const userId = unique('u')
      const same = '2026-03-01T08:00:00.000Z'
      // Five records, three of them at the same moment, told apart by id.
      const written = [
        record({ user_id: userId, id: 'p-c', at: same }),
        record({ user_id: userId, id: 'p-a', at: same }),
        record({ user_id: userId, id: 'p-b', at: same, client_id: 'other-app' }),
        record({ user_id: userId, id: 'p-new', at: '2026-03-02T08:00:00.000Z' }),
        record({ user_id: userId, id: 'p-old', at: '2026-02-01T08:00:00.000Z' }),
      ]
      for (const entry of written) await store.writeRecord(entry)
      const ids = async (filter: Parameters<PortalStore['listRecords']>[1]) => (await store.listRecords(userId, filter)).map((entry) => entry.id)
      expect(await ids({ limit: 2 })).toEqual(['p-new', 'p-c'])
      expect(await ids({ limit: 2, before: { at: same, id: 'p-c' } })).toEqual(['p-b', 'p-a'])
      expect(await ids({ limit: 2, before: { at: same, id: 'p-a' } })).toEqual(['p-old'])
      expect(await ids({ before: { at: '2026-02-01T08:00:00.000Z', id: 'p-old' } })).toEqual([])
      expect(await ids({ clientId: 'web-app', limit: 10, before: { at: same, id: 'p-c' } })).toEqual(['p-a', 'p-old'])
    })

    test('a record that breaks the contract is refused before it is written', async () => {
      const store = open()
      const userId = unique('u')
      await expect(store.writeRecord(record({ user_id: userId, at: 'yesterday' }))).rejects.toThrow()
      await expect(store.writeRecord(record({ user_id: userId, text_sha256: 'short' }))).rejects.toThrow()
      expect(await store.listRecords(userId)).toEqual([])
    })
  })

  describe('signed receipts and the chain', () => {
    /** The receipts of a person, oldest link first, as a verifier would walk them. */
    async function chainOf(store: PortalStore, userId: string): Promise<StoredReceipt[]> {
      return (await store.listReceipts(userId)).filter((receipt) => receipt.record.chain_seq !== null).sort((a, b) => a.record.chain_seq! - b.record.chain_seq!)
    }

    test('each record is signed over its canonical payload and links to the person’s previous one; the first to CHAIN_START', async () => {
      const store = open()
      const userId = unique('u')
      const first = await store.writeRecord(record({ user_id: userId }))
      const second = await store.writeRecord(record({ user_id: userId, decision: 'deny', outcome: 'denied', at: '2026-03-01T09:00:00.000Z', client_id: 'other-app' }))
      expect(first).toMatchObject({ chain_seq: 1, previous_sha256: CHAIN_START })
      expect(second).toMatchObject({ chain_seq: 2, previous_sha256: sha256(receiptPayload(first)) })

      const keys = createLocalJWKSet(store.receipts.jwks)
      for (const written of [first, second]) {
        const receipt = await store.readReceipt(userId, written.id)
        const verified = await compactVerify(receipt!.jws!, keys)
        expect(verified.protectedHeader).toEqual({ alg: 'EdDSA', kid: testReceiptKeys.kid, typ: RECEIPT_JWS_TYPE })
        expect(new TextDecoder().decode(verified.payload)).toBe(receiptPayload(written))
        expect(receipt!.record).toEqual(written)
      }
      expect((await store.readReceipt(userId, first.id))!.previousJws).toBeNull()
      expect((await store.readReceipt(userId, second.id))!.previousJws).toBe((await store.readReceipt(userId, first.id))!.jws)
      expect(await store.readReceipt(unique('u'), first.id)).toBeUndefined()
      // The list carries the same, newest first, paged as listRecords pages.
      const listed = await store.listReceipts(userId)
      expect(listed).toEqual([await store.readReceipt(userId, second.id), await store.readReceipt(userId, first.id)])
      expect(await store.listReceipts(userId, { limit: 1, before: { at: second.at, id: second.id } })).toEqual([listed[1]])
    })

    test('a retried write is the same record at the same place: nothing new is chained', async () => {
      const store = open()
      const userId = unique('u')
      const unsigned = record({ user_id: userId })
      const written = await store.writeRecord(unsigned)
      expect(await store.writeRecord(unsigned)).toEqual(written)
      const next = await store.writeRecord(record({ user_id: userId }))
      expect(next.chain_seq).toBe(2)
    })

    test('removing a record from the middle breaks the chain where it was, detectably', async () => {
      const store = open()
      const userId = unique('u')
      const written: ConsentRecord[] = []
      for (let i = 0; i < 5; i++) written.push(await store.writeRecord(record({ user_id: userId, at: `2026-03-01T08:00:0${i}.000Z` })))
      expect(chainBreaks(await chainOf(store, userId))).toEqual([])

      await withDatabase(location(), (db) => db.deleteFrom('consent_records').where('id', '=', written[2]!.id).execute())
      expect(chainBreaks(await chainOf(store, userId))).toEqual([{ at: 4, reason: 'previous_sha256 names no record here' }])
    })

    test('a record edited in the store no longer matches its JWS', async () => {
      const store = open()
      const userId = unique('u')
      const first = await store.writeRecord(record({ user_id: userId }))
      await store.writeRecord(record({ user_id: userId, at: '2026-03-01T09:00:00.000Z' }))
      await withDatabase(location(), (db) => db.updateTable('consent_records').set({ outcome: 'denied' }).where('id', '=', first.id).execute())
      const chain = await chainOf(store, userId)
      expect(chainBreaks(chain)).toEqual([{ at: 1, reason: 'the record is not what its JWS signed' }])
    })

    test('two instances appending to one person’s chain at once never fork it', async () => {
      const stores = [open(), open(), open(), open()]
      const userId = unique('u')
      const written = await Promise.all(Array.from({ length: 24 }, (_, i) => stores[i % stores.length]!.writeRecord(record({ user_id: userId, at: `2026-03-01T08:00:${String(i).padStart(2, '0')}.000Z` }))))
      const chain = await chainOf(stores[0]!, userId)
      expect(chain.map((receipt) => receipt.record.chain_seq)).toEqual(Array.from({ length: 24 }, (_, i) => i + 1))
      expect(chainBreaks(chain)).toEqual([])
      // Each caller got back the record as it was chained.
      expect(new Set(written.map((entry) => entry.chain_seq)).size).toBe(24)
    })

    test('resolvers racing on one attempt leave one resolution and no hole in the chain', async () => {
      const stores = [open(), open()]
      const userId = unique('u')
      const attempt = await stores[0]!.writeRecord(record({ user_id: userId, outcome: 'unknown' }))
      await Promise.all(
        [0, 1, 0, 1].map((i) => stores[i]!.appendResolution({ ...attempt, id: unique('r'), at: '2026-03-01T08:00:01.000Z', outcome: 'granted', resolves: attempt.id })),
      )
      const chain = await chainOf(stores[0]!, userId)
      expect(chain.map((receipt) => receipt.record.chain_seq)).toEqual([1, 2])
      expect(chainBreaks(chain)).toEqual([])
    })

    test('a new key signs after rotation; receipts of the old one still verify against the JWKS that lists both', async () => {
      const oldKeys = testReceiptKeys
      const rotated = new ReceiptKeys([newSigningJwk(), TEST_SIGNING_JWK])
      const userId = unique('u')
      const before = await open(oldKeys).writeRecord(record({ user_id: userId }))
      const store = open(rotated)
      const after = await store.writeRecord(record({ user_id: userId, at: '2026-03-01T09:00:00.000Z' }))
      expect(after).toMatchObject({ chain_seq: 2, previous_sha256: sha256(receiptPayload(before)) })
      const keys = createLocalJWKSet(store.receipts.jwks)
      expect(store.receipts.jwks.keys.map((key) => key.kid)).toEqual([rotated.kid, oldKeys.kid])
      const kids = await Promise.all([before, after].map(async (written) => (await compactVerify((await store.readReceipt(userId, written.id))!.jws!, keys)).protectedHeader.kid))
      expect(kids).toEqual([oldKeys.kid, rotated.kid])
      // Without the old key listed, its receipts no longer verify: the JWKS is what decides.
      await expect(compactVerify((await store.readReceipt(userId, before.id))!.jws!, createLocalJWKSet({ keys: [rotated.jwks.keys[0]!] }))).rejects.toThrow()
    })

    test('records written before signing existed stay unsigned; the chain starts at the first signed one', async () => {
      const store = open()
      const userId = unique('u')
      const legacy = record({ user_id: userId, text_version: 1, at: '2026-02-01T08:00:00.000Z' })
      // As migration 0006 left rows written before it: no chain, no hash, no JWS.
      await store.ping()
      await withDatabase(location(), (db) =>
        db
          .insertInto('consent_records')
          .values({ ...legacy, scopes: JSON.stringify(legacy.scopes), biosamples: JSON.stringify(legacy.biosamples), separate_consent: null })
          .execute(),
      )
      const signed = await store.writeRecord(record({ user_id: userId }))
      expect(signed).toMatchObject({ chain_seq: 1, previous_sha256: CHAIN_START })
      expect(await store.readReceipt(userId, legacy.id)).toEqual({ record: legacy, jws: null, previousJws: null })
      expect((await store.listRecords(userId)).map((entry) => entry.chain_seq)).toEqual([1, null])
    })

    test('retention taking the chain’s newest link: the next record links to it through the purge marker', async () => {
      const store = open()
      const userId = unique('u')
      await store.writeRecord(record({ user_id: userId, at: '2026-01-02T08:00:00.000Z', decision: 'deny', outcome: 'denied' }))
      const head = await store.writeRecord(record({ user_id: userId, at: '2026-01-03T08:00:00.000Z', decision: 'deny', outcome: 'denied' }))
      await store.purgeRecords('2026-03-01T00:00:00.000Z')
      expect(await store.listRecords(userId)).toEqual([])
      const next = await store.writeRecord(record({ user_id: userId, at: '2026-03-05T08:00:00.000Z' }))
      expect(next).toMatchObject({ chain_seq: 3, previous_sha256: sha256(receiptPayload(head)) })
      // Its predecessor is gone: the receipt says so with null, and the marker explains the gap.
      expect((await store.readReceipt(userId, next.id))!.previousJws).toBeNull()
      expect(await store.readPurgeMarker(userId)).toEqual({ count: 2, through: head.at })
    })
  })

  describe('retention', () => {
    const CUTOFF = '2026-03-01T00:00:00.000Z'
    const old = (day: number) => `2026-01-${String(day).padStart(2, '0')}T08:00:00.000Z`

    test('purges the records older than the cutoff, oldest first, and leaves one marker of how many, up to when', async () => {
      const store = open()
      const userId = unique('u')
      const other = unique('u')
      // Denials and a revoked grant: nothing of these is in force.
      await store.writeRecord(record({ user_id: userId, id: unique('a'), at: old(2), decision: 'deny', outcome: 'denied' }))
      await store.writeRecord(record({ user_id: userId, id: unique('a'), at: old(3), client_id: 'gone-app' }))
      await store.writeRecord(record({ user_id: userId, id: unique('a'), at: old(4), client_id: 'gone-app', decision: 'revoke', outcome: 'revoked' }))
      const recent = await store.writeRecord(record({ user_id: userId, id: unique('a'), at: '2026-03-05T08:00:00.000Z', decision: 'deny', outcome: 'denied' }))
      const theirs = await store.writeRecord(record({ user_id: other, id: unique('a'), at: '2026-03-02T08:00:00.000Z' }))
      expect(await store.readPurgeMarker(userId)).toBeUndefined()

      const result = await store.purgeRecords(CUTOFF)
      expect(result.records).toBeGreaterThanOrEqual(3)
      expect((await store.listRecords(userId)).map((entry) => entry.id)).toEqual([recent.id])
      expect(await store.readPurgeMarker(userId)).toEqual({ count: 3, through: old(4) })
      expect(await store.listRecords(other)).toEqual([theirs])
      expect(await store.readPurgeMarker(other)).toBeUndefined()

      // A later purge adds to the marker; one with nothing to purge leaves it as it is.
      await store.writeRecord(record({ user_id: userId, id: unique('a'), at: '2026-03-10T08:00:00.000Z', decision: 'deny', outcome: 'denied' }))
      await store.purgeRecords('2026-03-08T00:00:00.000Z')
      await store.purgeRecords('2026-03-08T00:00:00.000Z')
      expect(await store.readPurgeMarker(userId)).toEqual({ count: 4, through: recent.at })
    })

    test('never purges the newest granted authorize of an app still in force, nor what settles it, nor half an attempt', async () => {
      const store = open()
      const userId = unique('u')
      const superseded = await store.writeRecord(record({ user_id: userId, id: unique('a'), at: old(1) }))
      // The grant in force was settled later: its attempt was unknown, its resolution says granted.
      const inForce = await store.writeRecord(record({ user_id: userId, id: unique('a'), at: old(5), outcome: 'unknown' }))
      const settles = await store.appendResolution({ ...inForce, id: unique('r'), at: old(6), outcome: 'granted', resolves: inForce.id })
      // Another app: an attempt made before the cutoff, settled after it, stays whole.
      const straddling = await store.writeRecord(record({ user_id: userId, id: unique('a'), at: old(20), client_id: 'other-app', decision: 'deny', outcome: 'unknown' }))
      const late = await store.appendResolution({ ...straddling, id: unique('r'), at: '2026-03-02T08:00:00.000Z', outcome: 'denied', resolves: straddling.id })

      await store.purgeRecords(CUTOFF)
      const left = (await store.listRecords(userId)).map((entry) => entry.id)
      expect(left).toEqual([late.id, straddling.id, settles.id, inForce.id])
      expect(left).not.toContain(superseded.id)
      expect(await store.readPurgeMarker(userId)).toEqual({ count: 1, through: superseded.at })
    })

    test('two instances purging at once delete each record once, and the markers count each once', async () => {
      const stores = [open(), open()]
      const userId = unique('u')
      for (let day = 1; day <= 12; day++) {
        await stores[0]!.writeRecord(record({ user_id: userId, id: unique('a'), at: old(day), decision: 'deny', outcome: 'denied' }))
      }
      await Promise.all([stores[0]!.purgeRecords(CUTOFF), stores[1]!.purgeRecords(CUTOFF)])
      expect(await stores[0]!.listRecords(userId)).toEqual([])
      expect(await stores[1]!.readPurgeMarker(userId)).toEqual({ count: 12, through: old(12) })
    })
  })

  test('AUTO_MIGRATE=false: a store lacking migrations is refused, naming them and `npm run migrate`; once migrated it works', async () => {
    const fresh: StoreLocation = location().engine === 'sqlite' ? { engine: 'sqlite', path: join(sqliteDir, `${unique('fresh')}.sqlite`) } : location()
    if (fresh.engine === 'postgres') {
      // A database of its own, since the shared one is migrated by the other tests.
      const database = await createTestDatabase(inject('postgresUrl'))
      try {
        await checkMigrateMode({ engine: 'postgres', url: database.url })
      } finally {
        await database.drop()
      }
    } else {
      await checkMigrateMode(fresh)
    }
  })

  test('ping answers while the store works; a closed store is unavailable', async () => {
    const store = openPortalStore(location(), { receipts: testReceiptKeys })
    await expect(store.ping()).resolves.toBeUndefined()
    await store.close()
    await expect(store.ping()).rejects.toBeInstanceOf(StoreUnavailableError)
  })
})

/** A Kysely of its own on `location`, for what a test does behind the store's back (tampering, old rows). */
// `any`: the store's table types are its own (not exported), and these writes bypass them on purpose.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>

async function withDatabase<T>(location: StoreLocation, work: (db: AnyDb) => Promise<T>): Promise<T> {
  const db: AnyDb = new Kysely({ dialect: createDialect(location, { connectTimeoutMs: 3000 }).dialect })
  try {
    return await work(db)
  } finally {
    await db.destroy()
  }
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex')

/**
 * Where a person's chain (oldest link first) does not hold, as a verifier checks it: each JWS
 * signs its record's canonical payload, and each link's previous_sha256 is the hash of the payload
 * before it (CHAIN_START at seq 1).
 */
function chainBreaks(chain: readonly StoredReceipt[]): { at: number; reason: string }[] {
  const breaks: { at: number; reason: string }[] = []
  const bySeq = new Map(chain.map((receipt) => [receipt.record.chain_seq!, receipt]))
  for (const { record, jws } of chain) {
    const signed = Buffer.from(jws!.split('.')[1]!, 'base64url').toString('utf8')
    if (signed !== receiptPayload(record)) breaks.push({ at: record.chain_seq!, reason: 'the record is not what its JWS signed' })
    const previous = bySeq.get(record.chain_seq! - 1)
    const expected = record.chain_seq === 1 ? CHAIN_START : previous && sha256(Buffer.from(previous.jws!.split('.')[1]!, 'base64url').toString('utf8'))
    if (record.previous_sha256 !== expected) breaks.push({ at: record.chain_seq!, reason: 'previous_sha256 names no record here' })
  }
  return breaks
}

async function checkMigrateMode(fresh: StoreLocation): Promise<void> {
  const unmigrated = openPortalStore(fresh, { receipts: testReceiptKeys, autoMigrate: false, sweepIntervalMs: 0 })
  try {
    const refused = await unmigrated.ping().then(() => undefined, (error: unknown) => error)
    expect(refused).toBeInstanceOf(StoreNotMigratedError)
    expect((refused as StoreNotMigratedError).pending).toEqual(Object.keys(await migrationProvider.getMigrations()))
    expect((refused as Error).message).toMatch(/npm run migrate/)
    // Only checked: nothing was created.
    await expect(unmigrated.listRecords('u-x')).rejects.toBeInstanceOf(StoreNotMigratedError)
  } finally {
    await unmigrated.close()
  }
  expect(await migratePortalStore(fresh)).toEqual(Object.keys(await migrationProvider.getMigrations()))
  expect(await migratePortalStore(fresh)).toEqual([])
  const migrated = openPortalStore(fresh, { receipts: testReceiptKeys, autoMigrate: false, sweepIntervalMs: 0 })
  try {
    await expect(migrated.ping()).resolves.toBeUndefined()
    expect(await migrated.listRecords('u-x')).toEqual([])
  } finally {
    await migrated.close()
  }
}

describe('PostgreSQL', () => {
  test('two instances migrating a fresh database at the same moment both succeed, each migration applied once', async () => {
    const fresh = await createTestDatabase(inject('postgresUrl'))
    const dbs = [0, 1].map(() => {
      const pool = new pg.Pool({ connectionString: fresh.url })
      // pool.end() resolves before its connections have closed; the FORCE drop below may then
      // terminate one, and an unheard pool 'error' would fail the run (as engines.ts guards against).
      pool.on('error', () => undefined)
      return new Kysely<unknown>({ dialect: new PostgresDialect({ pool }) })
    })
    try {
      const results = await Promise.all(dbs.map((db) => new Migrator({ db, provider: migrationProvider }).migrateToLatest()))
      expect(results.map((result) => result.error)).toEqual([undefined, undefined])
      const applied = results.flatMap((result) => result.results ?? []).filter((result) => result.status === 'Success')
      expect(applied.map((result) => result.migrationName)).toEqual(Object.keys(await migrationProvider.getMigrations()))
      const tables = await sql<{ table_name: string }>`select table_name from information_schema.tables where table_schema = 'public' order by table_name`.execute(dbs[0]!)
      expect(tables.rows.map((row) => row.table_name)).toEqual(['consent_records', 'kysely_migration', 'kysely_migration_lock', 'rate_limits', 'record_purges', 'ticket_decisions'])
    } finally {
      await Promise.all(dbs.map((db) => db.destroy()))
      await fresh.drop()
    }
  })

  test('an unreachable server: ping fails within the connect timeout', async () => {
    const store = openPortalStore({ engine: 'postgres', url: 'postgres://nobody@127.0.0.1:1/none' }, { receipts: testReceiptKeys, connectTimeoutMs: 500 })
    const started = Date.now()
    await expect(store.ping()).rejects.toBeInstanceOf(StoreUnavailableError)
    expect(Date.now() - started).toBeLessThan(3000)
    await store.close()
  })
})
