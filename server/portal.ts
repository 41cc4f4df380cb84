// The portal process: read the configuration, open the portal store, start the sandbox when no
// upstream is configured, listen (and serve metrics on METRICS_PORT); on SIGTERM, drain: /readyz
// 503 at once, keep serving for SHUTDOWN_GRACE_MS, then close and exit 0. SIGINT (Ctrl-C) skips
// the wait. server/index.ts runs it with the build's pages; server/dev.ts with Vite's.
import type { createServer, Server } from 'node:http'
import { serve, type Http2Bindings, type HttpBindings } from '@hono/node-server'
import { createApp } from './app'
import { RecordOutbox } from './consent/records'
import { startRetention } from './consent/retention'
import { ConfigError, loadConfig, SANDBOX_API_PREFIX, startWarnings, type Config } from './config'
import { createLogger, lineLog } from './http/log'
import { createMetrics, metricsApp, observeStore } from './http/metrics'
import type { PageSource } from './pages/spa'
import { startSandbox } from './sandbox/start'
import { configuredReceiptKeys, type ReceiptKeys } from './receipts/keys'
import { openPortalStore, StoreNotMigratedError } from './store/portal-store'

/** How long start-up waits for the store (PostgreSQL may be unreachable) before refusing to start. */
const STORE_CONNECT_TIMEOUT_MS = 5000

function fail(message: string): never {
  console.error(`\n${message}\n`)
  process.exit(1)
}

/** The app's own fetch, as @hono/node-server calls it. */
export type PortalFetch = (request: Request, env: HttpBindings | Http2Bindings) => Response | Promise<Response>

export interface PortalOptions {
  /** The pages' template and server render; by default the build's (DIST_DIR). */
  pages?: PageSource
  /** Static files served beside the pages; by default DIST_DIR, the build. */
  distDir?: string
  /**
   * The HTTP server that answers with `fetch`, not yet listening; by default @hono/node-server's
   * own. `npm run dev` puts Vite (modules, hot reload) in front of the app.
   */
  createServer?: (fetch: PortalFetch) => Server
}

export async function startPortal(options: PortalOptions = {}): Promise<void> {
  let config: Config
  try {
    config = loadConfig()
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message)
    throw error
  }

  let receipts: ReceiptKeys
  try {
    receipts = configuredReceiptKeys(config.receiptKeys)
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error))
  }

  // A store that cannot be reached or migrated refuses the start: the portal cannot keep its promise
  // of one decision per ticket without it.
  const store = openPortalStore(config.store, { receipts, connectTimeoutMs: STORE_CONNECT_TIMEOUT_MS, autoMigrate: config.autoMigrate })
  try {
    await store.ping()
  } catch (error) {
    await store.close().catch(() => undefined)
    if (error instanceof StoreNotMigratedError) fail(`The portal store (${store.description}) cannot be used: ${error.message}`)
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error
    const check = config.store.engine === 'postgres' ? `DATABASE_URL, and that the database is up (waited ${STORE_CONNECT_TIMEOUT_MS / 1000} s)` : 'PORTAL_DB'
    fail(`The portal store (${store.description}) cannot be used: ${cause instanceof Error ? cause.message || cause.name : String(cause)}.\nCheck ${check}.`)
  }

  const logger = createLogger(config.logLevel)
  // Process metrics too: this is the one app of the process.
  const metrics = createMetrics({ processMetrics: true })
  metrics.storeUp(true)

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

  const outbox = new RecordOutbox(observeStore(store, metrics), lineLog(logger))
  let draining = false
  const app = createApp({ config, store, sandbox, distDir: options.distDir ?? config.distDir, ...options.pages, outbox, logger, metrics, draining: () => draining })
  // Prometheus text on a port of its own, never the public one (SPEC.md "Quality bars").
  const metricsServer =
    config.metricsPort === undefined ? undefined : serve({ fetch: metricsApp(metrics).fetch, hostname: listenHost, port: config.metricsPort })
  const customServer = options.createServer
  const server = serve({
    fetch: app.fetch,
    hostname: listenHost,
    port: config.port,
    // serve() hands a factory its own listener; a custom server answers with its own instead.
    ...(customServer && { createServer: (() => customServer(app.fetch)) as unknown as typeof createServer }),
  }, (info) => {
    const base = `http://${displayHost}:${info.port}`
    const { headersTimeout, requestTimeout, keepAliveTimeout } = server as Server
    const lines = [
      `BGE consent portal on ${base}`,
      `  store: ${store.description}${config.autoMigrate ? '' : ' (AUTO_MIGRATE=false)'}`,
      // The kid, never the key; a sandbox's own key is where a backup must find it.
      `  receipts: signed with key ${receipts.kid}${'file' in config.receiptKeys ? (config.receiptKeys.file === undefined ? ' (the sandbox\'s, in memory only)' : ` (the sandbox's, kept in ${config.receiptKeys.file})`) : ''}`,
      ...(config.recordsRetentionDays === undefined ? [] : [`  retention: consent records older than ${config.recordsRetentionDays} days are purged`]),
      `  timeouts: headers ${headersTimeout} ms, request ${requestTimeout} ms, keep-alive ${keepAliveTimeout} ms`,
      ...startWarnings(config).map((warning) => `  warning: ${warning}`),
    ]
    if (config.metricsPort !== undefined) lines.push(`  metrics: http://${displayHost}:${config.metricsPort}/metrics`)
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
  // HEADERS_TIMEOUT_MS, REQUEST_TIMEOUT_MS, KEEP_ALIVE_TIMEOUT_MS: set before the first connection
  // (the listen callback above runs later).
  Object.assign(server as Server, config.serverTimeouts)

  // Timed like every store query (portal_store_query_duration_seconds, query="purgeRecords").
  const stopRetention = config.recordsRetentionDays === undefined ? undefined : startRetention(observeStore(store, metrics), config.recordsRetentionDays, logger)

  let stopping = false
  function shutdown(signal: string, graceMs: number) {
    if (stopping) return
    stopping = true
    // From now on /readyz is 503, so the load balancer stops sending requests here; answers ask
    // their clients to close keep-alive connections. Requests still arriving are served as usual.
    draining = true
    logger.info({ signal, grace_ms: graceMs }, `${signal}: draining, then finishing requests in flight and stopping`)
    let closing = false
    const done = async () => {
      if (closing) return
      closing = true
      // Revokes made while the store was down get one last chance to be written.
      await outbox.flush()
      outbox.stop()
      stopRetention?.()
      sandbox?.store.close()
      await store.close().catch(() => undefined)
      metricsServer?.close()
      logger.info('stopped')
      process.exit(0)
    }
    setTimeout(() => {
      // Stops accepting connections; closes idle keep-alive ones; calls back once in-flight requests end.
      server.close(() => void done())
      // Every request has its deadline: one still running after another deadline is cut.
      setTimeout(() => {
        if ('closeAllConnections' in server) server.closeAllConnections()
        void done()
      }, config.requestDeadlineMs).unref()
    }, graceMs)
  }
  process.on('SIGINT', () => shutdown('SIGINT', 0))
  process.on('SIGTERM', () => shutdown('SIGTERM', config.shutdownGraceMs))
}
