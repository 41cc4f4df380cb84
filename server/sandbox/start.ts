// Builds the embedded sandbox from the configuration: its store, its fixtures, its Hono app.
import type { Config } from '../config'
import { createSandbox, type SandboxApp } from './app'
import { demoFixturesFor, loadFixturesFile, type Fixtures } from './fixtures'
import { openStore, type SandboxStore } from './store'

export function startSandbox(config: Config, publicOrigin: string): { app: SandboxApp; store: SandboxStore } {
  // A fixtures file replaces the state at every start; the demo keeps what people did with it
  // (their grants) and refreshes everything else, so a change of port still works.
  const fixtures: Fixtures = config.sandboxFixtures ? loadFixturesFile(config.sandboxFixtures) : demoFixturesFor(publicOrigin)
  const store = openStore(config.sandboxDb)
  if (config.sandboxFixtures || store.isEmpty()) {
    store.replaceWith(fixtures)
  } else {
    store.replaceWith({ ...fixtures, grants: store.allGrants() })
  }
  const app = createSandbox({
    store,
    appKey: config.appKey,
    appSecret: config.appSecret,
    latencyMs: fixtures.latency_ms,
    faults: fixtures.faults,
    timeZone: config.upstreamTimeZone,
  })
  return { app, store }
}
