// Hostile input, the BFF's half (the browser half, with dialogs, console and CSP reports watched,
// is test/e2e/hostile.e2e.ts). Fed through sandbox fixtures (what the platform says) and through query
// parameters and bodies (what a page or an attacker sends).
//
// | input                                                                 | expected outcome (BFF)                                                                  |
// | --------------------------------------------------------------------- | --------------------------------------------------------------------------------------- |
// | script/HTML in app name, description, scope title/message, user name,  | JSON answers carry the text byte for byte as data (application/json, nosniff); the SPA |
// |   biosample id/type/project                                            |   renders it as text (test/e2e/hostile.e2e.ts)                                        |
// | logo `javascript:`, `data:`, `vbscript:`, `//evil`, `http:`            | passed through as data (the preview checklist reports it); CSP img-src is self + https: |
// |                                                                       |   only, and the SPA shows a monogram for anything but https (hostile.e2e.ts)           |
// | redirect_uri `javascript:` in any case, with whitespace/control chars  | 400 forbidden_redirect_scheme before the platform is asked; no ticket, no code          |
// | look-alike host, userinfo, `/../`, `%2e%2e`, case, trailing slash,     | 422 redirect_uri_mismatch (the platform's exact-string check, 40006) and the BFF's own |
// |   fragment, surrounding whitespace                                     |   exact comparison; no ticket; a ticket for the real URI used with a variant: 403      |
// | `state` with CRLF, `&code=`, `#`, NUL, 8 KiB                           | back byte for byte, percent-encoded, exactly one `code` in the redirect                 |
// | `state` over 8 KiB (64 KiB)                                            | 400 invalid_request naming `state`, before the platform mints a code                    |
// | `__proto__` / `constructor` keys in query and JSON                     | server/request-limits.test.ts: ignored in queries, 400 in bodies, nothing polluted     |
// | another user's biosample id                                            | 400 invalid_request (upstream 40001): refused by the platform, which owns the samples;  |
// |                                                                       |   the BFF does not pre-check (a second upstream read inside the deadline for no gain)  |
// | the same biosample id twice / an empty id                              | 400 invalid_request naming biosample_ids, platform not asked                            |
// | 1,001 biosample ids / 10,000 of them                                   | 400 invalid_request (contract caps at 1,000) / 413 payload_too_large (256 KiB body)    |
// | sign-in `next` leaving the origin (`//evil`, `/\evil`, `https:`, ...)  | the BFF never fills `{next}`: 401s carry LOGIN_URL's template unchanged whatever the    |
// |                                                                       |   request says; /signin?next=… serves the SPA reflecting nothing (SPA: hostile.e2e.ts)  |
// | any of the above in a consent page's query                             | index.html reflects nothing of the query                                                |
// | NUL, C0/C1 controls, ANSI escapes (ESC, CSI) and bidi controls in app  | C0/C1 controls (TAB, LF aside) cleaned where the upstream client parses answers        |
// |   name, logo, description, scope title/message, user name, project     |   (server/upstream/schemas.ts); bidi controls kept, rendered isolated by the SPA.      |
// |   names — on SQLite and on PostgreSQL (which refuses NUL in text)      |   Application, authorize, deny, grants, revoke and records all answer without a 5xx, |
// |                                                                       |   records are stored and read back without a control character, revoke works on both |
// | a control character in an id the platform is sent back (client_id,   | the answer is malformed (502), never cleaned into an id naming something else          |
// |   biosample_id or type, scope, user id)                               |   (server/upstream/schemas.test.ts)                                                    |
import { afterAll, describe, expect, test } from 'vitest'
import { ALICE, testWorld, useBff, type Bff } from '../test/support/bff'
import { useTestDatabase } from '../test/support/database'
import { MAX_STATE_LENGTH } from '../src/contract/api'
import type { FixturesInput } from './sandbox/fixtures'
import { openPortalStore, type PortalStore } from './store/portal-store'
import { testReceiptKeys } from '../test/support/receipt-keys'

const AUTHORIZE_PATH = '/openbge/oauth2/authorize'
const SCRIPT = '<script>alert("xss")</script>'
const IMG = '<img src=x onerror=alert(1)>'
const HOSTILE_TEXT = `${SCRIPT}${IMG}"'&amp;\u2028</title>`
const GOOD = { client_id: 'good-app', redirect_uri: 'https://good.example/cb', scope: 'profile.default sample.default:read' }

/** The test world plus an app, user texts and scopes written by an attacker. */
function hostileWorld(): FixturesInput {
  const world = testWorld()
  return {
    ...world,
    scopes: [
      { scope: 'profile.default', title: `Profile ${SCRIPT}`, message: `Reads ${IMG}` },
      { scope: 'sample.default:read', title: HOSTILE_TEXT, message: HOSTILE_TEXT },
    ],
    users: world.users.map((user) =>
      user.id === 'u-alice'
        ? {
            ...user,
            name: `Alice ${SCRIPT}`,
            biosamples: [
              { biosample_id: 'E-A0001', type: 'Lowpass', status: 1, sample_time: '', project_name: '' },
              { biosample_id: `E-${IMG}`, type: SCRIPT, status: 1, sample_time: '', project_name: HOSTILE_TEXT },
            ],
          }
        : user,
    ),
    applications: [
      ...world.applications.map((app) => ({ ...app, scopes: app.scopes?.filter((s) => s === 'profile.default' || s === 'sample.default:read') })),
      {
        client_id: GOOD.client_id,
        name: `Good ${SCRIPT}`,
        logo: 'javascript:alert(1)',
        description: HOSTILE_TEXT,
        redirect_uris: [GOOD.redirect_uri],
        scopes: ['profile.default', 'sample.default:read'],
      },
      ...['data:image/svg+xml,<svg onload=alert(1)>', 'VBScript:msgbox(1)', '//evil.example/logo.png', 'http://evil.example/logo.png'].map((logo, i) => ({
        client_id: `logo-app-${i}`,
        name: 'Logo',
        logo,
        redirect_uris: ['https://good.example/cb'],
      })),
    ],
  }
}

function applicationUrl(params: Record<string, string>): string {
  return `/api/oauth2/application?${new URLSearchParams(params)}`
}

async function authorize(bff: Bff, extra: Record<string, unknown>) {
  const { ticket, language } = await bff.consent('alice', GOOD)
  return bff.request('/api/oauth2/authorize', {
    method: 'POST',
    as: 'alice',
    json: { ticket, language, ...GOOD, state: 'xyz', separate_consent: true, biosample_ids: [{ biosample_id: 'E-A0001', type: 'Lowpass' }], ...extra },
  })
}

describe('the separate consent for genetic data quotes upstream texts as data', () => {
  // Placeholders, replacement patterns and ICU quotes in what the platform says must come out as
  // they went in: the words are filled by the BFF's own formatter and by the page's catalogue.
  const TRICKY = `{name} {description} $& $' '{' ${HOSTILE_TEXT}`

  test('description, name and scope texts stand in the recorded words byte for byte', async () => {
    const world = hostileWorld()
    const bff = useBff({
      fixtures: {
        ...world,
        scopes: [...(world.scopes ?? []), { scope: 'variant.rsid', title: `Variants ${TRICKY}`, message: TRICKY }],
        applications: (world.applications ?? []).map((app) => (app.client_id === GOOD.client_id ? { ...app, description: TRICKY, scopes: [...(app.scopes ?? []), 'variant.rsid'] } : app)),
      },
    })
    const { ticket } = await bff.consent('alice', GOOD, 'zh-CN')
    const response = await bff.request('/api/oauth2/authorize', {
      method: 'POST',
      as: 'alice',
      json: { ticket, language: 'zh-CN', ...GOOD, state: 'xyz', separate_consent: true, biosample_ids: [{ biosample_id: 'E-A0001', type: 'Lowpass' }] },
    })
    expect(response.status).toBe(200)
    const [record] = (await (await bff.request('/api/records', { as: 'alice' })).json()).records
    expect(record.separate_consent.words).toEqual([
      `我同意 Good ${SCRIPT} 读取我的基因数据`,
      `用途（以下是 Good ${SCRIPT} 自己的说明）：“${TRICKY}”`,
      `可读取的内容：Variants ${TRICKY}（${TRICKY}）`,
      expect.stringMatching(/^意味着什么：/),
      expect.stringMatching(/^如何保护：Good <script>/),
      expect.stringMatching(/^如何撤回：/),
    ])
  })
})

describe('upstream texts are data', () => {
  test('app name, description and scope texts come back byte for byte, as JSON', async () => {
    const bff = useBff({ fixtures: hostileWorld() })
    const response = await bff.request(applicationUrl(GOOD), { as: 'alice' })
    expect(response.status).toBe(200)
    expect(response.headers.get('Content-Type')).toMatch(/^application\/json/)
    expect(response.headers.get('X-Content-Type-Options')).toBe('nosniff')
    const body = await response.json()
    expect(body.application).toMatchObject({ name: `Good ${SCRIPT}`, description: HOSTILE_TEXT, logo: 'javascript:alert(1)' })
    expect(body.granted_scopes).toEqual([
      { scope: 'profile.default', title: `Profile ${SCRIPT}`, message: `Reads ${IMG}`, asked: true },
      { scope: 'sample.default:read', title: HOSTILE_TEXT, message: HOSTILE_TEXT, asked: true },
    ])
  })

  test('user name and biosample fields come back byte for byte, as JSON', async () => {
    const bff = useBff({ fixtures: hostileWorld() })
    const session = await bff.request('/api/session', { as: 'alice' })
    expect((await session.json()).user.name).toBe(`Alice ${SCRIPT}`)
    const samples = await (await bff.request('/api/biosamples', { as: 'alice' })).json()
    expect(samples.biosamples[1]).toMatchObject({ biosample_id: `E-${IMG}`, type: SCRIPT, project_name: HOSTILE_TEXT })
  })

  test.each(['data:image/svg+xml,<svg onload=alert(1)>', 'VBScript:msgbox(1)', '//evil.example/logo.png', 'http://evil.example/logo.png'].map((logo, i) => [logo, i]))(
    'logo %j is passed as data, and the page CSP loads images only from self and https:',
    async (logo, i) => {
      const bff = useBff({ fixtures: hostileWorld() })
      const body = await (await bff.request(applicationUrl({ client_id: `logo-app-${i}`, redirect_uri: 'https://good.example/cb' }))).json()
      expect(body.application.logo).toBe(logo)
      const page = await bff.request('/oauth2/authorize')
      expect(page.headers.get('Content-Security-Policy')).toMatch(/img-src 'self' https:(;|$)/)
    },
  )

  test('a grant of a hostile app: name, logo and sample texts as data', async () => {
    const world = hostileWorld()
    const bff = useBff({
      fixtures: {
        ...world,
        grants: [{ user_id: 'u-alice', client_id: GOOD.client_id, grant_time: '2024-05-12 09:30:00', biosample_ids: [{ biosample_id: `E-${IMG}`, type: SCRIPT }] }],
      },
    })
    const body = await (await bff.request('/api/oauth2/grants', { as: 'alice' })).json()
    expect(body.grants).toEqual([
      expect.objectContaining({ name: `Good ${SCRIPT}`, logo: 'javascript:alert(1)', biosample_ids: [{ biosample_id: `E-${IMG}`, type: SCRIPT }] }),
    ])
  })
})

describe('redirect URIs: only the registered one, compared as an exact string', () => {
  test.each([
    'javascript:alert(1)',
    'JAVASCRIPT:alert(1)',
    ' javascript:alert(1)',
    'java\tscript:alert(1)',
    'java\rscript:alert(1)',
    '\u0001javascript:alert(1)',
    'javascript\u0000:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    'vbscript:msgbox(1)',
  ])('%j: 400 forbidden_redirect_scheme, platform not asked', async (redirectUri) => {
    const bff = useBff({ fixtures: hostileWorld() })
    const response = await bff.request(applicationUrl({ client_id: GOOD.client_id, redirect_uri: redirectUri }), { as: 'alice' })
    expect(response.status).toBe(400)
    const body = await response.json()
    expect(body).toMatchObject({ error: { code: 'forbidden_redirect_scheme', details: { redirect_uri: redirectUri } } })
    expect(body).not.toHaveProperty('ticket')
    expect(bff.upstreamCalls).toEqual([])
  })

  test.each([
    'https://good.example.evil.example/cb',
    'https://good.example@evil.example/cb',
    'https://evil.example/https://good.example/cb',
    'https://good.example/cb/../cb',
    'https://good.example/x/../cb',
    'https://good.example/%2e%2e/cb',
    'https://good.example/cb%2F..%2Fcb',
    'HTTPS://GOOD.EXAMPLE/cb',
    'https://good.example/CB',
    'https://good.example/cb/',
    'https://good.example:443/cb',
    'https://good.example/cb#frag',
    'https://good.example/cb?',
    'https://good.example/cb ',
    '\thttps://good.example/cb',
    'https://good.example/cb\n',
    '//good.example/cb',
    'http://good.example/cb',
  ])('%j: refused on the portal (4xx, no ticket); a ticket for the real URI does not carry it to a code', async (variant) => {
    const bff = useBff({ fixtures: hostileWorld() })
    const response = await bff.request(applicationUrl({ client_id: GOOD.client_id, redirect_uri: variant }), { as: 'alice' })
    expect(response.status).toBeGreaterThanOrEqual(400)
    expect(response.status).toBeLessThan(500)
    const body = await response.json()
    expect(body.error.code).toMatch(/^redirect_uri_|^forbidden_redirect_scheme$/)
    expect(body).not.toHaveProperty('ticket')

    const decided = await authorize(bff, { redirect_uri: variant })
    expect(decided.status).toBe(403)
    expect(await decided.json()).toMatchObject({ error: { code: 'ticket_request_mismatch' } })
    expect(bff.callsTo(AUTHORIZE_PATH)).toEqual([])
  })
})

describe('state', () => {
  test.each([
    ['CRLF', 'a\r\nSet-Cookie: x=1\r\n\r\n<script>'],
    ['&code=', 'x&code=forged&state=other'],
    ['#', '#code=forged'],
    ['NUL', 'a\u0000b'],
    ['8 KiB', `${'&code=x#'.repeat(1023)}\u00e9é`],
  ])('%s: comes back byte for byte, encoded, with exactly one code', async (_name, state) => {
    const bff = useBff({ fixtures: hostileWorld() })
    const response = await authorize(bff, { state })
    expect(response.status).toBe(200)
    const { redirect_to } = await response.json()
    for (const raw of ['\r', '\n', '\u0000', '#']) expect(redirect_to).not.toContain(raw)
    const target = new URL(redirect_to)
    expect(target.origin + target.pathname).toBe(GOOD.redirect_uri)
    expect(target.searchParams.getAll('state')).toEqual([state])
    expect(target.searchParams.getAll('code')).toHaveLength(1)
    expect(target.hash).toBe('')
    expect(bff.callsTo(AUTHORIZE_PATH)).toHaveLength(1)
  })

  test(`over ${MAX_STATE_LENGTH} characters (64 KiB): 400 naming state, no code minted`, async () => {
    const bff = useBff({ fixtures: hostileWorld() })
    for (const path of ['/api/oauth2/authorize', '/api/oauth2/deny']) {
      const { ticket, language } = await bff.consent('alice', GOOD)
      const response = await bff.request(path, {
        method: 'POST',
        as: 'alice',
        json: { ticket, language, ...GOOD, state: 's'.repeat(64 * 1024), ...(path.endsWith('authorize') && { separate_consent: true, biosample_ids: [{ biosample_id: 'E-A0001', type: 'Lowpass' }] }) },
      })
      expect(response.status).toBe(400)
      expect(await response.json()).toMatchObject({ error: { code: 'invalid_request', details: { state: expect.any(String) } } })
    }
    expect(bff.callsTo(AUTHORIZE_PATH)).toEqual([])
    const exact = await authorize(bff, { state: 's'.repeat(MAX_STATE_LENGTH) })
    expect(exact.status).toBe(200)
  })
})

describe('biosample ids', () => {
  const sample = (biosample_id: string) => ({ biosample_id, type: 'Lowpass' })

  test('another user’s sample: 400 invalid_request with the platform’s 40001, and no code', async () => {
    const bff = useBff({ fixtures: hostileWorld() })
    const response = await authorize(bff, { biosample_ids: [sample('E-A0001'), sample('E-B0001')] })
    expect(response.status).toBe(400)
    expect(await response.json()).toMatchObject({ error: { code: 'invalid_request', upstream_code: 40001 } })
    expect(JSON.stringify(bff.callsTo(AUTHORIZE_PATH).map((call) => call.answer))).not.toMatch(/"code":"\w{30}"/)
  })

  test.each([
    ['the same sample twice', [sample('E-A0001'), sample('E-A0001')]],
    ['an empty id', [sample('')]],
    ['1,001 samples', Array.from({ length: 1001 }, (_, i) => sample(`E-${i}`))],
  ])('%s: 400 invalid_request naming biosample_ids, platform not asked', async (_name, biosample_ids) => {
    const bff = useBff({ fixtures: hostileWorld() })
    const response = await authorize(bff, { biosample_ids })
    expect(response.status).toBe(400)
    const body = await response.json()
    expect(body).toMatchObject({ error: { code: 'invalid_request' } })
    expect(Object.keys(body.error.details).join()).toMatch(/^biosample_ids/)
    expect(bff.callsTo(AUTHORIZE_PATH)).toEqual([])
  })

  test('10,000 samples: 413 payload_too_large, platform not asked', async () => {
    const bff = useBff({ fixtures: hostileWorld() })
    const response = await authorize(bff, { biosample_ids: Array.from({ length: 10_000 }, (_, i) => sample(`E-F1995530${String(i).padStart(4, '0')}`)) })
    expect(response.status).toBe(413)
    expect(await response.json()).toMatchObject({ error: { code: 'payload_too_large' } })
    expect(bff.callsTo(AUTHORIZE_PATH)).toEqual([])
  })
})

describe('sign-in return paths', () => {
  test.each(['//evil.example', '/\\evil.example', 'https://evil.example/', 'javascript:alert(1)'])(
    'next=%j: 401s carry LOGIN_URL’s template unchanged, and /signin reflects nothing',
    async (next) => {
      const bff = useBff({ env: { LOGIN_URL: 'https://account.example/login?next={next}' } })
      const response = await bff.request(`/api/session?next=${encodeURIComponent(next)}`, {
        headers: { Referer: next, 'X-Forwarded-Host': 'evil.example' },
      })
      expect(response.status).toBe(401)
      expect((await response.json()).error.login_url).toBe('https://account.example/login?next={next}')
      const page = await bff.request(`/signin?next=${encodeURIComponent(next)}`)
      expect(page.status).toBe(200)
      const html = await page.text()
      expect(html).not.toContain('evil.example')
      expect(html).not.toContain('javascript:')
    },
  )
})

test('a consent page whose query is all of the above reflects nothing of it', async () => {
  const bff = useBff({ fixtures: hostileWorld() })
  const query = new URLSearchParams({
    client_id: `${SCRIPT}marker-a`,
    redirect_uri: 'javascript:alert("marker-b")',
    scope: `${IMG}marker-c`,
    state: 'a\r\n\u0000#&code=marker-d',
  })
  const response = await bff.request(`/oauth2/authorize?${query}&__proto__=marker-e&client_id=marker-f`)
  expect(response.status).toBe(400)
  const html = await response.text()
  expect(html).not.toMatch(/marker-|alert|onerror/)
})

describe('control characters in upstream texts', () => {
  const postgresUrl = useTestDatabase()
  const opened: PortalStore[] = []
  afterAll(() => Promise.all(opened.map((store) => store.close())))

  /** Every C0/C1 control a text can carry, an ANSI colour and screen-clear, a CSI, and the bidi controls kept on purpose. */
  const CONTROLS = '\u0000\u0001\u0007\u0008\u000b\u000c\r\u001b[31m\u001b[2J\u007f\u0085\u009b6n'
  const BIDI = '\u202eRLO\u202c\u2067RLI\u2069\u200f\u061c'
  const dirty = (words: string) => `${CONTROLS}${words}${BIDI}\u0000\tTAB\nLF\u009f`
  const clean = (words: string) => `[31m[2J6n${words}${BIDI}\tTAB\nLF`
  const ANY_CONTROL = /[^\P{Cc}\t\n]/u
  const APP = { client_id: 'dirty-app', redirect_uri: 'https://dirty.example/cb', scope: 'profile.default sample.default:read' }

  function dirtyWorld(): FixturesInput {
    const world = testWorld()
    return {
      ...world,
      scopes: [
        { scope: 'profile.default', title: dirty('Profile'), message: dirty('Reads your profile') },
        { scope: 'sample.default:read', title: dirty('Samples'), message: dirty('Reads your samples') },
      ],
      users: world.users.map((user) =>
        user.id === ALICE.id
          ? {
              ...user,
              name: dirty('Alice'),
              biosamples: [
                { biosample_id: 'E-A0001', type: 'Lowpass', status: 1, sample_time: '', project_name: dirty('Gut cohort') },
                { biosample_id: 'E-A0002', type: 'Full', status: 1, sample_time: '', project_name: dirty('华南队列') },
              ],
            }
          : user,
      ),
      applications: [
        {
          client_id: APP.client_id,
          name: dirty('Dirty App'),
          logo: `https://dirty.example/${CONTROLS}logo.png`,
          description: dirty('What it does'),
          redirect_uris: [APP.redirect_uri],
          scopes: ['profile.default', 'sample.default:read'],
        },
      ],
      grants: [],
    }
  }

  /** Every string inside a JSON value that still holds a control character other than TAB and LF. */
  function withControls(value: unknown): string[] {
    if (typeof value === 'string') return ANY_CONTROL.test(value) ? [value] : []
    if (Array.isArray(value)) return value.flatMap(withControls)
    if (value && typeof value === 'object') return Object.values(value).flatMap(withControls)
    return []
  }

  const engines: [string, () => PortalStore][] = [
    ['SQLite', () => openPortalStore({ engine: 'sqlite', path: ':memory:' }, { receipts: testReceiptKeys })],
    ['PostgreSQL', () => openPortalStore({ engine: 'postgres', url: postgresUrl() }, { receipts: testReceiptKeys })],
  ]

  test.each(engines)('on %s: application, deny, authorize, grants, revoke and records work, and nothing stored or answered holds a control', async (_engine, open) => {
    const store = open()
    opened.push(store)
    const bff = useBff({ fixtures: dirtyWorld(), portalStore: store })

    const application = await (await bff.request(applicationUrl(APP), { as: 'alice' })).json()
    expect(application.application).toMatchObject({
      name: clean('Dirty App'),
      description: clean('What it does'),
      logo: 'https://dirty.example/[31m[2J6nlogo.png',
    })
    expect(application.granted_scopes).toEqual([
      { scope: 'profile.default', title: clean('Profile'), message: clean('Reads your profile'), asked: expect.any(Boolean) },
      { scope: 'sample.default:read', title: clean('Samples'), message: clean('Reads your samples'), asked: expect.any(Boolean) },
    ])
    expect((await (await bff.request('/api/session', { as: 'alice' })).json()).user.name).toBe(clean('Alice'))
    const samples = (await (await bff.request('/api/biosamples', { as: 'alice' })).json()).biosamples
    expect(samples.map((sample: { project_name: string }) => sample.project_name)).toEqual([clean('Gut cohort'), clean('华南队列')])

    const denied = await bff.consent('alice', APP, 'en')
    const deny = await bff.request('/api/oauth2/deny', { method: 'POST', as: 'alice', json: { ...denied, ...APP, state: 's1' } })
    expect(deny.status).toBe(200)

    const granted = await bff.consent('alice', APP)
    const authorize = await bff.request('/api/oauth2/authorize', {
      method: 'POST',
      as: 'alice',
      json: { ...granted, ...APP, state: 's2', separate_consent: true, biosample_ids: [{ biosample_id: 'E-A0001', type: 'Lowpass' }] },
    })
    expect(authorize.status).toBe(200)

    const grants = (await (await bff.request('/api/oauth2/grants', { as: 'alice' })).json()).grants
    expect(grants).toEqual([expect.objectContaining({ client_id: APP.client_id, name: clean('Dirty App'), logo: 'https://dirty.example/[31m[2J6nlogo.png' })])

    const revoke = await bff.request(`/api/oauth2/grants/${APP.client_id}`, { method: 'DELETE', as: 'alice' })
    expect(revoke.status).toBe(204)
    expect((await (await bff.request('/api/oauth2/grants', { as: 'alice' })).json()).grants).toEqual([])

    const records = (await (await bff.request(`/api/records?client_id=${APP.client_id}`, { as: 'alice' })).json()).records
    // The authorize attempt (written as unknown before the platform was asked) and the record that
    // settled it; the revoke and its withdrawal's confirmation (the grants read back after it).
    expect(records.map((record: { decision: string; outcome: string }) => [record.decision, record.outcome]).sort()).toEqual([
      ['authorize', 'granted'],
      ['authorize', 'unknown'],
      ['deny', 'denied'],
      ['revoke', 'revoked'],
      ['revoke', 'revoked'],
    ])
    for (const record of records) {
      expect(record).toMatchObject({ app_name: clean('Dirty App'), app_logo: 'https://dirty.example/[31m[2J6nlogo.png' })
      const receipt = await bff.request(`/api/records/${record.id}`, { as: 'alice' })
      expect(receipt.status).toBe(200)
      expect(await receipt.json()).toEqual(record)
    }
    const authorized = records.find((record: { decision: string }) => record.decision === 'authorize')
    expect(authorized.scopes).toEqual([
      expect.objectContaining({ scope: 'profile.default', title: clean('Profile'), message: clean('Reads your profile') }),
      expect.objectContaining({ scope: 'sample.default:read', title: clean('Samples'), message: clean('Reads your samples') }),
    ])
    expect(withControls(await store.listRecords(ALICE.id, { clientId: APP.client_id }))).toEqual([])

    for (const response of bff.responses) {
      expect(response.status, `${response.method} ${response.path}`).toBeLessThan(500)
      if (response.headers.get('Content-Type')?.startsWith('application/json')) {
        expect(withControls(JSON.parse(response.body)), `${response.method} ${response.path}`).toEqual([])
      }
    }
  })
})
