// The BFF: the SPA, the JSON API, and in sandbox mode the embedded private API.
import { Hono } from 'hono'
import { requestId } from 'hono/request-id'
import { decisionResponseSchema, type ErrorEnvelope } from '../src/contract/api'
import { ApiFailure, toApiFailure } from './http/api-failure'
import type { Config } from './config'
import { ConsentDecisions } from './consent/decisions'
import { RecordOutbox } from './consent/records'
import { ConsentTickets } from './consent/ticket'
import { Continuations } from './consent/continuations'
import { continuationRoutes } from './pages/continue'
import { requestDeadline } from './http/deadline'
import { provideDeps, type BffDeps } from './deps'
import { createLogger, lineLog, observeRequests, type Logger } from './http/log'
import { createMetrics, observeStore, type Metrics } from './http/metrics'
import { applicationRoutes } from './routes/application'
import { authorizeRoutes } from './routes/authorize'
import { biosampleRoutes } from './routes/biosamples'
import { grantRoutes } from './routes/grants'
import { healthRoutes } from './routes/health'
import { jwksRoutes } from './routes/jwks'
import { recordRoutes } from './routes/records'
import { sessionRoutes } from './routes/session'
import type { SandboxStore } from './sandbox/store'
import { jsonBodyLimit, requestTargetLimit, singleValuedQuery } from './http/request-limits'
import { createRateLimits } from './http/limits'
import { apiRequestGuard, securityHeaders } from './http/security'
import { proxyTrust } from './http/proxy'
import { spaBuilt, spaRoutes, type PageTemplate, type Render } from './pages/spa'
import { requestUpstream } from './http/upstream'
import type { PortalStore } from './store/portal-store'
import { createUpstreamClient, upstreamOptionsFrom, type UpstreamClient } from './upstream/client'

export interface AppOptions {
  config: Config
  /** The portal store; its owner (server/index.ts, a test) opens and closes it. */
  store: PortalStore
  /** Defaults to the signed client for `config.upstreamUrl`. */
  upstream?: UpstreamClient
  /** Sandbox mode: the embedded private API, mounted at /sandbox, and its store. */
  sandbox?: { app: Hono; store: SandboxStore }
  distDir?: string
  /** The server render; by default the build's (server/pages/spa.ts RENDER_MODULE). Tests give src/entry-server.tsx. */
  render?: Render
  /** The pages' HTML around the render; by default the build's index.html (`npm run dev`: Vite's). */
  template?: PageTemplate
  /** JSON lines to stdout at LOG_LEVEL by default (server/http/log.ts). */
  logger?: Logger
  /** This app's metrics (server/http/metrics.ts); made here, without process metrics, when not given. */
  metrics?: Metrics
  /** True once the process is stopping (server/index.ts): /readyz answers 503. */
  draining?: () => boolean
  /** Records waiting for the store; its owner stops it at shutdown. Made here when not given. */
  outbox?: RecordOutbox
}

export function createApp(options: AppOptions): Hono {
  const { config } = options
  const logger = options.logger ?? createLogger(config.logLevel)
  const log = lineLog(logger)
  const metrics = options.metrics ?? createMetrics()
  const draining = options.draining ?? (() => false)
  const distDir = options.distDir ?? 'dist'
  const store = observeStore(options.store, metrics)
  // Rate limits (server/http/limits.ts), shared by the JSON API and the pages' forms.
  const limits = createRateLimits(config.rateLimits, options.store)
  const deps: BffDeps = {
    config,
    limits,
    upstream:
      options.upstream ??
      createUpstreamClient(upstreamOptionsFrom(config)),
    tickets: new ConsentTickets(config.sessionSecrets),
    continuations: new Continuations(config.sessionSecrets),
    decisions: new ConsentDecisions({
      answerSchema: decisionResponseSchema,
      // A winner holds its claim at most one upstream call (authorize is never retried).
      leaseMs: config.upstreamTimeoutMs + config.requestDeadlineMs,
      upstreamTimeoutMs: config.upstreamTimeoutMs,
      clockMarginMs: config.upstreamClockMarginMs,
      log,
      observeClaim: (result) => metrics.claim(result),
    }),
    outbox: options.outbox ?? new RecordOutbox(store, log),
    store,
    sandboxStore: options.sandbox?.store,
    log,
  }

  metrics.watchOutbox(deps.outbox)

  const app = new Hono()

  // A request id on every request (a well-formed X-Request-Id from in front is kept), echoed in the
  // answer, then one JSON log line and the metrics of each request but the probes.
  app.use('*', requestId({ limitLength: 128 }))
  app.use('*', observeRequests({ logger, metrics, draining }))
  app.use('*', proxyTrust(config))
  app.use('*', securityHeaders(config.wechatBridgeUrl))
  app.use('*', requestTargetLimit)
  // Every request, page or /api, gets its deadline and its platform client bound to it: the
  // deadline starts first, so it counts from the request's arrival.
  app.use('*', requestDeadline(config.requestDeadlineMs))
  app.use('*', requestUpstream(deps.upstream, config.authCookie))
  app.use('*', provideDeps(deps))

  app.onError((error, c) => {
    const failure = toApiFailure(error, (message, cause) => logger.error({ err: cause }, message))
    const body: ErrorEnvelope = {
      error: {
        code: failure.code,
        message: failure.message,
        ...(failure.extra.upstream_code !== undefined && { upstream_code: failure.extra.upstream_code }),
        ...(failure.extra.details && { details: failure.extra.details }),
        ...(failure.status === 401 && { login_url: config.loginUrl }),
        // What to quote to support: the same id as the request's log line and X-Request-Id.
        request_id: c.get('requestId'),
      },
    }
    c.header('Cache-Control', 'no-store')
    return c.json(body, failure.status)
  })

  // Probes for load balancers and orchestrators, outside /api and its request guard.
  app.route('/', healthRoutes({ store, spaReady: () => spaBuilt(distDir, options.render, options.template), draining, metrics }))

  const api = new Hono()
  api.use('*', apiRequestGuard)
  api.use('*', jsonBodyLimit)
  api.use('*', singleValuedQuery)
  // Rate limits (server/http/limits.ts), before any route can ask the platform anything. Revoke
  // has no limit of its own: withdrawal is never refused for lack of the store.
  api.use('*', limits.unauthenticated)
  api.on('POST', ['/oauth2/authorize', '/oauth2/deny'], limits.decisions)
  // `/records/*` matches `/records` itself too.
  api.get('/records/*', limits.recordReads)
  api.route('/', sessionRoutes(deps))
  api.route('/', applicationRoutes(deps))
  api.route('/', authorizeRoutes(deps))
  api.route('/', biosampleRoutes())
  api.route('/', grantRoutes(deps))
  api.route('/', recordRoutes(deps))
  api.all('*', () => {
    throw new ApiFailure(404, 'not_found', 'There is no such API route.')
  })
  app.route('/api', api)
  // The receipts' public keys, for verifiers anywhere (the store signs with the same keys).
  app.route('/', jwksRoutes(options.store.receipts))

  if (options.sandbox) app.route('/sandbox', options.sandbox.app)
  // Where a web app's decision made by the consent page's form goes on from (before the pages).
  app.route('/', continuationRoutes(deps.continuations))
  app.route('/', spaRoutes(distDir, config, (request, env) => app.fetch(request, env), { log, render: options.render, template: options.template }))
  return app
}
