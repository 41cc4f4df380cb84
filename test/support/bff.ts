// A whole BFF in-process for the BFF tests (STYLE.md: "app.request(...) against the sandbox, no
// network"): the sandbox on an in-memory store seeded from fixtures, the signed upstream client
// whose fetch is the sandbox app's `.request()`, a built-SPA stand-in, and createApp — wired like
// server/index.ts and server/sandbox/start.ts, with everything it sent and answered recorded.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import type { Hono } from 'hono'
import { onTestFinished } from 'vitest'
import { z } from 'zod'
import { createApp } from '../../server/app'
import { PAGE_ROUTES } from '../../src/contract/routes'
import { createLogger } from '../../server/http/log'
import { createMetrics, type Metrics } from '../../server/http/metrics'
import { RENDER_MODULE, type Render } from '../../server/pages/spa'
import { loadConfig, SANDBOX_API_PREFIX, type Config } from '../../server/config'
import { ConnectionDropped, createSandbox } from '../../server/sandbox/app'
import { parseFixtures, type FaultInput, type FixturesInput } from '../../server/sandbox/fixtures'
import { openStore, type SandboxStore } from '../../server/sandbox/store'
import { openPortalStore, type PortalStore } from '../../server/store/portal-store'
import { createUpstreamClient, upstreamOptionsFrom, type UpstreamClient } from '../../server/upstream/client'
import { applicationResponseSchema } from '../../src/contract/api'
import type { Language } from '../../src/contract/languages'
import { ALICE, BOB } from './fixture-users'
import { testReceiptKeys } from './receipt-keys'

/** The portal's own origin in these tests; requests carry its Host, and its Origin when they change something. */
export const PORTAL = 'http://portal.test'

// Server suites import the fixture users from here, beside the world they live in.
export { ALICE, BOB }
export const USERS = { alice: ALICE, bob: BOB } as const
export type UserKey = keyof typeof USERS

/** A web app whose registered redirect URI carries a query of its own, which a decision keeps. */
export const WEB_APP = {
  client_id: 'web-app',
  redirect_uri: 'https://app.example/callback?source=portal&lang=zh',
  scope: 'profile.default sample.default:read variant.rsid',
}
export const WX_APP = { client_id: 'wx-app', redirect_uri: 'pages/consent/done', wxmp_app_id: 'wx0123456789abcdef' }

function sample(biosample_id: string, type: string, status = 1, project_name = 'Healthy Gut') {
  return { biosample_id, type, status, sample_time: '2024-03-19T07:00:41Z', project_name }
}

/** The world most tests run in. */
export function testWorld(): FixturesInput {
  const app = (client_id: string, redirect_uris: string[], overrides: Record<string, unknown> = {}) => ({
    client_id,
    name: `App ${client_id}`,
    logo: 'https://app.example/logo.png',
    description: `What ${client_id} does.`,
    redirect_uris,
    scopes: ['profile.default'],
    wxmp_app_id: '',
    blocked: false,
    ...overrides,
  })
  return {
    users: [
      { ...ALICE, biosamples: [sample('E-A0001', 'Lowpass'), sample('E-A0002', 'Full', 2), sample('E-A0003', '16S', 3, '华南肠道队列')] },
      { ...BOB, biosamples: [sample('E-B0001', 'Lowpass')] },
    ],
    applications: [
      app(WEB_APP.client_id, [WEB_APP.redirect_uri, 'https://app.example/plain', 'http://localhost:5173/cb'], {
        name: 'Gene Insight',
        scopes: ['profile.default', 'profile.advanced', 'sample.default:read', 'variant.rsid'],
      }),
      app('profile-app', ['https://profile.example/cb']),
      app(WX_APP.client_id, [WX_APP.redirect_uri], { scopes: ['profile.default', 'sample.default:read'], wxmp_app_id: WX_APP.wxmp_app_id }),
      app('native-app', ['com.example.app:/oauth2redirect']),
      app('insecure-app', ['http://insecure.example/cb']),
      app('fragment-app', ['https://app.example/cb#frag']),
      app('blocked-app', ['https://app.example/callback'], { blocked: true }),
      app('unregistered-app', []),
      // Registered with addresses no redirect may use, to show the BFF refuses them itself.
      app('script-app', ['javascript:alert(1)', ' JaVaScRiPt:alert(1)', 'data:text/html,hi', 'java\tscript:alert(1)', 'java\nscript:alert(1)']),
    ],
    grants: [
      {
        user_id: BOB.id,
        client_id: 'profile-app',
        grant_time: '2024-05-12 09:30:00',
        biosample_ids: [{ biosample_id: 'E-B0001', type: 'Lowpass' }],
      },
    ],
  }
}

export const INDEX_HTML = `<!doctype html>
<html lang="zh-CN">
  <head>
    <meta charset="utf-8" />
    <title>BGE</title>
    <script type="module" src="/assets/app-3f9c2a.js"></script>
    <link rel="stylesheet" crossorigin href="/assets/index-5b1e7d.css">
  </head>
  <body><div id="root"></div></body>
</html>
`
export const ASSET_PATH = '/assets/app-3f9c2a.js'

/** That build's stylesheet, which the BFF puts inside every page (server/pages/inline-style.ts). */
export const STYLESHEET = { path: '/assets/index-5b1e7d.css', text: 'body{margin:0}.card>p{color:#1d4ed8}\n' }

/** Vite's manifest of that build: the entry alone. */
export const BUILD_MANIFEST = {
  'index.html': { file: ASSET_PATH.slice(1), name: 'index', src: 'index.html' },
}

/** The SPA's server render from its source (src/entry-server.tsx), imported by the first page asked for. */
const sourceRender: Render = async (input) => (await import('../../src/entry-server')).render(input)

/** The built SPA's stand-in in `dist` (created if need be): index.html, one script and one stylesheet, the manifest and a render module. */
export function writeSpaStandIn(dist: string): string {
  mkdirSync(join(dist, 'assets'), { recursive: true })
  writeFileSync(join(dist, 'index.html'), INDEX_HTML)
  writeFileSync(join(dist, ASSET_PATH), 'console.log("portal")\n')
  writeFileSync(join(dist, STYLESHEET.path), STYLESHEET.text)
  mkdirSync(join(dist, '.vite'), { recursive: true })
  writeFileSync(join(dist, '.vite', 'manifest.json'), JSON.stringify(BUILD_MANIFEST))
  mkdirSync(join(dist, dirname(RENDER_MODULE)), { recursive: true })
  writeFileSync(join(dist, RENDER_MODULE), STAND_IN_RENDER)
  return dist
}

/**
 * The built server render's stand-in, for a portal started as a process whose pages a test does not
 * read (it checks probes, the API, signals): every page is one paragraph.
 */
const STAND_IN_RENDER = `const PAGES = ${JSON.stringify(Object.values(PAGE_ROUTES).map(({ path }) => `^${path.replace(/:\w+/g, '[^/]+')}/?$`))}
export async function render(input) {
  const path = new URL(input.request.url).pathname
  const status = PAGES.some((page) => new RegExp(page).test(path)) ? 200 : 404
  return { kind: 'page', status, html: '<p>portal</p>', state: { v: 1, lang: input.lang, sections: [], now: input.now, timeZone: input.timeZone, signIn: input.signIn, router: { loaderData: {}, actionData: null, errors: null }, queries: { mutations: [], queries: [] } } }
}
`

export interface UpstreamCall {
  /** The private-API path, e.g. /openbge/oauth2/authorize. */
  path: string
  /** The form the client posted, signature included. */
  params: URLSearchParams
  /** What the sandbox answered; undefined when the call was abandoned (timeout) or its connection dropped (reset). */
  answer: string | undefined
}

export interface RecordedResponse {
  method: string
  path: string
  status: number
  headers: Headers
  body: string
}

export interface BffOptions {
  fixtures?: FixturesInput
  faults?: FixturesInput['faults']
  latencyMs?: number
  /** Environment for loadConfig, on top of the sandbox defaults (e.g. UPSTREAM_TIMEOUT_MS). */
  env?: Record<string, string>
  /** false: no sandbox mounted or known to the BFF (like a real upstream), still answered by one. */
  sandboxMode?: boolean
  /** Stands between the BFF and the signed client, to make the upstream say things the sandbox never does. */
  wrapUpstream?: (client: UpstreamClient) => UpstreamClient
  /** The portal store; by default an in-memory SQLite one, closed with the BFF. */
  portalStore?: PortalStore
  /** The server render; by default src/entry-server.tsx itself, loaded when a page is first asked for. */
  render?: Render
}

export interface BffRequestInit extends Omit<RequestInit, 'body' | 'headers'> {
  headers?: Record<string, string>
  /** Sends the auth cookie of this fixture user (as the platform's sign-in would have set it), or this raw token. */
  as?: UserKey | { token: string }
  /** A JSON body (sets Content-Type). */
  json?: unknown
  body?: string
  /** Non-GET requests carry `X-Requested-With: fetch` unless false. */
  csrf?: boolean
  /** Non-GET requests carry Origin: PORTAL unless set; null sends none. */
  origin?: string | null
  /** The socket's peer address, as @hono/node-server hands it over; none by default, as in `app.request()`. */
  peer?: string
}

/** A log line (server/http/log.ts): `msg` and `level` always; request lines have method, route, status… */
export interface LogEntry {
  level: string
  time: string
  msg: string
  request_id?: string
  method?: string
  route?: string
  path?: string
  status?: number
  duration_ms?: number
  platform?: { path: string; outcome: string; attempts: number; duration_ms: number }[]
  [field: string]: unknown
}

export interface Bff {
  app: Hono
  config: Config
  store: SandboxStore
  portalStore: PortalStore
  /** Every line the BFF logged, as written: one JSON object each. */
  logs: string[]
  /** The same lines, parsed. */
  logEntries(): LogEntry[]
  /** The app's metrics; `metricsText()` is what its metrics listener would serve. */
  metrics: Metrics
  metricsText(): Promise<string>
  /** Starts draining, as SIGTERM does in server/index.ts: /readyz 503 from now on. */
  drain(): void
  /** Where the built-SPA stand-in is. */
  distDir: string
  /** Every call the BFF made to the private API, in order. */
  upstreamCalls: UpstreamCall[]
  /** Every response the BFF gave, bodies read. */
  responses: RecordedResponse[]
  request(path: string, init?: BffRequestInit): Promise<Response>
  /** Signs in through the sandbox sign-in (POST /api/session); returns the Cookie header it set. */
  signIn(as: UserKey): Promise<string>
  /**
   * What the consent page holds for this user and request: the ticket the application call hands
   * out, and the `language` a page in it (zh-CN by default) sends with its decision.
   */
  consent(as: UserKey | { token: string }, params: { client_id: string; redirect_uri: string; scope?: string }, language?: Language): Promise<{ ticket: string; language: Language }>
  callsTo(path: string): UpstreamCall[]
  /**
   * Spoils a later call while the BFF runs, after the faults it started with (a fixtures fault,
   * e.g. `{ path: '/openbge/oauth2/revoke_grant', kind: 'reset', when: 'after' }`).
   */
  addFault(fault: FaultInput): void
  close(): Promise<void>
}

/** A fetch that answers from a Hono app in-process and, like fetch, rejects when its signal aborts. */
function inProcessFetch(app: Hono, record: (call: UpstreamCall) => void): typeof fetch {
  return async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input))
    const signal = init?.signal ?? undefined
    const call: UpstreamCall = {
      path: url.pathname.slice(SANDBOX_API_PREFIX.length),
      params: new URLSearchParams(typeof init?.body === 'string' ? init.body : ''),
      answer: undefined,
    }
    record(call)
    signal?.throwIfAborted()
    // The BFF mounts the sandbox at /sandbox; the sandbox app itself starts at /private-api.
    const sandboxUrl = new URL(url.pathname.replace(/^\/sandbox/, '') + url.search, url.origin)
    const answered = Promise.resolve(app.request(sandboxUrl.href, init)).then(
      async (response) => {
        call.answer = await response.clone().text()
        return response
      },
      (error: unknown) => {
        // What undici's fetch rejects with when the other side closes the connection unanswered.
        if (error instanceof ConnectionDropped) {
          throw new TypeError('fetch failed', { cause: Object.assign(new Error('other side closed'), { name: 'SocketError', code: 'UND_ERR_SOCKET' }) })
        }
        throw error
      },
    )
    if (!signal) return answered
    return new Promise<Response>((resolve, reject) => {
      const abort = () => reject(signal.reason instanceof Error ? signal.reason : new DOMException('aborted', 'AbortError'))
      signal.addEventListener('abort', abort, { once: true })
      answered.then(resolve, reject).finally(() => signal.removeEventListener('abort', abort))
    })
  }
}

export function createBff(options: BffOptions = {}): Bff {
  const fixtures = parseFixtures({
    ...(options.fixtures ?? testWorld()),
    ...(options.faults && { faults: options.faults }),
    ...(options.latencyMs !== undefined && { latency_ms: options.latencyMs }),
  })
  const sandboxMode = options.sandboxMode ?? true

  let config = loadConfig({ SANDBOX_DB: ':memory:', ...options.env })
  // As server/index.ts does once it knows its own address.
  config = { ...config, upstreamUrl: `${PORTAL}${SANDBOX_API_PREFIX}` }

  const store = openStore(':memory:')
  store.replaceWith(fixtures)
  const sandboxApp = createSandbox({
    store,
    appKey: config.appKey,
    appSecret: config.appSecret,
    latencyMs: fixtures.latency_ms,
    faults: fixtures.faults,
    timeZone: config.upstreamTimeZone,
  })

  const upstreamCalls: UpstreamCall[] = []
  const signed = createUpstreamClient({
    ...upstreamOptionsFrom(config),
    // Retries keep their count; only the pause between them is shortened.
    backoffMs: 2,
    fetch: inProcessFetch(sandboxApp, (call) => upstreamCalls.push(call)),
  })
  const upstream = options.wrapUpstream ? options.wrapUpstream(signed) : signed

  const distDir = writeSpaStandIn(mkdtempSync(join(tmpdir(), 'bge-bff-')))

  const portalStore = options.portalStore ?? openPortalStore({ engine: 'sqlite', path: ':memory:' }, { receipts: testReceiptKeys })
  const logs: string[] = []
  const metrics = createMetrics()
  let draining = false
  const app = createApp({
    config,
    store: portalStore,
    upstream,
    ...(sandboxMode && { sandbox: { app: sandboxApp, store } }),
    distDir,
    render: options.render ?? sourceRender,
    logger: createLogger('info', { write: (line: string) => void logs.push(line.replace(/\n$/, '')) }),
    metrics,
    draining: () => draining,
  })

  const responses: RecordedResponse[] = []

  async function request(path: string, init: BffRequestInit = {}): Promise<Response> {
    const { as, json, csrf = true, origin, peer, headers: extra, ...rest } = init
    const method = (init.method ?? 'GET').toUpperCase()
    const headers: Record<string, string> = { Host: new URL(PORTAL).host }
    if (method !== 'GET' && method !== 'HEAD') {
      if (csrf) headers['X-Requested-With'] = 'fetch'
      if (origin !== null) headers.Origin = origin ?? PORTAL
    }
    if (json !== undefined) headers['Content-Type'] = 'application/json'
    if (as) {
      const token = typeof as === 'string' ? USERS[as].auth_token : as.token
      headers.Cookie = `${config.authCookie}=${token}`
    }
    Object.assign(headers, extra)
    const response = await app.request(new URL(path, PORTAL).href, {
      ...rest,
      method,
      headers,
      body: json !== undefined ? JSON.stringify(json) : init.body,
    }, peer === undefined ? undefined : { incoming: { socket: { remoteAddress: peer } } })
    responses.push({ method, path, status: response.status, headers: response.headers, body: await response.clone().text() })
    return response
  }

  return {
    app,
    config,
    store,
    portalStore,
    logs,
    logEntries: () => logs.map((line) => JSON.parse(line) as LogEntry),
    metrics,
    metricsText: () => metrics.registry.metrics(),
    drain: () => void (draining = true),
    distDir,
    upstreamCalls,
    responses,
    request,
    async signIn(as) {
      const response = await request('/api/session', { method: 'POST', json: { user_id: USERS[as].id } })
      const cookie = response.headers.get('Set-Cookie')?.split(';')[0]
      if (response.status !== 200 || !cookie) throw new Error(`sign-in failed: ${response.status} ${await response.text()}`)
      return cookie
    },
    async consent(as, params, language = 'zh-CN') {
      const query = new URLSearchParams({ client_id: params.client_id, redirect_uri: params.redirect_uri, response_type: 'code' })
      if (params.scope !== undefined) query.set('scope', params.scope)
      const response = await request(`/api/oauth2/application?${query}`, { as })
      const body = z.parse(applicationResponseSchema, await response.json())
      if (response.status !== 200 || !body.ticket) throw new Error(`no ticket: ${response.status} ${JSON.stringify(body)}`)
      return { ticket: body.ticket, language }
    },
    callsTo: (path) => upstreamCalls.filter((call) => call.path === path),
    addFault: (fault) => sandboxApp.addFault(fault),
    async close() {
      store.close()
      rmSync(distDir, { recursive: true, force: true })
      if (!options.portalStore) await portalStore.close()
    },
  }
}

/** createBff, closed when the current test finishes. */
export function useBff(options: BffOptions = {}): Bff {
  const bff = createBff(options)
  onTestFinished(() => bff.close())
  return bff
}
