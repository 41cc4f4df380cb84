// The portal store's contract: what every engine must do, run against SQLite and a real PostgreSQL.
import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Kysely, Migrator, PostgresDialect, sql } from 'kysely'
import pg from 'pg'
import { afterAll, afterEach, describe, expect, inject, test } from 'vitest'
import { useTestDatabase } from '../../test/support/database'
import { createTestDatabase } from '../../test/support/postgres'
import type { StoreLocation } from './engines'
import { migrationProvider } from './migrations'
import { openPortalStore, StoreUnavailableError, type NewConsentRecord, type PortalStore } from './portal-store'

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
    ...overrides,
  }
}

describe.each(engines)('portal store on %s', (_engine, location) => {
  const opened: PortalStore[] = []
  function open(now?: () => number): PortalStore {
    const store = openPortalStore(location(), now ? { now } : {})
    opened.push(store)
    return store
  }
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((store) => store.close()))
  })

  describe('decisions', () => {
    test('the first claim wins; a second one sees it pending, then with its answer once stored', async () => {
      const store = open()
      const ticketId = unique('t')
      const leaseUntil = Date.now() + 60_000
      const first = await store.claimDecision({ ticketId, decision: 'authorize', leaseUntil })
      expect(first.won).toBe(true)
      const second = await store.claimDecision({ ticketId, decision: 'authorize', leaseUntil })
      expect(second).toEqual({ won: false, existing: { decision: 'authorize', state: 'pending', answer: undefined } })
      if (!first.won) throw new Error('unreachable')

      const answer = { redirect_to: 'https://app.example/cb?code=abc&state=%E4%B8%AD' }
      expect(await store.storeAnswer({ ticketId, token: first.token, answer, expiresAt: Date.now() + 600_000 })).toBe(true)
      expect(await store.readDecision(ticketId)).toEqual({ decision: 'authorize', state: 'done', answer })
      expect(await store.claimDecision({ ticketId, decision: 'deny', leaseUntil })).toEqual({
        won: false,
        existing: { decision: 'authorize', state: 'done', answer },
      })
    })

    test('many claims at once on one ticket, from separate connections: exactly one wins', async () => {
      const stores = [open(), open(), open(), open()]
      const ticketId = unique('t')
      const claims = await Promise.all(
        Array.from({ length: 24 }, (_, i) => stores[i % stores.length]!.claimDecision({ ticketId, decision: 'authorize', leaseUntil: Date.now() + 60_000 })),
      )
      expect(claims.filter((claim) => claim.won)).toHaveLength(1)
    })

    test('only the claim holder stores the answer or releases the claim', async () => {
      const store = open()
      const ticketId = unique('t')
      const claim = await store.claimDecision({ ticketId, decision: 'deny', leaseUntil: Date.now() + 60_000 })
      if (!claim.won) throw new Error('expected to win')
      expect(await store.storeAnswer({ ticketId, token: 'not-the-token', answer: { x: 1 }, expiresAt: Date.now() + 60_000 })).toBe(false)
      await store.releaseClaim({ ticketId, token: 'not-the-token' })
      expect(await store.readDecision(ticketId)).toEqual({ decision: 'deny', state: 'pending', answer: undefined })

      await store.releaseClaim({ ticketId, token: claim.token })
      expect(await store.readDecision(ticketId)).toBeUndefined()
      // Released: the next claim wins, with any decision.
      expect((await store.claimDecision({ ticketId, decision: 'authorize', leaseUntil: Date.now() + 60_000 })).won).toBe(true)
    })

    test('an answered decision is not released by its former holder', async () => {
      const store = open()
      const ticketId = unique('t')
      const claim = await store.claimDecision({ ticketId, decision: 'authorize', leaseUntil: Date.now() + 60_000 })
      if (!claim.won) throw new Error('expected to win')
      await store.storeAnswer({ ticketId, token: claim.token, answer: 'first', expiresAt: Date.now() + 60_000 })
      await store.releaseClaim({ ticketId, token: claim.token })
      expect(await store.readDecision(ticketId)).toMatchObject({ state: 'done', answer: 'first' })
    })

    test('expired decisions are swept: a lapsed claim (its holder died) and an answer past the ticket’s expiry', async () => {
      let now = Date.parse('2026-03-01T08:00:00Z')
      const store = open(() => now)
      const lapsed = unique('t')
      const answered = unique('t')
      const lapsedClaim = await store.claimDecision({ ticketId: lapsed, decision: 'authorize', leaseUntil: now + 20_000 })
      const answeredClaim = await store.claimDecision({ ticketId: answered, decision: 'authorize', leaseUntil: now + 20_000 })
      if (!lapsedClaim.won || !answeredClaim.won) throw new Error('expected to win')
      await store.storeAnswer({ ticketId: answered, token: answeredClaim.token, answer: 'kept', expiresAt: now + 600_000 })

      now += 19_999
      expect((await store.claimDecision({ ticketId: lapsed, decision: 'authorize', leaseUntil: now + 20_000 })).won).toBe(false)
      now += 1
      expect((await store.claimDecision({ ticketId: lapsed, decision: 'deny', leaseUntil: now + 20_000 })).won).toBe(true)
      // The answer outlives the claim's lease, until the ticket expires.
      expect(await store.readDecision(answered)).toMatchObject({ state: 'done', answer: 'kept' })
      now = Date.parse('2026-03-01T08:10:00Z') + 60_000
      await store.claimDecision({ ticketId: unique('t'), decision: 'deny', leaseUntil: now + 20_000 })
      expect(await store.readDecision(answered)).toBeUndefined()
    })
  })

  describe('consent records', () => {
    test('a written record reads back whole, with a random unguessable id', async () => {
      const store = open()
      const userId = unique('u')
      const written = await store.writeRecord(record({ user_id: userId }))
      expect(written.id).toMatch(/^[A-Za-z0-9_-]{24}$/)
      expect(written).toEqual({ ...record({ user_id: userId }), id: written.id })
      expect(await store.readRecord(userId, written.id)).toEqual(written)
      const other = await store.writeRecord(record({ user_id: userId }))
      expect(other.id).not.toBe(written.id)
    })

    test('a mini-program record keeps its name and no host', async () => {
      const store = open()
      const userId = unique('u')
      const written = await store.writeRecord(record({ user_id: userId, redirect_host: null, mini_program_name: '基因小程序', decision: 'deny', biosamples: [] }))
      expect(await store.readRecord(userId, written.id)).toMatchObject({ redirect_host: null, mini_program_name: '基因小程序', decision: 'deny', biosamples: [] })
    })

    test('a person reads only their own records', async () => {
      const store = open()
      const alice = unique('u')
      const bob = unique('u')
      const theirs = await store.writeRecord(record({ user_id: alice }))
      expect(await store.readRecord(bob, theirs.id)).toBeUndefined()
      expect(await store.readRecord(alice, 'no-such-id')).toBeUndefined()
      expect(await store.listRecords(bob)).toEqual([])
    })

    test('a record is taken back by its owner only', async () => {
      const store = open()
      const alice = unique('u')
      const bob = unique('u')
      const kept = await store.writeRecord(record({ user_id: alice }))
      const undone = await store.writeRecord(record({ user_id: alice, decision: 'deny' }))
      await store.deleteRecord(bob, kept.id)
      await store.deleteRecord(alice, undone.id)
      expect(await store.listRecords(alice)).toEqual([kept])
      await expect(store.deleteRecord(alice, 'no-such-id')).resolves.toBeUndefined()
    })

    test('the list is newest first, optionally for one app', async () => {
      const store = open()
      const userId = unique('u')
      const at = ['2026-03-01T08:00:00.000Z', '2026-03-02T08:00:00.000Z', '2026-02-27T23:59:59.999Z', '2026-03-01T08:00:00.001Z']
      const written = []
      for (const [i, time] of at.entries()) {
        written.push(await store.writeRecord(record({ user_id: userId, at: time, client_id: i % 2 === 0 ? 'web-app' : 'other-app', decision: i === 3 ? 'revoke' : 'authorize' })))
      }
      const list = await store.listRecords(userId)
      expect(list.map((entry) => entry.at)).toEqual([at[1], at[3], at[0], at[2]])
      expect((await store.listRecords(userId, { clientId: 'web-app' })).map((entry) => entry.at)).toEqual([at[0], at[2]])
      expect(await store.listRecords(userId, { clientId: 'nobody' })).toEqual([])
    })

    test('a record that breaks the contract is refused before it is written', async () => {
      const store = open()
      const userId = unique('u')
      await expect(store.writeRecord(record({ user_id: userId, at: 'yesterday' }))).rejects.toThrow()
      await expect(store.writeRecord(record({ user_id: userId, text_sha256: 'short' }))).rejects.toThrow()
      expect(await store.listRecords(userId)).toEqual([])
    })
  })

  test('ping answers while the store works; a closed store is unavailable', async () => {
    const store = openPortalStore(location())
    await expect(store.ping()).resolves.toBeUndefined()
    await store.close()
    await expect(store.ping()).rejects.toBeInstanceOf(StoreUnavailableError)
  })
})

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
      expect(tables.rows.map((row) => row.table_name)).toEqual(['consent_records', 'decisions', 'kysely_migration', 'kysely_migration_lock'])
    } finally {
      await Promise.all(dbs.map((db) => db.destroy()))
      await fresh.drop()
    }
  })

  test('an unreachable server: ping fails within the connect timeout', async () => {
    const store = openPortalStore({ engine: 'postgres', url: 'postgres://nobody@127.0.0.1:1/none' }, { connectTimeoutMs: 500 })
    const started = Date.now()
    await expect(store.ping()).rejects.toBeInstanceOf(StoreUnavailableError)
    expect(Date.now() - started).toBeLessThan(3000)
    await store.close()
  })
})
