// Retention (RECORDS_RETENTION_DAYS): consent records older than the limit are purged, each
// person's oldest first, leaving a marker of what went (server/store/portal-store.ts purgeRecords).
// Every instance runs the janitor; the store makes concurrent purges count each record once.
import type { Logger } from '../http/log'
import type { PortalStore } from '../store/portal-store'

const DAY_MS = 86_400_000
/** Records age by the day: hourly is often enough, and cheap. */
export const RETENTION_INTERVAL_MS = 3_600_000
/** The first purge waits a little, so it does not compete with the start itself. */
const FIRST_RUN_DELAY_MS = 30_000

/** The `at` before which records go, for a retention of `days` at `now`. */
export function retentionCutoff(days: number, now: number): string {
  return new Date(now - days * DAY_MS).toISOString()
}

/** Runs one purge, logging what it did; a store that fails is tried again at the next run. */
export async function purgeOnce(store: Pick<PortalStore, 'purgeRecords'>, days: number, logger: Logger, now = Date.now()): Promise<void> {
  const before = retentionCutoff(days, now)
  try {
    const { people, records } = await store.purgeRecords(before)
    if (records > 0) logger.info({ retention_days: days, before, people, records }, 'consent records purged by retention')
  } catch (error) {
    logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'retention purge failed; trying again at the next run')
  }
}

/** Starts the janitor; the returned function stops it. */
export function startRetention(store: Pick<PortalStore, 'purgeRecords'>, days: number, logger: Logger): () => void {
  let running: Promise<void> | undefined
  const run = () => {
    running ??= purgeOnce(store, days, logger).finally(() => (running = undefined))
  }
  const first = setTimeout(run, FIRST_RUN_DELAY_MS)
  const every = setInterval(run, RETENTION_INTERVAL_MS)
  first.unref()
  every.unref()
  return () => {
    clearTimeout(first)
    clearInterval(every)
  }
}
