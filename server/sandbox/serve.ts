// The sandbox of the private API alone, in a process of its own (for `npm run bench:load`, so the
// BFF's own cost shows). Same configuration as the portal (PORT, HOST, SANDBOX_DB,
// SANDBOX_FIXTURES, BGE_APP_KEY/SECRET); the argument is the portal's origin, which the demo
// app's callback addresses point at. PORT=0 takes a free port; the line printed names it.
// `--control` also serves /sandbox/control (control.ts), for tests that add faults as they go.
import { serve } from '@hono/node-server'
import { Hono } from 'hono'
import { ConfigError, loadConfig, SANDBOX_API_PREFIX, type Config } from '../config'
import { callCounter, controlRoutes } from './control'
import { startSandbox } from './start'

let config: Config
try {
  config = loadConfig()
} catch (error) {
  if (!(error instanceof ConfigError)) throw error
  console.error(`\n${error.message}\n`)
  process.exit(1)
}

const args = process.argv.slice(2)
const sandbox = startSandbox(config, args.find((arg) => !arg.startsWith('--')) ?? 'http://localhost:3000')
// Mounted where the portal mounts it, so an upstream URL ending in SANDBOX_API_PREFIX works for both.
const control = args.includes('--control')
const calls = control ? callCounter() : undefined
const app = new Hono()
if (calls) app.use('/sandbox/private-api/*', calls.middleware)
app.route('/sandbox', sandbox.app)
if (control) app.route('/sandbox/control', controlRoutes(sandbox.app, sandbox.store, calls))
const server = serve({ fetch: app.fetch, hostname: config.host, port: config.port }, (info) => {
  const host = info.address.includes(':') ? `[${info.address}]` : info.address
  console.log(`BGE sandbox on http://${host}:${info.port}${SANDBOX_API_PREFIX}`)
})

function shutdown() {
  server.close(() => {
    sandbox.store.close()
    process.exit(0)
  })
  setTimeout(() => process.exit(0), 2000).unref()
}
process.on('SIGINT', shutdown)
process.on('SIGTERM', shutdown)
