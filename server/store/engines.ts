// What differs between the two engines: how a connection is made and how it is named in logs.
// Everything else (queries, migrations) is Kysely, the same for both.
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import Database from 'better-sqlite3'
import { PostgresDialect, SqliteDialect, type Dialect } from 'kysely'
import pg from 'pg'

/** Where the portal store lives (config.ts reads it from PORTAL_DB and DATABASE_URL). */
export type StoreLocation = { engine: 'sqlite'; path: string } | { engine: 'postgres'; url: string }

/** The start-up line's name for the store: never the password, nor query parameters that may hold one. */
export function describeStore(location: StoreLocation): string {
  if (location.engine === 'sqlite') return `SQLite ${location.path}`
  const url = new URL(location.url)
  const user = url.username ? `${decodeURIComponent(url.username)}@` : ''
  return `PostgreSQL ${url.protocol}//${user}${url.hostname}:${url.port || '5432'}${url.pathname}`
}

// pg hands int8 (bigint) columns back as strings; the store's bigints are epoch milliseconds,
// well inside Number's exact range. Set per pool, not on pg's global type table.
function poolTypes(): pg.TypeOverrides {
  const types = new pg.TypeOverrides()
  types.setTypeParser(pg.types.builtins.INT8, (value: string) => Number(value))
  return types
}

export interface EngineOptions {
  /** How long to wait for a PostgreSQL connection before the store counts as unavailable. */
  connectTimeoutMs: number
}

/**
 * The connection Kysely is given, for what must share it without Kysely: the rate limiter
 * (server/store/rate-limits.ts) counts in the same database, on the same file or pool.
 */
export type EngineClient = { engine: 'sqlite'; database: Database.Database } | { engine: 'postgres'; pool: pg.Pool }

/** Kysely's `destroy()` closes what this opens (the SQLite file, the PostgreSQL pool). */
export function createDialect(location: StoreLocation, options: EngineOptions): { dialect: Dialect; client: EngineClient } {
  if (location.engine === 'sqlite') {
    if (location.path !== ':memory:') mkdirSync(dirname(location.path), { recursive: true })
    const database = new Database(location.path)
    database.pragma('journal_mode = WAL')
    database.pragma('busy_timeout = 5000')
    return { dialect: new SqliteDialect({ database }), client: { engine: 'sqlite', database } }
  }
  const pool = new pg.Pool({
    connectionString: location.url,
    connectionTimeoutMillis: options.connectTimeoutMs,
    // A query on a connection that went quiet (a database behind a dead network) fails instead of hanging.
    query_timeout: 5000,
    max: 10,
    types: poolTypes(),
  })
  // An idle connection that dies (database restarted) emits 'error' on the pool; without a listener
  // that would crash the process. The pool drops it and connects afresh on the next query.
  pool.on('error', () => undefined)
  return { dialect: new PostgresDialect({ pool }), client: { engine: 'postgres', pool } }
}
