// The portal store's schema, as one ordered list of migrations for both engines. Kysely's Migrator
// runs them at start; on PostgreSQL it holds an advisory lock while it does, so instances that start
// together apply each migration once. Never edit a migration that has shipped: add the next one.
import { sql, type Kysely, type Migration, type MigrationProvider } from 'kysely'

// `Kysely<any>` on purpose (Kysely's own advice): a migration sees the schema as it was when it was
// written, not the current `PortalDatabase` type.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>

const migrations: Record<string, Migration> = {
  '0001_decisions_and_consent_records': {
    async up(db: AnyDb) {
      await db.schema
        .createTable('decisions')
        // The ticket's `jti`.
        .addColumn('ticket_id', 'text', (col) => col.primaryKey())
        .addColumn('decision', 'text', (col) => col.notNull().check(sql`decision in ('authorize', 'deny')`))
        .addColumn('state', 'text', (col) => col.notNull().check(sql`state in ('pending', 'done')`))
        // The answer given to the person, as JSON; null while pending.
        .addColumn('answer', 'text')
        // Who holds a pending claim: only its holder may store the answer or release it.
        .addColumn('claim_token', 'text', (col) => col.notNull())
        // Milliseconds since the epoch.
        .addColumn('created_at', 'bigint', (col) => col.notNull())
        // Pending: the end of the claim's lease; done: the ticket's expiry. Swept after that.
        .addColumn('expires_at', 'bigint', (col) => col.notNull())
        .execute()
      await db.schema.createIndex('decisions_expires_at').on('decisions').column('expires_at').execute()

      await db.schema
        .createTable('consent_records')
        .addColumn('id', 'text', (col) => col.primaryKey())
        .addColumn('decision', 'text', (col) => col.notNull().check(sql`decision in ('authorize', 'deny', 'revoke')`))
        // ISO-8601 UTC with milliseconds, so text order is time order.
        .addColumn('at', 'text', (col) => col.notNull())
        .addColumn('user_id', 'text', (col) => col.notNull())
        .addColumn('client_id', 'text', (col) => col.notNull())
        .addColumn('app_name', 'text', (col) => col.notNull())
        .addColumn('app_logo', 'text', (col) => col.notNull())
        .addColumn('redirect_host', 'text')
        .addColumn('mini_program_name', 'text')
        .addColumn('language', 'text', (col) => col.notNull())
        // JSON: the scopes with the title, message and tier shown; the chosen biosamples.
        .addColumn('scopes', 'text', (col) => col.notNull())
        .addColumn('biosamples', 'text', (col) => col.notNull())
        .addColumn('text_sha256', 'text', (col) => col.notNull())
        .execute()
      await db.schema.createIndex('consent_records_user_at').on('consent_records').columns(['user_id', 'at']).execute()
    },
  },
  // Records are events (SPEC.md "Consent records"): every attempt has an outcome, and what the
  // platform later turned out to have done is a new record resolving it. Rows written before this
  // were only kept for decisions that happened, so their outcome is their decision's.
  '0002_record_outcomes': {
    async up(db: AnyDb) {
      await db.schema
        .alterTable('consent_records')
        .addColumn('outcome', 'text', (col) => col.notNull().defaultTo('unknown'))
        .execute()
      await db.schema.alterTable('consent_records').addColumn('resolves', 'text').execute()
      await sql`update consent_records set outcome = case decision when 'authorize' then 'granted' when 'deny' then 'denied' else 'revoked' end`.execute(db)
      // At most one record settles an attempt, whichever instance resolves it first (NULLs, the
      // attempts themselves, are distinct in both engines).
      await db.schema.createIndex('consent_records_resolves').on('consent_records').column('resolves').unique().execute()
    },
  },
  // The once-per-ticket decision memory, anew (SPEC.md "Security"): answers sealed with a key only
  // the ticket holds, a claim's attempt record, an `unknown` state that keeps the claim until the
  // platform's outcome is known, and times by the database's clock. The old table's claims last
  // ten minutes at most, so it is dropped rather than converted.
  '0003_ticket_decisions': {
    async up(db: AnyDb) {
      await db.schema.dropTable('decisions').ifExists().execute()
      await db.schema
        .createTable('ticket_decisions')
        .addColumn('ticket_id', 'text', (col) => col.primaryKey())
        .addColumn('decision', 'text', (col) => col.notNull().check(sql`decision in ('authorize', 'deny')`))
        .addColumn('state', 'text', (col) => col.notNull().check(sql`state in ('pending', 'done', 'unknown')`))
        .addColumn('sealed_answer', 'text')
        .addColumn('record_id', 'text')
        .addColumn('claim_token', 'text', (col) => col.notNull())
        .addColumn('lease_until', 'bigint', (col) => col.notNull())
        .addColumn('expires_at', 'bigint', (col) => col.notNull())
        .execute()
      await db.schema.createIndex('ticket_decisions_expires_at').on('ticket_decisions').column('expires_at').execute()
    },
  },
  // Rate limits shared by every instance (SPEC.md "Security"): the table rate-limiter-flexible's
  // PostgreSQL and SQLite limiters read and write (server/store/rate-limits.ts), in their own
  // shape, so the library is told the table exists and never creates one. One row per key (a
  // limit's prefix and a client IP or a hashed session); `expire` is epoch milliseconds.
  '0004_rate_limits': {
    async up(db: AnyDb) {
      await db.schema
        .createTable('rate_limits')
        .addColumn('key', 'varchar(255)', (col) => col.primaryKey())
        .addColumn('points', 'integer', (col) => col.notNull().defaultTo(0))
        .addColumn('expire', 'bigint')
        .execute()
      await db.schema.createIndex('rate_limits_expire').on('rate_limits').column('expire').execute()
    },
  },
  // Retention (RECORDS_RETENTION_DAYS) deletes old records and leaves one of these per purge, so a
  // person's history says what went: how many records, up to which `at` (SPEC.md "Consent records").
  '0005_record_purges': {
    async up(db: AnyDb) {
      await db.schema
        .createTable('record_purges')
        .addColumn('id', 'text', (col) => col.primaryKey())
        .addColumn('user_id', 'text', (col) => col.notNull())
        // When the purge ran, ISO-8601 UTC.
        .addColumn('at', 'text', (col) => col.notNull())
        .addColumn('purged_count', 'integer', (col) => col.notNull())
        // The `at` of the newest record it deleted.
        .addColumn('purged_through', 'text', (col) => col.notNull())
        .execute()
      await db.schema.createIndex('record_purges_user_id').on('record_purges').column('user_id').execute()
      // Retention finds the people with old records.
      await db.schema.createIndex('consent_records_at').on('consent_records').column('at').execute()
    },
  },
  // Issue 19: the separate consent for genetic data, the receipt before this one for the app, a
  // withdrawal's confirmation, the text hash's version, and signed receipts in a per-person hash
  // chain. Rows written before have text version 1 and no chain (they are listed as unsigned).
  // SQLite adds one column per ALTER TABLE, hence one statement each.
  '0006_signed_records': {
    async up(db: AnyDb) {
      await db.schema.alterTable('consent_records').addColumn('text_version', 'integer', (col) => col.notNull().defaultTo(1)).execute()
      // JSON: `{ given, words }`, or null.
      await db.schema.alterTable('consent_records').addColumn('separate_consent', 'text').execute()
      await db.schema.alterTable('consent_records').addColumn('previous_receipt', 'text').execute()
      await db.schema.alterTable('consent_records').addColumn('confirms', 'text').execute()
      // The chain: the record's place in its person's chain, the SHA-256 of the person's previous
      // signed record's payload, the SHA-256 of its own payload, and the compact JWS over it.
      await db.schema.alterTable('consent_records').addColumn('chain_seq', 'integer').execute()
      await db.schema.alterTable('consent_records').addColumn('previous_sha256', 'text').execute()
      await db.schema.alterTable('consent_records').addColumn('sha256', 'text').execute()
      await db.schema.alterTable('consent_records').addColumn('jws', 'text').execute()
      // Two instances appending to one person's chain at once: one insert wins, the other links to
      // it and tries again, so a chain never forks. NULLs (unsigned rows) are distinct in both engines.
      await db.schema.createIndex('consent_records_chain_link').on('consent_records').columns(['user_id', 'previous_sha256']).unique().execute()
      await db.schema.createIndex('consent_records_chain_seq').on('consent_records').columns(['user_id', 'chain_seq']).unique().execute()
      // Retention may take a chain's newest link: its purge marker keeps that link's place and hash,
      // so the person's next record still links to it and the chain goes on (the purge explains the gap).
      await db.schema.alterTable('record_purges').addColumn('chain_seq', 'integer').execute()
      await db.schema.alterTable('record_purges').addColumn('sha256', 'text').execute()
    },
  },
}

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
}
