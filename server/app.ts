// The BFF: the SPA, the JSON API, and in sandbox mode the embedded private API.
import { Hono } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import type { DecisionResponse, ErrorEnvelope } from '../src/contract/api'
import { ApiFailure } from './api-failure'
import type { Config } from './config'
import { ConsentTickets, DecisionMemory } from './consent-ticket'
import type { BffDeps } from './deps'
import { batchedLines } from './log'
import { applicationRoutes } from './routes/application'
import { authorizeRoutes } from './routes/authorize'
import { biosampleRoutes } from './routes/biosamples'
import { grantRoutes } from './routes/grants'
import { sessionRoutes } from './routes/session'
import type { SandboxStore } from './sandbox/store'
import { apiRequestGuard, securityHeaders } from './security'
import { spaRoutes } from './spa'
import { createUpstreamClient, upstreamOptionsFrom, type UpstreamClient } from './upstream/client'
import { toApiError } from './upstream/errors'

export interface AppOptions {
  config: Config
  /** Defaults to the signed client for `config.upstreamUrl`. */
  upstream?: UpstreamClient
  /** Sandbox mode: the embedded private API, mounted at /sandbox, and its store. */
  sandbox?: { app: Hono; store: SandboxStore }
  distDir?: string
  log?: (line: string) => void
}

export function createApp(options: AppOptions): Hono {
  const { config } = options
  const log = options.log ?? batchedLines((text) => process.stdout.write(text))
  const deps: BffDeps = {
    config,
    upstream:
      options.upstream ??
      createUpstreamClient(upstreamOptionsFrom(config)),
    tickets: new ConsentTickets(config.sessionSecret),
    decisions: new DecisionMemory<DecisionResponse>(),
    sandboxStore: options.sandbox?.store,
  }

  const app = new Hono()

  // One line per request. The path only: queries carry codes and state, which stay out of logs.
  app.use('*', async (c, next) => {
    const started = performance.now()
    await next()
    log(`${c.req.method} ${c.req.path} ${c.res.status} ${Math.round(performance.now() - started)}ms`)
  })
  app.use('*', securityHeaders(config.wechatBridgeUrl))

  app.onError((error, c) => {
    const failure =
      error instanceof ApiFailure
        ? error
        : (() => {
            const mapped = toApiError(error)
            if (mapped.status >= 500 && !(mapped.upstream_code || mapped.code.startsWith('upstream'))) {
              log(`error ${c.req.method} ${c.req.path}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`)
            }
            return new ApiFailure(mapped.status, mapped.code, mapped.message, { upstream_code: mapped.upstream_code })
          })()
    const body: ErrorEnvelope = {
      error: {
        code: failure.code,
        message: failure.message,
        ...(failure.extra.upstream_code !== undefined && { upstream_code: failure.extra.upstream_code }),
        ...(failure.extra.details && { details: failure.extra.details }),
        ...(failure.status === 401 && { login_url: config.loginUrl }),
      },
    }
    c.header('Cache-Control', 'no-store')
    return c.json(body, failure.status as ContentfulStatusCode)
  })

  const api = new Hono()
  api.use('*', apiRequestGuard)
  api.route('/', sessionRoutes(deps))
  api.route('/', applicationRoutes(deps))
  api.route('/', authorizeRoutes(deps))
  api.route('/', biosampleRoutes(deps))
  api.route('/', grantRoutes(deps))
  api.all('*', () => {
    throw new ApiFailure(404, 'not_found', 'There is no such API route.')
  })
  app.route('/api', api)

  if (options.sandbox) app.route('/sandbox', options.sandbox.app)
  app.route('/', spaRoutes(options.distDir ?? 'dist', config.wechatBridgeUrl))
  return app
}
