// The rate limiter's counters live in the portal store (SPEC.md "Security": limits shared by every
// instance), in the table migration 0004 made: rate-limiter-flexible's own PostgreSQL and SQLite
// limiters, on the connection the store already holds. `tableCreated: true`, so the library never
// creates a table itself (the store's migrations own the schema); `clearExpiredByTimeout: false`,
// as the store's sweeper deletes old counters (server/store/portal-store.ts).
import { RateLimiterPostgres, RateLimiterSQLite, type RateLimiterAbstract, type RateLimiterMemory } from 'rate-limiter-flexible'
import type { EngineClient } from './engines'

/** The table of migration 0004, as rate-limiter-flexible expects it: key, points, expire (epoch ms). */
export const RATE_LIMITS_TABLE = 'rate_limits'

export interface SharedLimiterOptions {
  /** Set apart from the other limits' keys in the one table. */
  keyPrefix: string
  points: number
  /** Seconds. */
  duration: number
  /** Counts in this instance's memory whenever the store fails a query. */
  insuranceLimiter: RateLimiterMemory
}

export function sharedLimiter(client: EngineClient, options: SharedLimiterOptions): RateLimiterAbstract {
  const common = { ...options, tableName: RATE_LIMITS_TABLE, tableCreated: true, clearExpiredByTimeout: false }
  return client.engine === 'postgres'
    ? new RateLimiterPostgres({ ...common, storeClient: client.pool, storeType: 'pool' })
    : new RateLimiterSQLite({ ...common, storeClient: client.database, storeType: 'better-sqlite3' })
}
