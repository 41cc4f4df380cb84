// The portal store: the BFF's own small database (SPEC.md "Portal store"). It holds the first
// decision made with each consent ticket, so every instance sharing it gives the same answer, and
// the consent records. Routes see only the `PortalStore` interface; the engine (SQLite or
// PostgreSQL) is chosen by its location and hidden behind Kysely.
import { createHash, randomBytes } from 'node:crypto'
import { Kysely, Migrator, sql, type CompiledQuery, type Insertable, type Selectable } from 'kysely'
import type { RateLimiterAbstract } from 'rate-limiter-flexible'
import { z } from 'zod'
import { receiptPayload } from '../../src/contract/receipts'
import { CHAIN_START, consentRecordSchema, foldAttempts, type ConsentRecord, type PurgeMarker } from '../../src/contract/records'
import type { ReceiptKeys } from '../receipts/keys'
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

/**
 * Records are the contract's (src/contract/records.ts), id included: the writer makes it, so a
 * retried write is the same record. Its chain fields are the store's to set: whatever they hold
 * is replaced as the record is appended.
 */
export type NewConsentRecord = ConsentRecord

/** A record with the receipt the store signed as it appended it. */
export interface StoredReceipt {
  record: ConsentRecord
  /** The compact JWS over `receiptPayload(record)`; null on records written before signing existed. */
  jws: string | null
  /**
   * The JWS of the person's record whose payload hash is this one's `previous_sha256`: null at the
   * chain's start, on an unsigned record, or when retention removed that record.
   */
  previousJws: string | null
}

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
  /**
   * The keys receipts are signed with (the first) and verified with (all): the JWKS route serves
   * their public halves, so what it serves is what signed.
   */
  readonly receipts: ReceiptKeys
  /**
   * Appends a record to its person's chain and signs it (SPEC.md "Consent records": `chain_seq`
   * one past the person's newest signed record, `previous_sha256` that record's payload hash):
   * the record as kept. Writing the same id twice is one record (a retried write).
   */
  writeRecord(record: NewConsentRecord): Promise<ConsentRecord>
  /**
   * Appends (and chains, and signs) the record that settles an attempt, unless one already does
   * (two instances resolving at once): the settling record either way.
   */
  appendResolution(record: NewConsentRecord & { resolves: string }): Promise<ConsentRecord>
  /**
   * The user's records, newest first (by `at`, then `id`), optionally for one app; with `before`,
   * only those after it in that order (a keyset page); every one unless `limit` is given.
   */
  listRecords(userId: string, filter?: RecordFilter): Promise<ConsentRecord[]>
  /** One record, only when it is this user's. */
  readRecord(userId: string, id: string): Promise<ConsentRecord | undefined>
  /** As listRecords (every app), each record with its receipt: the export reads these a page at a time. */
  listReceipts(userId: string, filter?: Omit<RecordFilter, 'clientId'>): Promise<StoredReceipt[]>
  /** One of the user's records with its receipt, only when it is this user's. */
  readReceipt(userId: string, id: string): Promise<StoredReceipt | undefined>
  /**
   * A rate limiter counting in this store, so every instance sharing it shares the count; it falls
   * back to `insuranceLimiter` whenever a query fails. Resolves once the store is migrated (its
   * table exists); rejects with StoreUnavailableError when it cannot be.
   */
  sharedLimiter(options: SharedLimiterOptions): Promise<RateLimiterAbstract>
  /**
   * Retention (RECORDS_RETENTION_DAYS): deletes every person's records older than `before`, oldest
   * first, and leaves for each person one marker of what went (how many, up to when). Never the
   * newest granted authorize of an app still in force, nor what settles it, nor an attempt whose
   * settling record is newer than `before`. Safe on several instances at once: each record is
   * deleted, and counted in a marker, once.
   */
  purgeRecords(before: string): Promise<{ people: number; records: number }>
  /** What retention removed of the person's history, all purges together; undefined when nothing was. */
  readPurgeMarker(userId: string): Promise<PurgeMarker | undefined>
  /** Resolves when the store answers a query; rejects otherwise. */
  ping(): Promise<void>
  close(): Promise<void>
}

/**
 * AUTO_MIGRATE=false and the store lacks migrations: the operator runs `npm run migrate` first.
 * Not a StoreUnavailableError, which a retry may cure; this one is refused at start.
 */
export class StoreNotMigratedError extends Error {
  constructor(readonly pending: string[]) {
    super(
      `the portal store lacks ${pending.length} migration${pending.length === 1 ? '' : 's'} (${pending.join(', ')}) and AUTO_MIGRATE=false. ` +
        'Run `npm run migrate` (in the image: `node dist/server/migrate.js`) with the same DATABASE_URL or PORTAL_DB, then start again.',
    )
    this.name = 'StoreNotMigratedError'
  }
}

/** The store failed (unreachable, not migrated, a query error): the BFF answers 503 store_unavailable. */
export class StoreUnavailableError extends Error {
  constructor(cause: unknown) {
    super(`portal store unavailable: ${cause instanceof Error ? cause.message : String(cause)}`, { cause })
    this.name = 'StoreUnavailableError'
  }
}

interface PortalDatabase {
  /** One row per purge of a person's records (retention), never edited. */
  record_purges: {
    id: string
    user_id: string
    at: string
    purged_count: number
    purged_through: string
    /** The newest signed record it deleted, by chain: its place and payload hash; null when none was signed. */
    chain_seq: number | null
    sha256: string | null
  }
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
    text_version: number
    /** JSON, or null. */
    separate_consent: string | null
    previous_receipt: string | null
    confirms: string | null
    chain_seq: number | null
    previous_sha256: string | null
    /** SHA-256 (hex) of the signed payload; null on unsigned rows. */
    sha256: string | null
    /** The compact JWS; null on unsigned rows. */
    jws: string | null
  }
}

export interface StoreOptions {
  /** Signs each record the store appends (server/receipts/keys.ts). */
  receipts: ReceiptKeys
  /** PostgreSQL only: how long a connection attempt may take. */
  connectTimeoutMs?: number
  /** How often expired claims are swept; 0 turns the timer off (a test sweeps by hand). */
  sweepIntervalMs?: number
  /**
   * AUTO_MIGRATE: true (the default) applies missing migrations on first use; false only checks
   * that none is missing, and the store is unusable (StoreNotMigratedError) until `npm run migrate`.
   */
  autoMigrate?: boolean
}

const SWEEP_INTERVAL_MS = 60_000

/**
 * How often an append links to a newer head and tries again. Every failed attempt means another
 * record took the slot it wanted in the same person's chain, so this bounds how many records of
 * one person may be appended while one append is under way: far more than one person makes.
 */
const CHAIN_ATTEMPTS = 32

/**
 * Opens the store and starts its migrations. Every method waits for them, so the store can be
 * handed to the app at once; start-up awaits `ping()` to refuse a store that does not work.
 */
export function openPortalStore(location: StoreLocation, options: StoreOptions): PortalStore {
  const { dialect, client } = createDialect(location, { connectTimeoutMs: options.connectTimeoutMs ?? 3000 })
  const db = new Kysely<PortalDatabase>({ dialect })
  // Started at once and awaited by every method. A failed attempt (the database was down) is
  // forgotten, so the next use tries again and the store recovers when the database comes back.
  let migrated: Promise<void> | undefined
  function migration(): Promise<void> {
    if (!migrated) {
      const attempt = options.autoMigrate === false ? requireMigrated(db) : migrate(db)
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
      throw error instanceof StoreUnavailableError || error instanceof StoreNotMigratedError ? error : new StoreUnavailableError(error)
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

  /**
   * Deletes the person's records `ids` and, when this call deleted any, writes the marker of those
   * it did (another instance purging at the same moment deleted, and counts, the rest): one
   * transaction, so a marker and its deletion exist together or not at all.
   */
  async function deleteAndMark(userId: string, ids: string[]): Promise<number> {
    const deletes: CompiledQuery<PurgedRow>[] = []
    for (let i = 0; i < ids.length; i += PURGE_BATCH) {
      deletes.push(db.deleteFrom('consent_records').where('user_id', '=', userId).where('id', 'in', ids.slice(i, i + PURGE_BATCH)).returning(['at', 'chain_seq', 'sha256']).compile())
    }
    const marker = (rows: readonly PurgedRow[]) => {
      // The chain's newest link among them: when it was the person's newest, the next record links
      // to it (chainHead), so a chain survives retention taking its head.
      const newestLink = rows.reduce<PurgedRow | undefined>((newest, row) => (row.chain_seq !== null && (newest === undefined || Number(row.chain_seq) > Number(newest.chain_seq)) ? row : newest), undefined)
      return db
        .insertInto('record_purges')
        .values({
          id: randomBytes(16).toString('base64url'),
          user_id: userId,
          at: new Date().toISOString(),
          purged_count: rows.length,
          purged_through: rows.reduce((latest, row) => (row.at > latest ? row.at : latest), rows[0]!.at),
          chain_seq: newestLink === undefined ? null : Number(newestLink.chain_seq),
          sha256: newestLink?.sha256 ?? null,
        })
        .compile()
    }
    if (client.engine === 'sqlite') {
      // better-sqlite3 answers synchronously: the transaction runs whole, with no await inside
      // that another connection of this process could wait on while holding the write lock.
      const database = client.database
      return database
        .transaction(() => {
          const rows = deletes.flatMap((query) => database.prepare(query.sql).all(...query.parameters) as PurgedRow[])
          if (rows.length > 0) {
            const insert = marker(rows)
            database.prepare(insert.sql).run(...insert.parameters)
          }
          return rows.length
        })
        .immediate()
    }
    return db.transaction().execute(async (trx) => {
      const rows: PurgedRow[] = []
      for (const query of deletes) rows.push(...(await trx.executeQuery(query)).rows)
      if (rows.length > 0) await trx.executeQuery(marker(rows))
      return rows.length
    })
  }

  /**
   * The person's newest link: the signed record with the highest `chain_seq`, or the one retention
   * removed last when that is higher. Undefined before their first signed record.
   */
  async function chainHead(userId: string): Promise<{ seq: number; sha256: string } | undefined> {
    const newest = (table: 'consent_records' | 'record_purges') =>
      db.selectFrom(table).select(['chain_seq', 'sha256']).where('user_id', '=', userId).where('chain_seq', 'is not', null).orderBy('chain_seq', 'desc').limit(1).executeTakeFirst()
    const links = [await newest('consent_records'), await newest('record_purges')].flatMap((row) => (row && row.chain_seq !== null && row.sha256 !== null ? [{ seq: Number(row.chain_seq), sha256: row.sha256 }] : []))
    return links.sort((a, b) => b.seq - a.seq)[0]
  }

  /**
   * Appends `input` to its person's chain, signed: links it to the head, signs, inserts. The unique
   * indexes on (user_id, chain_seq) and (user_id, previous_sha256) let one of two instances that
   * read the same head win; the other finds its insert dropped and links to the new head, so a
   * chain never forks. `kept` finds what makes the append unnecessary: the same id (a retried
   * write), or for a resolution the record that already settles its attempt.
   */
  async function append(input: NewConsentRecord, kept: () => Promise<Selectable<RecordRow> | undefined>): Promise<ConsentRecord> {
    const unsigned: ConsentRecord = z.parse(consentRecordSchema, input)
    for (let attempt = 0; attempt < CHAIN_ATTEMPTS; attempt++) {
      const existing = await kept()
      if (existing) return fromRow(existing)
      const head = await chainHead(unsigned.user_id)
      const record: ConsentRecord = { ...unsigned, chain_seq: head ? head.seq + 1 : 1, previous_sha256: head ? head.sha256 : CHAIN_START }
      const payload = receiptPayload(record)
      const jws = await options.receipts.sign(payload)
      // Any unique index (id, resolves, the chain's two) drops the insert; the next round says which.
      const inserted = await db
        .insertInto('consent_records')
        .values({ ...toRow(record), sha256: payloadSha256(payload), jws })
        .onConflict((conflict) => conflict.doNothing())
        .executeTakeFirst()
      if (inserted.numInsertedOrUpdatedRows === BigInt(1)) return record
    }
    throw new Error(`the chain of ${unsigned.user_id} kept moving: ${CHAIN_ATTEMPTS} appends of it raced this one`)
  }

  async function listRows(userId: string, filter: RecordFilter): Promise<Selectable<RecordRow>[]> {
    let query = db.selectFrom('consent_records').selectAll().where('user_id', '=', userId)
    if (filter.clientId !== undefined) query = query.where('client_id', '=', filter.clientId)
    const before = filter.before
    // A row-value comparison, the same in both engines: strictly after the cursor in
    // newest-first order, so a record written between two pages never repeats or goes missing.
    if (before) query = query.where((eb) => eb(eb.refTuple('at', 'id'), '<', eb.tuple(before.at, before.id)))
    query = query.orderBy('at', 'desc').orderBy('id', 'desc')
    if (filter.limit !== undefined) query = query.limit(filter.limit)
    return query.execute()
  }

  /**
   * The user's records with their JWS and their predecessor's: the link before a record holds the
   * place before it (the unique index on (user_id, chain_seq) finds it) and, checked by hash too,
   * is the one its previous_sha256 names, never another.
   */
  function receiptRows(userId: string) {
    return db
      .selectFrom('consent_records as r')
      .leftJoin('consent_records as p', (join) =>
        join
          .onRef('p.user_id', '=', 'r.user_id')
          .onRef('p.sha256', '=', 'r.previous_sha256')
          .on((eb) => eb('p.chain_seq', '=', eb('r.chain_seq', '-', 1))),
      )
      .selectAll('r')
      .select('p.jws as previous_jws')
      .where('r.user_id', '=', userId)
  }

  function toReceipt(row: Selectable<RecordRow> & { previous_jws: string | null }): StoredReceipt {
    const { previous_jws, ...own } = row
    return { record: fromRow(own), jws: own.jws, previousJws: previous_jws }
  }

  return {
    description: describeStore(location),
    receipts: options.receipts,

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
      use(() => append(record, () => db.selectFrom('consent_records').selectAll().where('id', '=', record.id).executeTakeFirst())),

    // One settling record per attempt (a unique index on `resolves`): a second resolver's insert
    // is dropped, and both read back the one that stands.
    appendResolution: (record) =>
      use(() =>
        append(record, () =>
          db
            .selectFrom('consent_records')
            .selectAll()
            .where('user_id', '=', record.user_id)
            .where((eb) => eb.or([eb('resolves', '=', record.resolves), eb('id', '=', record.id)]))
            .executeTakeFirst(),
        ),
      ),

    listRecords: (userId, filter = {}) => use(async () => (await listRows(userId, filter)).map(fromRow)),

    listReceipts: (userId, filter = {}) =>
      use(async () => {
        let query = receiptRows(userId)
        const before = filter.before
        // As listRows: the same order and keyset, so the export pages as the list does.
        if (before) query = query.where((eb) => eb(eb.refTuple('r.at', 'r.id'), '<', eb.tuple(before.at, before.id)))
        query = query.orderBy('r.at', 'desc').orderBy('r.id', 'desc')
        if (filter.limit !== undefined) query = query.limit(filter.limit)
        return (await query.execute()).map(toReceipt)
      }),

    readReceipt: (userId, id) =>
      use(async () => {
        const row = await receiptRows(userId).where('r.id', '=', id).executeTakeFirst()
        return row && toReceipt(row)
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

    purgeRecords: (before) =>
      use(async () => {
        const people = await db.selectFrom('consent_records').select('user_id').distinct().where('at', '<', before).execute()
        let records = 0
        let purgedPeople = 0
        for (const { user_id: userId } of people) {
          const ids = purgeable((await db.selectFrom('consent_records').selectAll().where('user_id', '=', userId).execute()).map(fromRow), before)
          if (ids.length === 0) continue
          const deleted = await deleteAndMark(userId, ids)
          if (deleted > 0) purgedPeople++
          records += deleted
        }
        return { people: purgedPeople, records }
      }),

    readPurgeMarker: (userId) =>
      use(async () => {
        const row = await db
          .selectFrom('record_purges')
          .select((eb) => [eb.fn.sum<number | string>('purged_count').as('count'), eb.fn.max('purged_through').as('through')])
          .where('user_id', '=', userId)
          .executeTakeFirst()
        if (!row || row.through === null || row.through === undefined) return undefined
        return { count: Number(row.count), through: row.through }
      }),

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
/** What retention reads back from the rows it deletes. */
type PurgedRow = Pick<RecordRow, 'at' | 'chain_seq' | 'sha256'>

/** A payload's chain hash: SHA-256, hex, of its UTF-8 bytes (src/contract/receipts.ts). */
function payloadSha256(payload: string): string {
  return createHash('sha256').update(payload, 'utf8').digest('hex')
}

function toRow(record: ConsentRecord): Insertable<RecordRow> {
  return {
    ...record,
    scopes: JSON.stringify(record.scopes),
    biosamples: JSON.stringify(record.biosamples),
    separate_consent: record.separate_consent === null ? null : JSON.stringify(record.separate_consent),
  }
}

function fromRow(row: Selectable<RecordRow>): ConsentRecord {
  const { sha256: _sha256, jws: _jws, ...fields } = row
  return z.parse(consentRecordSchema, {
    ...fields,
    // PostgreSQL's integer and SQLite's come back as numbers; a bigint would not.
    text_version: Number(row.text_version),
    chain_seq: row.chain_seq === null ? null : Number(row.chain_seq),
    scopes: JSON.parse(row.scopes),
    biosamples: JSON.parse(row.biosamples),
    separate_consent: row.separate_consent === null ? null : JSON.parse(row.separate_consent),
  })
}

/** Ids per DELETE statement: well below SQLite's and PostgreSQL's limits on bound parameters. */
const PURGE_BATCH = 500

/**
 * Which of one person's records retention removes (SPEC.md "Consent records"): those older than
 * `before`, but never the newest granted authorize of an app that no granted revoke followed (the
 * grant still in force: the grants page's "What you agreed to" reads it), and never half an
 * attempt: an attempt goes with the records that settle it, only when all of them are old.
 */
export function purgeable(records: readonly ConsentRecord[], before: string): string[] {
  const newestFirst = [...records].sort((a, b) => (a.at === b.at ? (a.id < b.id ? 1 : -1) : a.at < b.at ? 1 : -1))
  const attempts = foldAttempts(newestFirst)
  const kept = new Set<string>()
  const decided = new Set<string>()
  // Newest first: the first granted authorize or revoked revoke seen for an app is its latest.
  for (const attempt of attempts) {
    const app = attempt.record.client_id
    if (decided.has(app)) continue
    // An authorize whose outcome is still unknown may be the grant in force: kept until settled.
    if (attempt.record.decision === 'authorize' && attempt.outcome === 'unknown') kept.add(attempt.record.id)
    if (attempt.record.decision === 'revoke' && attempt.outcome === 'revoked') decided.add(app)
    if (attempt.record.decision === 'authorize' && attempt.outcome === 'granted') {
      decided.add(app)
      kept.add(attempt.record.id)
    }
  }
  // What belongs to an attempt: the records that settle it and, for a revoke, its withdrawal's
  // confirmations (`confirms`), so a receipt never says "confirmed" about a revoke that is gone.
  const settling = new Map<string, ConsentRecord[]>()
  for (const record of records) {
    const of = record.resolves ?? record.confirms
    if (of !== null) settling.set(of, [...(settling.get(of) ?? []), record])
  }
  const ids: string[] = []
  for (const record of records) {
    if (record.at >= before) continue
    const of = record.resolves ?? record.confirms
    if (of !== null) {
      // A settling record goes with its attempt, or alone when its attempt is already gone.
      const attempt = records.find((candidate) => candidate.id === of)
      if (attempt === undefined) ids.push(record.id)
      continue
    }
    if (kept.has(record.id)) continue
    const settled = settling.get(record.id) ?? []
    if (settled.some((resolution) => resolution.at >= before)) continue
    ids.push(record.id, ...settled.map((resolution) => resolution.id))
  }
  return ids
}

/** Kysely's Migrator over the store's migrations: what is applied, what is missing. */
async function pendingMigrations(db: Kysely<PortalDatabase>): Promise<string[]> {
  const migrations = await new Migrator({ db, provider: migrationProvider }).getMigrations()
  return migrations.filter((migration) => migration.executedAt === undefined).map((migration) => migration.name)
}

async function requireMigrated(db: Kysely<PortalDatabase>): Promise<void> {
  const pending = await pendingMigrations(db)
  if (pending.length > 0) throw new StoreNotMigratedError(pending)
}

/**
 * `npm run migrate` (server/migrate.ts): applies the missing migrations and closes the store; the
 * names of those it applied. Safe while instances run, and on several at once (PostgreSQL: an
 * advisory lock; SQLite: one writer).
 */
export async function migratePortalStore(location: StoreLocation, options: Pick<StoreOptions, 'connectTimeoutMs'> = {}): Promise<string[]> {
  const { dialect } = createDialect(location, { connectTimeoutMs: options.connectTimeoutMs ?? 3000 })
  const db = new Kysely<PortalDatabase>({ dialect })
  try {
    const pending = await pendingMigrations(db)
    await migrate(db)
    return pending
  } finally {
    await db.destroy()
  }
}

async function migrate(db: Kysely<PortalDatabase>): Promise<void> {
  const { error, results } = await new Migrator({ db, provider: migrationProvider }).migrateToLatest()
  if (error === undefined) return
  const failed = results?.find((result) => result.status === 'Error')?.migrationName
  // Without a failed migration the database was not reached at all: its own error says why.
  if (failed === undefined) throw error
  throw new Error(`migration ${failed} failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error })
}
