import { randomUUID } from 'node:crypto'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { formatTimestamp, signParams } from '../upstream/signature'
import { createSandbox, type SandboxOptions } from './app'
import { demoFixtures, parseFixtures, SANDBOX_CALL_PATHS, type Fault, type Fixtures, type FixturesInput } from './fixtures'
import { openStore } from './store'

const KEY = 'sandbox'
const SECRET = 'sandbox-secret'
const NOW = new Date('2026-11-22T08:00:00.000Z')
const CALLBACK = 'http://localhost:3000/sandbox/callback'
const SEED_APP = 'ex8FoZjiSmjAlbg0XiqGmaTSIT3SGxoJYnslDGqB'
const repoRoot = resolve(import.meta.dirname, '../..')

interface Envelope {
  code: number
  msg: string
  data?: unknown
}

interface CallOptions {
  appKey?: string
  secret?: string
  timestamp?: string
  omit?: string[]
  signal?: AbortSignal
}

function setup(options: Partial<SandboxOptions> & { fixtures?: Fixtures } = {}) {
  const store = openStore(':memory:')
  store.replaceWith(options.fixtures ?? demoFixtures)
  let now = NOW
  const sandbox = createSandbox({ store, appKey: KEY, appSecret: SECRET, now: () => now, timeZone: 'UTC', ...options })
  const tokens = {
    demo: store.authTokenOf('u-demo') ?? '',
    second: store.authTokenOf('u-second') ?? '',
  }

  function request(path: string, params: Record<string, string>, o: CallOptions = {}): Promise<Response> {
    const all: Record<string, string> = {
      ...params,
      app_key: o.appKey ?? KEY,
      signature_nonce: randomUUID().replaceAll('-', ''),
      timestamp: o.timestamp ?? formatTimestamp(now),
    }
    all.sign = signParams(all, o.secret ?? SECRET)
    for (const name of o.omit ?? []) delete all[name]
    return Promise.resolve(
      sandbox.request(`http://sandbox.test/private-api${path}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(all).toString(),
        signal: o.signal ?? null,
      }),
    )
  }

  async function call(path: string, params: Record<string, string>, o: CallOptions = {}): Promise<Envelope> {
    const response = await request(path, params, o)
    expect(response.status).toBe(200)
    return (await response.json()) as Envelope
  }

  return {
    store,
    sandbox,
    tokens,
    request,
    call,
    setNow: (date: Date) => {
      now = date
    },
  }
}

const P = SANDBOX_CALL_PATHS

describe('credentials', () => {
  const params = { client_id: 'demo-app', redirect_uri: CALLBACK }

  it('answers a correctly signed call', async () => {
    const { call } = setup()
    expect((await call(P.application, params)).code).toBe(0)
  })

  it.each([
    ['a wrong sign', { secret: 'not-the-secret' }],
    ['an unknown app_key', { appKey: 'someone-else' }],
    ['a timestamp 301 s old', { timestamp: formatTimestamp(new Date(NOW.getTime() - 301_000)) }],
    ['a timestamp 301 s ahead', { timestamp: formatTimestamp(new Date(NOW.getTime() + 301_000)) }],
    ['a timestamp in another format', { timestamp: NOW.toISOString() }],
    ['an impossible date', { timestamp: '2026-02-30T08:00:00Z' }],
    ['no sign', { omit: ['sign'] }],
    ['no app_key', { omit: ['app_key'] }],
    ['no timestamp', { omit: ['timestamp'] }],
    ['no signature_nonce', { omit: ['signature_nonce'] }],
  ] satisfies [string, CallOptions][])('refuses %s with 40012', async (_name, options) => {
    const { call } = setup()
    const answer = await call(P.application, params, options)
    expect(answer.code).toBe(40012)
    expect(answer.msg).not.toBe('')
  })

  it('accepts a clock difference within 300 s', async () => {
    const { call } = setup()
    expect((await call(P.application, params, { timestamp: formatTimestamp(new Date(NOW.getTime() - 299_000)) })).code).toBe(0)
    expect((await call(P.application, params, { timestamp: formatTimestamp(new Date(NOW.getTime() + 299_000)) })).code).toBe(0)
  })

  it('refuses a parameter changed after signing', async () => {
    const { sandbox } = setup()
    const all: Record<string, string> = { ...params, app_key: KEY, signature_nonce: 'n', timestamp: formatTimestamp(NOW) }
    all.sign = signParams(all, SECRET)
    all.redirect_uri = 'https://evil.example/cb'
    const response = await sandbox.request('/private-api/openbge/oauth2/application', { method: 'POST', body: new URLSearchParams(all) })
    expect(((await response.json()) as Envelope).code).toBe(40012)
  })

  it('answers other methods with 40014 and unknown calls with 404', async () => {
    const { sandbox } = setup()
    const get = await sandbox.request('/private-api/openbge/oauth2/application?client_id=demo-app')
    expect(get.status).toBe(200)
    expect(((await get.json()) as Envelope).code).toBe(40014)
    expect((await sandbox.request('/private-api/openbge/nothing', { method: 'POST' })).status).toBe(404)
  })
})

describe('application', () => {
  it('answers the app of seed 000 exactly as the seed shows it', async () => {
    const { call } = setup()
    const seed = readFileSync(resolve(repoRoot, 'test/fixtures/reference/seeds/000_904f7da2f5688db0.txt'), 'utf8')
    const expected: unknown = JSON.parse(seed.split('```json')[1]?.split('```')[0] ?? '')
    const answer = await call(P.application, { client_id: SEED_APP, redirect_uri: 'http://test.cn' })
    expect(answer).toEqual({ code: 0, msg: expect.any(String), data: expected })
  })

  it('describes a mini program as a public client with its wxmp_app_id', async () => {
    const { call } = setup()
    const answer = await call(P.application, { client_id: 'demo-wxmp', redirect_uri: 'pages/index/index' })
    expect(answer.data).toMatchObject({ client_type: 'public', wxmp_app_id: 'wx8a3f5c2e91d04b67', redirect_uri: 'pages/index/index' })
  })

  it.each([
    ['a missing redirect_uri', { client_id: 'demo-app' }, 40001],
    ['an empty client_id', { client_id: '', redirect_uri: CALLBACK }, 40001],
    ['an unknown client', { client_id: 'nobody', redirect_uri: CALLBACK }, 40002],
    ['a blocked app', { client_id: 'blocked-app', redirect_uri: CALLBACK }, 40015],
    ['another redirect', { client_id: 'demo-app', redirect_uri: 'https://evil.example/cb' }, 40006],
    ['a redirect differing by a slash', { client_id: 'demo-app', redirect_uri: `${CALLBACK}/` }, 40006],
    ['a redirect differing by case', { client_id: 'demo-app', redirect_uri: CALLBACK.toUpperCase() }, 40006],
  ])('refuses %s', async (_name, params, code) => {
    const { call } = setup()
    const answer = await call(P.application, params)
    expect(answer.code).toBe(code)
    expect(answer.data).toBeUndefined()
  })

  it('refuses an app with no registered redirect with 40003', async () => {
    const fixtures = parseFixtures({
      users: [],
      applications: [{ client_id: 'bare', name: 'Bare', redirect_uris: [], scopes: [] }],
    })
    const { call } = setup({ fixtures })
    expect((await call(P.application, { client_id: 'bare', redirect_uri: CALLBACK })).code).toBe(40003)
  })

  it('says what was wrong in the platform’s language', async () => {
    const { call } = setup()
    expect((await call(P.application, { client_id: 'nobody', redirect_uri: CALLBACK })).msg).toBe('非法client_id')
  })
})

describe('authorize', () => {
  const ref = { biosample_id: 'E-F19955300137', type: 'Lowpass' }

  it('issues a code and records the grant', async () => {
    const { call, store, tokens } = setup()
    const answer = await call(P.authorize, { client_id: 'demo-app', redirect_uri: CALLBACK, auth_token: tokens.demo, biosample_ids: JSON.stringify([ref]) })
    expect(answer.code).toBe(0)
    const data = answer.data as { code: string; redirect_uri: string; wxmp_app_id: string }
    expect(data).toEqual({ code: expect.stringMatching(/^[A-Za-z0-9]{30}$/), redirect_uri: CALLBACK, wxmp_app_id: '' })
    expect(store.findCode(data.code, NOW)).toMatchObject({ client_id: 'demo-app', user_id: 'u-demo', biosample_ids: [ref] })
    expect(store.findCode(data.code, new Date(NOW.getTime() + 10 * 60_000))).toBeUndefined()
    expect(store.grantsOf('u-demo', 'demo-app')).toEqual([
      expect.objectContaining({ grant_time: '2026-11-22 08:00:00', biosample_ids: [ref], name: 'Gene Insight' }),
    ])
  })

  it('mints a different code every time', async () => {
    const { call, tokens } = setup()
    const params = { client_id: 'demo-app', redirect_uri: CALLBACK, auth_token: tokens.demo }
    const a = (await call(P.authorize, params)).data as { code: string }
    const b = (await call(P.authorize, params)).data as { code: string }
    expect(a.code).not.toBe(b.code)
  })

  it('returns a mini program’s page path and wxmp_app_id', async () => {
    const { call, tokens } = setup()
    const answer = await call(P.authorize, { client_id: 'demo-wxmp', redirect_uri: 'pages/index/index', auth_token: tokens.demo })
    expect(answer.data).toMatchObject({ redirect_uri: 'pages/index/index', wxmp_app_id: 'wx8a3f5c2e91d04b67' })
  })

  it('replaces the samples and time when the app is authorized again', async () => {
    const { call, store, tokens, setNow } = setup()
    const other = { biosample_id: 'E-B13624792132', type: 'Full' }
    const params = { client_id: 'demo-app', redirect_uri: CALLBACK, auth_token: tokens.demo }
    await call(P.authorize, { ...params, biosample_ids: JSON.stringify([ref]) })
    setNow(new Date('2026-11-23T09:30:15.000Z'))
    await call(P.authorize, { ...params, biosample_ids: JSON.stringify([other]) })
    expect(store.grantsOf('u-demo')).toEqual([
      expect.objectContaining({ client_id: 'demo-app', grant_time: '2026-11-23 09:30:15', biosample_ids: [other] }),
    ])
  })

  it('writes the grant time on the wall clock of the platform’s zone', async () => {
    const { call, store, tokens } = setup({ timeZone: 'Asia/Shanghai' })
    await call(P.authorize, { client_id: 'demo-app', redirect_uri: CALLBACK, auth_token: tokens.demo })
    expect(store.grantsOf('u-demo', 'demo-app')[0]?.grant_time).toBe('2026-11-22 16:00:00')
  })

  it.each([
    ['an unknown auth_token', { auth_token: 'nobody' }, 40008],
    ['a missing auth_token', { auth_token: '' }, 40001],
    ['biosample_ids that are not JSON', { biosample_ids: '[{' }, 40001],
    ['biosample_ids of the wrong shape', { biosample_ids: JSON.stringify({ biosample_id: 'E-F19955300137' }) }, 40001],
    ['another user’s sample', { biosample_ids: JSON.stringify([{ biosample_id: 'E-F18822019451', type: 'Lowpass' }]) }, 40001],
    ['a sample with the wrong type', { biosample_ids: JSON.stringify([{ biosample_id: 'E-F19955300137', type: 'Full' }]) }, 40001],
    ['an unknown client', { client_id: 'nobody' }, 40002],
    ['a blocked app', { client_id: 'blocked-app' }, 40015],
    ['a mismatched redirect', { redirect_uri: 'https://evil.example/cb' }, 40006],
  ])('refuses %s', async (_name, change, code) => {
    const { call, store, tokens } = setup()
    const answer = await call(P.authorize, { client_id: 'demo-app', redirect_uri: CALLBACK, auth_token: tokens.demo, ...change })
    expect(answer.code).toBe(code)
    expect(store.grantsOf('u-demo')).toEqual([])
  })
})

describe('grants and revoke', () => {
  it('lists the pre-seeded grant and answers one object for one client', async () => {
    const { call, tokens } = setup()
    const expected = {
      application: { client_id: 'demo-app', name: 'Gene Insight', logo: '' },
      grant_time: '2024-05-12 09:30:00',
      biosample_ids: [
        { biosample_id: 'E-F18822019451', type: 'Lowpass' },
        { biosample_id: 'E-S19011730268', type: '16S' },
      ],
    }
    expect((await call(P.grants, { auth_token: tokens.second })).data).toEqual([expected])
    expect((await call(P.grants, { auth_token: tokens.second, client_id: 'demo-app' })).data).toEqual(expected)
  })

  it('answers [] when there is none, with or without client_id', async () => {
    const { call, tokens } = setup()
    expect((await call(P.grants, { auth_token: tokens.demo })).data).toEqual([])
    expect((await call(P.grants, { auth_token: tokens.demo, client_id: 'demo-app' })).data).toEqual([])
  })

  it('lists the newest grant first', async () => {
    const { call, tokens, setNow } = setup()
    await call(P.authorize, { client_id: 'demo-app', redirect_uri: CALLBACK, auth_token: tokens.demo })
    setNow(new Date(NOW.getTime() + 60_000))
    await call(P.authorize, { client_id: SEED_APP, redirect_uri: 'http://test.cn', auth_token: tokens.demo })
    const data = (await call(P.grants, { auth_token: tokens.demo })).data as { application: { client_id: string } }[]
    expect(data.map((g) => g.application.client_id)).toEqual([SEED_APP, 'demo-app'])
  })

  it('revokes, and revoking again is not an error', async () => {
    const { call, tokens } = setup()
    const first = await call(P.revokeGrant, { auth_token: tokens.second, client_id: 'demo-app' })
    expect(first.code).toBe(0)
    expect(first.data === '' || first.data === null).toBe(true)
    expect((await call(P.grants, { auth_token: tokens.second })).data).toEqual([])
    expect((await call(P.revokeGrant, { auth_token: tokens.second, client_id: 'demo-app' })).code).toBe(0)
  })

  it('only revokes the caller’s own grant', async () => {
    const { call, tokens } = setup()
    await call(P.revokeGrant, { auth_token: tokens.demo, client_id: 'demo-app' })
    expect((await call(P.grants, { auth_token: tokens.second })).data).toHaveLength(1)
  })

  it.each([
    [P.grants, { auth_token: 'nobody' }, 40008],
    [P.grants, {}, 40001],
    [P.revokeGrant, { auth_token: 'nobody', client_id: 'demo-app' }, 40008],
    [P.revokeGrant, { auth_token: 'x' }, 40001],
  ])('%s refuses %j with %i', async (path, params, code) => {
    const { call } = setup()
    expect((await call(path, params)).code).toBe(code)
  })
})

describe('user and samples', () => {
  it('names the user behind a token', async () => {
    const { call, tokens } = setup()
    expect((await call(P.user, { auth_token: tokens.demo })).data).toEqual({ id: 'u-demo', name: 'Li Wei' })
    expect((await call(P.user, { auth_token: 'nobody' })).code).toBe(40008)
  })

  it('lists the user’s biosamples with their fields', async () => {
    const { call, tokens } = setup()
    const data = (await call(P.samples, { auth_token: tokens.demo })).data as Record<string, unknown>[]
    expect(data).toHaveLength(demoFixtures.users[0]?.biosamples.length ?? -1)
    expect(data[0]).toEqual({
      biosample_id: 'E-F19955300137',
      type: 'Lowpass',
      status: 1,
      sample_time: '2021-03-19T07:00:41Z',
      create_time: '2021-03-19T07:00:41Z',
      project_name: 'Healthy Gut',
    })
    expect((await call(P.samples, { auth_token: 'nobody' })).code).toBe(40008)
  })

  it('helps the BFF sign in as a sandbox user', () => {
    const { store, tokens } = setup()
    expect(store.users()).toEqual([
      { id: 'u-demo', name: 'Li Wei' },
      { id: 'u-second', name: 'Zhang Min' },
    ])
    expect(store.authTokenOf('u-demo')).toBe(tokens.demo)
    expect(store.authTokenOf('nobody')).toBeUndefined()
  })
})

describe('faults and latency', () => {
  const grantsParams = (tokens: { demo: string }) => ({ auth_token: tokens.demo })

  function fault(kind: Fault['kind'], extra: Partial<Fault> = {}): Fault {
    return { path: P.grants, kind, times: 1, when: 'before', ...extra }
  }

  it('answers HTTP 500 for http_500, the given times, then normally', async () => {
    const { request, tokens } = setup({ faults: [fault('http_500', { times: 2 })] })
    expect((await request(P.grants, grantsParams(tokens))).status).toBe(500)
    expect((await request(P.grants, grantsParams(tokens))).status).toBe(500)
    const third = await request(P.grants, grantsParams(tokens))
    expect(third.status).toBe(200)
    expect(((await third.json()) as Envelope).code).toBe(0)
  })

  it('only spoils calls to the fault’s path', async () => {
    const { call, tokens } = setup({ faults: [fault('http_500')] })
    expect((await call(P.user, { auth_token: tokens.demo })).code).toBe(0)
  })

  it('answers a non-JSON body for malformed_json', async () => {
    const { request, tokens } = setup({ faults: [fault('malformed_json')] })
    const response = await request(P.grants, grantsParams(tokens))
    expect(response.status).toBe(200)
    const text = await response.text()
    expect(() => JSON.parse(text) as unknown).toThrow()
  })

  it('answers the given code for error_code', async () => {
    const { call, tokens } = setup({ faults: [fault('error_code', { code: 40015 })] })
    expect(await call(P.grants, grantsParams(tokens))).toEqual({ code: 40015, msg: expect.any(String) })
    expect((await call(P.grants, grantsParams(tokens))).code).toBe(0)
  })

  it('does not answer for timeout until the client gives up', async () => {
    const { request, tokens } = setup({ faults: [fault('timeout')] })
    const started = performance.now()
    const controller = new AbortController()
    setTimeout(() => controller.abort(), 60)
    const response = await request(P.grants, grantsParams(tokens), { signal: controller.signal })
    expect(performance.now() - started).toBeGreaterThanOrEqual(50)
    expect(response.status).not.toBe(200)
    expect((await request(P.grants, grantsParams(tokens))).status).toBe(200)
  })

  it('counts faults per sandbox instance', async () => {
    const faults = [fault('http_500')]
    const a = setup({ faults })
    const b = setup({ faults })
    expect((await a.request(P.grants, grantsParams(a.tokens))).status).toBe(500)
    expect((await b.request(P.grants, grantsParams(b.tokens))).status).toBe(500)
  })

  it('delays every answer by latencyMs', async () => {
    const { call, tokens } = setup({ latencyMs: 80 })
    const started = performance.now()
    expect((await call(P.user, { auth_token: tokens.demo })).code).toBe(0)
    expect(performance.now() - started).toBeGreaterThanOrEqual(75)
  })
})

describe('callback page', () => {
  /** axe-core in a jsdom window; jsdom ships no types, so the little used here is typed by hand. */
  interface AxeResults {
    violations: { id: string; help: string; nodes: unknown[] }[]
    passes: unknown[]
  }
  interface AxeWindow {
    eval(source: string): void
    document: Document
    axe: { run(context: unknown, options: unknown): Promise<AxeResults> }
    close(): void
  }
  const require = createRequire(import.meta.url)
  const { JSDOM, VirtualConsole } = require('jsdom') as {
    JSDOM: new (html: string, options: object) => { window: AxeWindow }
    VirtualConsole: new () => object
  }
  const axeSource = (require('axe-core') as { source: string }).source

  async function page(query: string) {
    const { sandbox } = setup()
    const response = await sandbox.request(`/callback${query}`)
    return { response, html: await response.text() }
  }

  /** The page as a browser reads it. */
  function parse(html: string) {
    const { window } = new JSDOM(html, { virtualConsole: new VirtualConsole() })
    return window.document
  }

  it('shows the code and the state, escaped', async () => {
    const state = '<script>alert("x")</script> & \'quoted\''
    const { response, html } = await page(`?code=AbC123&state=${encodeURIComponent(state)}`)
    expect(response.status).toBe(200)
    expect(response.headers.get('Content-Type')).toMatch(/^text\/html/)
    expect(response.headers.get('Cache-Control')).toBe('no-store')
    expect(html).toContain('AbC123')
    expect(html).not.toContain('<script')
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quoted&#39;')
  })

  it('renders script and markup in state, error and parameter names as text', async () => {
    const hostile = '<script>alert(1)</script><img src=x onerror=alert(2)>'
    const query = new URLSearchParams({ error: hostile, state: hostile, [hostile]: 'v' })
    const { html } = await page(`?${query}`)
    const document = parse(html)
    expect(document.querySelectorAll('script, img, [onerror]')).toHaveLength(0)
    const codes = [...document.querySelectorAll('main code')].map((node) => node.textContent)
    // Result, state, the `error` and `state` parameters and their values, then the full query.
    expect(codes.filter((text) => text === hostile)).toHaveLength(4)
    expect([...document.querySelectorAll('dt')].map((node) => node.textContent)).toEqual(['error', 'state', hostile])
    expect(codes.at(-1)).toBe(`?${query}`)
  })

  it('shows an error and leads back to the grants', async () => {
    const { html } = await page('?error=access_denied&state=s1')
    expect(html).toContain('access_denied')
    expect(html).toContain('href="/grants"')
  })

  it('uses no inline style or script, which the CSP would block', async () => {
    const { html } = await page('?code=abc&state=s')
    expect(html).not.toMatch(/<style|style=|<script|\son[a-z]+=/i)
  })

  it.each(['?code=abc&state=demo%20state%20123', '?error=access_denied', ''])('passes axe-core (%s)', async (query) => {
    const { html } = await page(query)
    // A console of its own: jsdom's "canvas not implemented" notes (axe probes for it) are noise here.
    const { window } = new JSDOM(html, { runScripts: 'outside-only', virtualConsole: new VirtualConsole() })
    try {
      window.eval(axeSource)
      const results = await window.axe.run(window.document, {
        runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
      })
      expect(results.passes.length).toBeGreaterThan(0)
      expect(results.violations.map((v) => `${v.id}: ${v.help}`)).toEqual([])
    } finally {
      window.close()
    }
  })
})

describe('store', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bge-store-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('creates the parent folder of a file database and keeps its state', () => {
    const file = join(dir, 'nested', 'sandbox.sqlite')
    const store = openStore(file)
    expect(store.isEmpty()).toBe(true)
    store.replaceWith(demoFixtures)
    store.close()
    expect(existsSync(file)).toBe(true)
    const again = openStore(file)
    expect(again.isEmpty()).toBe(false)
    expect(again.allGrants()).toEqual(demoFixtures.grants)
    again.close()
  })

  it('drops kept grants whose user or application is gone', () => {
    const store = openStore(':memory:')
    const input: FixturesInput = {
      users: [{ id: 'u-1', name: 'One', auth_token: 't-1' }],
      applications: [{ client_id: 'app', name: 'App', redirect_uris: ['https://a.example/cb'] }],
    }
    const grant = { user_id: 'u-1', client_id: 'app', grant_time: '2024-01-01 00:00:00', biosample_ids: [] }
    store.replaceWith({ ...parseFixtures(input), grants: [grant, { ...grant, client_id: 'gone' }, { ...grant, user_id: 'gone' }] })
    expect(store.allGrants()).toEqual([grant])
    store.close()
  })
})
