// The portal store: the BFF's own small database (SPEC.md "Portal store"). It holds the first
// decision made with each consent ticket, so every instance sharing it gives the same answer, and
// the consent records. Routes see only the `PortalStore` interface; the engine (SQLite or
// PostgreSQL) is chosen by its location and hidden behind Kysely.
import { randomBytes } from 'node:crypto'
import { Kysely, Migrator, sql, type Insertable, type Selectable } from 'kysely'
import type { RateLimiterAbstract } from 'rate-limiter-flexible'
import { z } from 'zod'
import { consentRecordSchema, type ConsentRecord } from '../../src/contract/records'
import { createDialect, describeStore, type StoreLocation } from './engines'
import { migrationProvider } from './migrations'
import { RATE_LIMITS_TABLE, sharedLimiter, type SharedLimiterOptions } from './rate-limits'

export type DecisionKind = 'authorize' | 'deny'

/**
 * A ticket's decision as the store holds it: claimed (`pending`), answered (`done`), or sent to the
 * platform with no definite answer back (`unknown`, kept until what the platform did is known).
 */
export interface ClaimedDecision {
  decision: DecisionKind
  state: 'pending' | 'done' | 'unknown'
  /** The sealed answer (server/consent/decisions.ts); undefined unless done. */
  sealedAnswer: string | undefined
  /** The attempt's consent record, once written. */
  recordId: string | undefined
  /** The claim's holder, for the one who takes over a lapsed or unknown claim. */
  token: string
  /** A pending claim whose lease ran out by the database's clock: its holder died. */
  lapsed: boolean
}

/** `won`: this caller holds the claim and must store the answer or release it; else what is there. */
export type Claim = { won: true; token: string } | { won: false; existing: ClaimedDecision }

/** Where a page of records ends: the last record's `at` and `id` (newest-first order is by both). */
export interface RecordCursor {
  at: string
  id: string
}

/** Which of a person's records to list: one app's only, `limit` at most, those older than `before`. */
export interface RecordFilter {
  clientId?: string | undefined
  limit?: number | undefined
  before?: RecordCursor | undefined
}

/** Records are the contract's (src/contract/records.ts), id included: the writer makes it, so a retried write is the same record. */
export type NewConsentRecord = ConsentRecord

export interface PortalStore {
  /** For the start-up line: `SQLite <path>` or `PostgreSQL postgres://user@host:port/db`. */
  readonly description: string
  /**
   * Claims the ticket's decision in one atomic statement: the first caller wins, every other one
   * (on any instance) gets what is there. A claim lapses `leaseMs` after it is made, by the
   * database's clock, so instances with skewed clocks agree on it.
   */
  claimDecision(input: { ticketId: string; decision: DecisionKind; leaseMs: number; keepMs: number }): Promise<Claim>
  readDecision(ticketId: string): Promise<ClaimedDecision | undefined>
  /** Ties the holder's claim to the attempt's record, before the platform is asked. */
  linkAttempt(input: { ticketId: string; token: string; recordId: string }): Promise<boolean>
  /** Stores the winner's sealed answer, kept `keepMs`; false when the claim is no longer this token's. */
  storeAnswer(input: { ticketId: string; token: string; sealedAnswer: string; keepMs: number }): Promise<boolean>
  /** The platform may have acted: the claim stays, as `unknown`, for `keepMs` or until resolved. */
  markUnknown(input: { ticketId: string; token: string; keepMs: number }): Promise<boolean>
  /**
   * Takes over an `unknown` or lapsed claim held by `token` (one statement, so only one caller
   * can): it becomes this caller's pending claim, with a fresh lease and no attempt yet.
   */
  retakeClaim(input: { ticketId: string; token: string; decision: DecisionKind; leaseMs: number }): Promise<string | undefined>
  /** Gives a claim up (the platform definitely did not act), so any decision may follow. */
  releaseClaim(input: { ticketId: string; token: string }): Promise<void>
  /** Deletes every claim past its keep time, by the database's clock; how many went. */
  sweepDecisions(): Promise<number>
  /** Appends a record; writing the same id twice is one record (a retried write). */
  writeRecord(record: NewConsentRecord): Promise<ConsentRecord>
  /**
   * Appends the record that settles an attempt, unless one already does (two instances resolving
   * at once): the settling record either way.
   */
  appendResolution(record: NewConsentRecord & { resolves: string }): Promise<ConsentRecord>
  /**
   * The user's records, newest first (by `at`, then `id`), optionally for one app; with `before`,
   * only those after it in that order (a keyset page); every one unless `limit` is given.
   */
  listRecords(userId: string, filter?: RecordFilter): Promise<ConsentRecord[]>
  /** One record, only when it is this user's. */
  readRecord(userId: string, id: string): Promise<ConsentRecord | undefined>
  /**
   * A rate limiter counting in this store, so every instance sharing it shares the count; it falls
   * back to `insuranceLimiter` whenever a query fails. Resolves once the store is migrated (its
   * table exists); rejects with StoreUnavailableError when it cannot be.
   */
  sharedLimiter(options: SharedLimiterOptions): Promise<RateLimiterAbstract>
  /** Resolves when the store answers a query; rejects otherwise. */
  ping(): Promise<void>
  close(): Promise<void>
}

/** The store failed (unreachable, not migrated, a query error): the BFF answers 503 store_unavailable. */
export class StoreUnavailableError extends Error {
  constructor(cause: unknown) {
    super(`portal store unavailable: ${cause instanceof Error ? cause.message : String(cause)}`, { cause })
    this.name = 'StoreUnavailableError'
  }
}

interface PortalDatabase {
  /** rate-limiter-flexible's own (server/store/rate-limits.ts); the store only sweeps it. */
  rate_limits: { key: string; points: number; expire: number | null }
  ticket_decisions: {
    ticket_id: string
    decision: DecisionKind
    state: 'pending' | 'done' | 'unknown'
    sealed_answer: string | null
    record_id: string | null
    claim_token: string
    /** Milliseconds since the epoch, by the database's clock, as every time in this table. */
    lease_until: number
    expires_at: number
  }
  consent_records: {
    id: string
    decision: ConsentRecord['decision']
    outcome: ConsentRecord['outcome']
    resolves: string | null
    at: string
    user_id: string
    client_id: string
    app_name: string
    app_logo: string
    redirect_host: string | null
    mini_program_name: string | null
    language: string
    scopes: string
    biosamples: string
    text_sha256: string
  }
}

export interface StoreOptions {
  /** PostgreSQL only: how long a connection attempt may take. */
  connectTimeoutMs?: number
  /** How often expired claims are swept; 0 turns the timer off (a test sweeps by hand). */
  sweepIntervalMs?: number
}

const SWEEP_INTERVAL_MS = 60_000

/**
 * Opens the store and starts its migrations. Every method waits for them, so the store can be
 * handed to the app at once; start-up awaits `ping()` to refuse a store that does not work.
 */
export function openPortalStore(location: StoreLocation, options: StoreOptions = {}): PortalStore {
  const { dialect, client } = createDialect(location, { connectTimeoutMs: options.connectTimeoutMs ?? 3000 })
  const db = new Kysely<PortalDatabase>({ dialect })
  // Started at once and awaited by every method. A failed attempt (the database was down) is
  // forgotten, so the next use tries again and the store recovers when the database comes back.
  let migrated: Promise<void> | undefined
  function migration(): Promise<void> {
    if (!migrated) {
      const attempt = migrate(db)
      migrated = attempt
      attempt.catch(() => {
        if (migrated === attempt) migrated = undefined
      })
    }
    return migrated
  }
  void migration()
  // The database's clock in epoch milliseconds: leases and expiries never read an instance's own.
  const dbNow = databaseNow(location)

  async function use<T>(work: () => Promise<T>): Promise<T> {
    try {
      await migration()
      return await work()
    } catch (error) {
      throw error instanceof StoreUnavailableError ? error : new StoreUnavailableError(error)
    }
  }

  async function readDecision(ticketId: string): Promise<ClaimedDecision | undefined> {
    const row = await db
      .selectFrom('ticket_decisions')
      .select(['decision', 'state', 'sealed_answer', 'record_id', 'claim_token', sql<number>`case when lease_until <= ${dbNow} then 1 else 0 end`.as('lapsed')])
      .where('ticket_id', '=', ticketId)
      .where('expires_at', '>', dbNow)
      .executeTakeFirst()
    if (!row) return undefined
    return {
      decision: row.decision,
      state: row.state,
      sealedAnswer: row.sealed_answer ?? undefined,
      recordId: row.record_id ?? undefined,
      token: row.claim_token,
      lapsed: row.state === 'pending' && Number(row.lapsed) === 1,
    }
  }

  const sweepDecisions = () =>
    use(async () => {
      const result = await db.deleteFrom('ticket_decisions').where('expires_at', '<=', dbNow).executeTakeFirst()
      return Number(result.numDeletedRows)
    })
  const sweepEvery = options.sweepIntervalMs ?? SWEEP_INTERVAL_MS
  // Counters rate-limiter-flexible left behind: its `expire` is the writing instance's clock, so
  // only those an hour past it go, whatever the skew between instances.
  const sweepRateLimits = () =>
    use(() => db.deleteFrom(RATE_LIMITS_TABLE).where('expire', '<', Date.now() - 3_600_000).execute())
  const sweeper =
    sweepEvery > 0
      ? setInterval(() => {
          void sweepDecisions().catch(() => undefined)
          void sweepRateLimits().catch(() => undefined)
        }, sweepEvery)
      : undefined
  sweeper?.unref()

  return {
    description: describeStore(location),

    claimDecision: (input) =>
      use(async () => {
        // A row past its keep time is gone for every purpose: deleted here so the insert can win.
        await db.deleteFrom('ticket_decisions').where('ticket_id', '=', input.ticketId).where('expires_at', '<=', dbNow).execute()
        // A row that vanishes between the insert and the read was released by a failed winner:
        // claim again, as a request that arrived a moment later would.
        for (let attempt = 0; attempt < 3; attempt++) {
          const token = randomBytes(16).toString('base64url')
          const inserted = await db
            .insertInto('ticket_decisions')
            .values({
              ticket_id: input.ticketId,
              decision: input.decision,
              state: 'pending',
              sealed_answer: null,
              record_id: null,
              claim_token: token,
              lease_until: sql<number>`${dbNow} + ${input.leaseMs}`,
              expires_at: sql<number>`${dbNow} + ${Math.max(input.leaseMs, input.keepMs)}`,
            })
            .onConflict((conflict) => conflict.column('ticket_id').doNothing())
            .executeTakeFirst()
          if (inserted.numInsertedOrUpdatedRows === BigInt(1)) return { won: true, token }
          const existing = await readDecision(input.ticketId)
          if (existing) return { won: false, existing }
        }
        throw new Error('a ticket\'s decision keeps vanishing')
      }),

    readDecision: (ticketId) => use(() => readDecision(ticketId)),

    linkAttempt: (input) =>
      use(async () => {
        const updated = await db
          .updateTable('ticket_decisions')
          .set({ record_id: input.recordId })
          .where('ticket_id', '=', input.ticketId)
          .where('claim_token', '=', input.token)
          .where('state', '=', 'pending')
          .executeTakeFirst()
        return updated.numUpdatedRows === BigInt(1)
      }),

    storeAnswer: (input) =>
      use(async () => {
        const updated = await db
          .updateTable('ticket_decisions')
          .set({ state: 'done', sealed_answer: input.sealedAnswer, expires_at: sql<number>`${dbNow} + ${input.keepMs}` })
          .where('ticket_id', '=', input.ticketId)
          .where('claim_token', '=', input.token)
          .where('state', '=', 'pending')
          .executeTakeFirst()
        return updated.numUpdatedRows === BigInt(1)
      }),

    markUnknown: (input) =>
      use(async () => {
        const updated = await db
          .updateTable('ticket_decisions')
          .set({ state: 'unknown', expires_at: sql<number>`${dbNow} + ${input.keepMs}` })
          .where('ticket_id', '=', input.ticketId)
          .where('claim_token', '=', input.token)
          .where('state', '=', 'pending')
          .executeTakeFirst()
        return updated.numUpdatedRows === BigInt(1)
      }),

    retakeClaim: (input) =>
      use(async () => {
        const token = randomBytes(16).toString('base64url')
        const updated = await db
          .updateTable('ticket_decisions')
          .set({ state: 'pending', decision: input.decision, claim_token: token, record_id: null, sealed_answer: null, lease_until: sql<number>`${dbNow} + ${input.leaseMs}` })
          .where('ticket_id', '=', input.ticketId)
          .where('claim_token', '=', input.token)
          .where((eb) => eb.or([eb('state', '=', 'unknown'), eb.and([eb('state', '=', 'pending'), eb('lease_until', '<=', dbNow)])]))
          .executeTakeFirst()
        return updated.numUpdatedRows === BigInt(1) ? token : undefined
      }),

    releaseClaim: (input) =>
      use(async () => {
        await db
          .deleteFrom('ticket_decisions')
          .where('ticket_id', '=', input.ticketId)
          .where('claim_token', '=', input.token)
          .where('state', 'in', ['pending', 'unknown'])
          .execute()
      }),

    sweepDecisions,

    writeRecord: (record) =>
      use(async () => {
        const stored: ConsentRecord = z.parse(consentRecordSchema, record)
        await db.insertInto('consent_records').values(toRow(stored)).onConflict((conflict) => conflict.column('id').doNothing()).execute()
        return stored
      }),

    appendResolution: (record) =>
      use(async () => {
        const stored: ConsentRecord = z.parse(consentRecordSchema, record)
        // One settling record per attempt (a unique index on `resolves`): a second resolver's insert
        // is dropped, and both read back the one that stands.
        await db.insertInto('consent_records').values(toRow(stored)).onConflict((conflict) => conflict.doNothing()).execute()
        const row = await db.selectFrom('consent_records').selectAll().where('resolves', '=', record.resolves).where('user_id', '=', record.user_id).executeTakeFirst()
        if (!row) throw new Error(`the resolution of ${record.resolves} was not kept`)
        return fromRow(row)
      }),

    listRecords: (userId, filter = {}) =>
      use(async () => {
        let query = db.selectFrom('consent_records').selectAll().where('user_id', '=', userId)
        if (filter.clientId !== undefined) query = query.where('client_id', '=', filter.clientId)
        const before = filter.before
        // A row-value comparison, the same in both engines: strictly after the cursor in
        // newest-first order, so a record written between two pages never repeats or goes missing.
        if (before) query = query.where((eb) => eb(eb.refTuple('at', 'id'), '<', eb.tuple(before.at, before.id)))
        query = query.orderBy('at', 'desc').orderBy('id', 'desc')
        if (filter.limit !== undefined) query = query.limit(filter.limit)
        return (await query.execute()).map(fromRow)
      }),

    readRecord: (userId, id) =>
      use(async () => {
        const row = await db
          .selectFrom('consent_records')
          .selectAll()
          .where('id', '=', id)
          .where('user_id', '=', userId)
          .executeTakeFirst()
        return row && fromRow(row)
      }),

    sharedLimiter: (limiterOptions) => use(async () => sharedLimiter(client, limiterOptions)),

    ping: () => use(() => sql`select 1`.execute(db).then(() => undefined)),

    close: () => {
      if (sweeper) clearInterval(sweeper)
      return db.destroy()
    },
  }
}

/** The database's clock, in epoch milliseconds, as an expression of its own SQL. */
function databaseNow(location: StoreLocation) {
  return location.engine === 'postgres'
    ? sql<number>`(extract(epoch from clock_timestamp()) * 1000)::bigint`
    : sql<number>`cast((julianday('now') - 2440587.5) * 86400000 as integer)`
}

type RecordRow = PortalDatabase['consent_records']

function toRow(record: ConsentRecord): Insertable<RecordRow> {
  return { ...record, scopes: JSON.stringify(record.scopes), biosamples: JSON.stringify(record.biosamples) }
}

function fromRow(row: Selectable<RecordRow>): ConsentRecord {
  return z.parse(consentRecordSchema, { ...row, scopes: JSON.parse(row.scopes), biosamples: JSON.parse(row.biosamples) })
}

async function migrate(db: Kysely<PortalDatabase>): Promise<void> {
  const { error, results } = await new Migrator({ db, provider: migrationProvider }).migrateToLatest()
  if (error === undefined) return
  const failed = results?.find((result) => result.status === 'Error')?.migrationName
  // Without a failed migration the database was not reached at all: its own error says why.
  if (failed === undefined) throw error
  throw new Error(`migration ${failed} failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error })
}
