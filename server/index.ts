// Node entry: read the configuration, start the sandbox when no upstream is configured, listen.
import { serve } from '@hono/node-server'
import { createApp } from './app'
import { ConfigError, loadConfig, SANDBOX_API_PREFIX, type Config } from './config'
import { startSandbox } from './sandbox/start'

function fail(message: string): never {
  console.error(`\n${message}\n`)
  process.exit(1)
}

let config: Config
try {
  config = loadConfig()
} catch (error) {
  if (error instanceof ConfigError) fail(error.message)
  throw error
}

const listenHost = config.host
// The BFF reaches its own sandbox over loopback HTTP, like any upstream.
const selfHost = listenHost === '0.0.0.0' || listenHost === '::' ? '127.0.0.1' : listenHost
const displayHost = listenHost === '127.0.0.1' || listenHost === '0.0.0.0' || listenHost === '::' ? 'localhost' : listenHost

let sandbox: ReturnType<typeof startSandbox> | undefined
if (config.sandbox) {
  try {
    sandbox = startSandbox(config, `http://${displayHost}:${config.port}`)
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error))
  }
  config = { ...config, upstreamUrl: `http://${selfHost.includes(':') ? `[${selfHost}]` : selfHost}:${config.port}${SANDBOX_API_PREFIX}` }
}

const app = createApp({ config, sandbox, distDir: config.distDir })
const server = serve({ fetch: app.fetch, hostname: listenHost, port: config.port }, (info) => {
  const base = `http://${displayHost}:${info.port}`
  const lines = [`BGE consent portal on ${base}`]
  if (config.sandbox) {
    lines.push(`  upstream: embedded sandbox (${SANDBOX_API_PREFIX}), state in ${config.sandboxDb}`)
    const callback = `${base}/sandbox/callback`
    const consent = new URL('/oauth2/authorize', base)
    consent.search = new URLSearchParams({
      client_id: 'demo-app',
      redirect_uri: callback,
      response_type: 'code',
      scope: 'profile.default sample.default:read variant.rsid',
      state: 'demo state 123',
    }).toString()
    const preview = new URL('/developer/preview', base)
    preview.search = new URLSearchParams({ client_id: 'demo-app', redirect_uri: callback }).toString()
    lines.push('', 'Try:', `  consent:   ${consent.href}`, `  grants:    ${base}/grants`, `  preview:   ${preview.href}`)
  } else {
    lines.push(`  upstream: ${config.upstreamUrl}`)
  }
  console.log(lines.join('\n'))
})

function shutdown() {
  server.close(() => {
    sandbox?.store.close()
    process.exit(0)
  })
  setTimeout(() => process.exit(0), 2000).unref()
}
process.on('SIGINT', shutdown)
process.on('SIGTERM', shutdown)
