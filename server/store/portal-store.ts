// The portal store: the BFF's own small database (SPEC.md "Portal store"). It holds the first
// decision made with each consent ticket, so every instance sharing it gives the same answer, and
// the consent records. Routes see only the `PortalStore` interface; the engine (SQLite or
// PostgreSQL) is chosen by its location and hidden behind Kysely.
import { randomBytes } from 'node:crypto'
import { Kysely, Migrator, sql, type Insertable, type Selectable } from 'kysely'
import { z } from 'zod'
import { consentRecordSchema, type ConsentRecord } from '../../src/contract/records'
import { createDialect, describeStore, type StoreLocation } from './engines'
import { migrationProvider } from './migrations'

export type DecisionKind = 'authorize' | 'deny'

/** A ticket's decision as the store holds it: claimed (pending) or answered (done). */
export interface ClaimedDecision {
  decision: DecisionKind
  state: 'pending' | 'done'
  /** The answer as stored (parsed JSON); undefined while pending. */
  answer: unknown
}

/** `won`: this caller holds the claim and must store the answer or release it; else what is there. */
export type Claim = { won: true; token: string } | { won: false; existing: ClaimedDecision }

/** Records are the contract's (src/contract/records.ts); the store only adds the id. */
export type NewConsentRecord = Omit<ConsentRecord, 'id'>

export interface PortalStore {
  /** For the start-up line: `SQLite <path>` or `PostgreSQL postgres://user@host:port/db`. */
  readonly description: string
  /**
   * Claims the ticket's decision in one atomic statement: the first caller wins, every other one
   * (on any instance) gets what is there. `leaseUntil` bounds a claim whose holder died.
   */
  claimDecision(input: { ticketId: string; decision: DecisionKind; leaseUntil: number }): Promise<Claim>
  readDecision(ticketId: string): Promise<ClaimedDecision | undefined>
  /** Stores the winner's answer, kept until `expiresAt`; false when the claim is no longer this token's. */
  storeAnswer(input: { ticketId: string; token: string; answer: unknown; expiresAt: number }): Promise<boolean>
  /** Gives a pending claim up (its upstream call failed), so the person can try again. */
  releaseClaim(input: { ticketId: string; token: string }): Promise<void>
  writeRecord(record: NewConsentRecord): Promise<ConsentRecord>
  /** The user's records, newest first, optionally for one app. */
  listRecords(userId: string, filter?: { clientId?: string }): Promise<ConsentRecord[]>
  /** One record, only when it is this user's. */
  readRecord(userId: string, id: string): Promise<ConsentRecord | undefined>
  /** Takes back a record whose decision did not happen (its upstream call failed); only this user's. */
  deleteRecord(userId: string, id: string): Promise<void>
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
  decisions: {
    ticket_id: string
    decision: DecisionKind
    state: 'pending' | 'done'
    answer: string | null
    claim_token: string
    created_at: number
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
  now?: () => number
  /** PostgreSQL only: how long a connection attempt may take. */
  connectTimeoutMs?: number
}

/** How often one instance sweeps every expired decision; its own ticket is swept on every claim. */
const SWEEP_INTERVAL_MS = 60_000

/**
 * Opens the store and starts its migrations. Every method waits for them, so the store can be
 * handed to the app at once; start-up awaits `ping()` to refuse a store that does not work.
 */
export function openPortalStore(location: StoreLocation, options: StoreOptions = {}): PortalStore {
  const now = options.now ?? Date.now
  const db = new Kysely<PortalDatabase>({ dialect: createDialect(location, { connectTimeoutMs: options.connectTimeoutMs ?? 3000 }) })
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
  let lastSweep = 0

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
      .selectFrom('decisions')
      .select(['decision', 'state', 'answer'])
      .where('ticket_id', '=', ticketId)
      .executeTakeFirst()
    if (!row) return undefined
    return { decision: row.decision, state: row.state, answer: row.answer === null ? undefined : JSON.parse(row.answer) }
  }

  async function sweep(ticketId: string): Promise<void> {
    const at = now()
    await db.deleteFrom('decisions').where('ticket_id', '=', ticketId).where('expires_at', '<=', at).execute()
    if (at - lastSweep >= SWEEP_INTERVAL_MS) {
      lastSweep = at
      await db.deleteFrom('decisions').where('expires_at', '<=', at).execute()
    }
  }

  return {
    description: describeStore(location),

    claimDecision: (input) =>
      use(async () => {
        await sweep(input.ticketId)
        // A row that vanishes between the insert and the read was released by a failed winner:
        // claim again, as a request that arrived a moment later would.
        for (let attempt = 0; attempt < 3; attempt++) {
          const token = randomBytes(16).toString('base64url')
          const inserted = await db
            .insertInto('decisions')
            .values({
              ticket_id: input.ticketId,
              decision: input.decision,
              state: 'pending',
              answer: null,
              claim_token: token,
              created_at: now(),
              expires_at: input.leaseUntil,
            })
            .onConflict((conflict) => conflict.column('ticket_id').doNothing())
            .executeTakeFirst()
          if (inserted.numInsertedOrUpdatedRows === BigInt(1)) return { won: true, token }
          const existing = await readDecision(input.ticketId)
          if (existing) return { won: false, existing }
        }
        throw new Error(`decision for ticket ${input.ticketId} keeps vanishing`)
      }),

    readDecision: (ticketId) => use(() => readDecision(ticketId)),

    storeAnswer: (input) =>
      use(async () => {
        const updated = await db
          .updateTable('decisions')
          .set({ state: 'done', answer: JSON.stringify(input.answer), expires_at: input.expiresAt })
          .where('ticket_id', '=', input.ticketId)
          .where('claim_token', '=', input.token)
          .where('state', '=', 'pending')
          .executeTakeFirst()
        return updated.numUpdatedRows === BigInt(1)
      }),

    releaseClaim: (input) =>
      use(async () => {
        await db
          .deleteFrom('decisions')
          .where('ticket_id', '=', input.ticketId)
          .where('claim_token', '=', input.token)
          .where('state', '=', 'pending')
          .execute()
      }),

    writeRecord: (record) =>
      use(async () => {
        const stored: ConsentRecord = z.parse(consentRecordSchema, { ...record, id: randomBytes(18).toString('base64url') })
        await db.insertInto('consent_records').values(toRow(stored)).execute()
        return stored
      }),

    listRecords: (userId, filter = {}) =>
      use(async () => {
        let query = db.selectFrom('consent_records').selectAll().where('user_id', '=', userId)
        if (filter.clientId !== undefined) query = query.where('client_id', '=', filter.clientId)
        const rows = await query.orderBy('at', 'desc').orderBy('id', 'desc').execute()
        return rows.map(fromRow)
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

    deleteRecord: (userId, id) =>
      use(async () => {
        await db.deleteFrom('consent_records').where('id', '=', id).where('user_id', '=', userId).execute()
      }),

    ping: () => use(() => sql`select 1`.execute(db).then(() => undefined)),

    close: () => db.destroy(),
  }
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
