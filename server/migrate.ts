// `npm run migrate` (built: `node dist/server/migrate.js`): applies the portal store's missing
// migrations and exits, for operators who run the portal with AUTO_MIGRATE=false and migrate as a
// step of their own (a release job, an init container). Reads the same DATABASE_URL (or
// DATABASE_URL_FILE) and PORTAL_DB as the server; safe to run while instances serve.
import { ConfigError, loadConfig } from './config'
import { describeStore } from './store/engines'
import { migratePortalStore } from './store/portal-store'

const CONNECT_TIMEOUT_MS = 10_000

try {
  // Only the store's settings are read, checked as the server checks them: what the server alone
  // needs (UPSTREAM_URL's companions, the production guard) does not stop a migration.
  const { DATABASE_URL, DATABASE_URL_FILE, PORTAL_DB } = process.env
  const { store } = loadConfig({ DATABASE_URL, DATABASE_URL_FILE, PORTAL_DB })
  const applied = await migratePortalStore(store, { connectTimeoutMs: CONNECT_TIMEOUT_MS })
  console.log(
    applied.length === 0
      ? `The portal store (${describeStore(store)}) is up to date.`
      : `The portal store (${describeStore(store)}): applied ${applied.join(', ')}.`,
  )
} catch (error) {
  const message = error instanceof ConfigError ? error.message : `Migrating the portal store failed: ${error instanceof Error ? error.message : String(error)}`
  console.error(`\n${message}\n`)
  process.exitCode = 1
}
