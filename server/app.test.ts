// Upstream failures as the browser sees them: the one error table of server/upstream/errors.ts,
// applied through the whole BFF against sandbox faults, and which calls may be retried.
import { describe, expect, test } from 'vitest'
import { useBff, WEB_APP, type BffOptions } from '../test/support/bff'

const GRANTS_PATH = '/openbge/oauth2/grants'
const AUTHORIZE_PATH = '/openbge/oauth2/authorize'
const APPLICATION_PATH = '/openbge/oauth2/application'
const SAMPLES = [{ biosample_id: 'E-A0001', type: 'Lowpass' }]

type Fault = NonNullable<BffOptions['faults']>[number]

function grantsFault(fault: Omit<Fault, 'path'>): BffOptions {
  // Short enough for a timeout test, long enough for an in-process answer on a busy machine.
  return { faults: [{ path: GRANTS_PATH, ...fault }], env: { UPSTREAM_TIMEOUT_MS: '150' } }
}

describe('an expired or unknown session (40008) anywhere: 401 unauthenticated with the login URL', () => {
  test.each([
    ['GET', '/api/session'],
    ['GET', '/api/biosamples'],
    ['GET', '/api/oauth2/grants'],
    ['DELETE', '/api/oauth2/grants/profile-app'],
  ])('%s %s', async (method, path) => {
    const bff = useBff({ env: { LOGIN_URL: '/signin?next={next}&from=bff' } })
    const response = await bff.request(path, { method, as: { token: 'tok-revoked-by-platform' } })
    expect(response.status).toBe(401)
    expect(await response.json()).toEqual({
      error: { code: 'unauthenticated', message: expect.any(String), upstream_code: 40008, login_url: '/signin?next={next}&from=bff', request_id: expect.any(String) },
    })
  })

  test('POST /api/oauth2/authorize (the session ended after the page was shown)', async () => {
    const bff = useBff()
    const token = { token: 'tok-gone-since' }
    const { ticket, language } = await bff.consent(token, WEB_APP)
    const response = await bff.request('/api/oauth2/authorize', {
      method: 'POST',
      as: token,
      json: { ticket, language, ...WEB_APP, state: 's', separate_consent: true, biosample_ids: SAMPLES },
    })
    expect(response.status).toBe(401)
    expect(await response.json()).toMatchObject({ error: { code: 'unauthenticated', upstream_code: 40008, login_url: '/signin?next={next}' } })
  })
})

describe('sandbox faults on a read that keep failing', () => {
  test.each([
    ['http_500', { kind: 'http_500', times: 9 }, 502, 'upstream_unavailable', undefined, 3],
    ['malformed_json', { kind: 'malformed_json', times: 9 }, 502, 'upstream_unavailable', undefined, 3],
    ['timeout', { kind: 'timeout', times: 9 }, 504, 'upstream_timeout', undefined, 3],
    // A refusal is an answer: never retried.
    ['error_code 40012', { kind: 'error_code', code: 40012, times: 9 }, 502, 'upstream_credentials_rejected', 40012, 1],
    ['error_code 40013', { kind: 'error_code', code: 40013, times: 9 }, 502, 'upstream_protocol_error', 40013, 1],
    ['an unknown error_code', { kind: 'error_code', code: 50001, times: 9 }, 502, 'upstream_error', 50001, 1],
  ] as const)('%s (%j) → %i %s', async (_name, fault, status, code, upstreamCode, attempts) => {
    const bff = useBff(grantsFault(fault))
    const response = await bff.request('/api/oauth2/grants', { as: 'alice' })
    expect(response.status).toBe(status)
    expect(await response.json()).toEqual({
      error: { code, message: expect.any(String), ...(upstreamCode !== undefined && { upstream_code: upstreamCode }), request_id: expect.any(String) },
    })
    expect(response.headers.get('Cache-Control')).toBe('no-store')
    expect(bff.callsTo(GRANTS_PATH)).toHaveLength(attempts)
  })

  test('an upstream slower than UPSTREAM_TIMEOUT_MS: 504 upstream_timeout', async () => {
    const bff = useBff({ latencyMs: 2000, env: { UPSTREAM_TIMEOUT_MS: '40' } })
    const started = performance.now()
    const response = await bff.request('/api/session', { as: 'alice' })
    expect(response.status).toBe(504)
    expect(await response.json()).toMatchObject({ error: { code: 'upstream_timeout' } })
    // Three attempts of 40 ms, not one of 2 s.
    expect(performance.now() - started).toBeLessThan(1500)
  })

  test('a blocked app reported on the application call (40015): 403 application_blocked', async () => {
    const bff = useBff({ faults: [{ path: APPLICATION_PATH, kind: 'error_code', code: 40015 }] })
    const response = await bff.request(`/api/oauth2/application?${new URLSearchParams(WEB_APP)}`)
    expect(response.status).toBe(403)
    expect(await response.json()).toMatchObject({
      error: { code: 'application_blocked', upstream_code: 40015, details: { client_id: WEB_APP.client_id, redirect_uri: WEB_APP.redirect_uri } },
    })
  })
})

describe('retries', () => {
  test.each(['http_500', 'malformed_json', 'timeout'] as const)('a read survives one %s', async (kind) => {
    const bff = useBff(grantsFault({ kind, times: 1 }))
    const response = await bff.request('/api/oauth2/grants', { as: 'bob' })
    expect(response.status).toBe(200)
    expect((await response.json()).grants).toHaveLength(1)
    expect(bff.callsTo(GRANTS_PATH)).toHaveLength(2)
  })

  test('application, biosamples and revoke are retried too', async () => {
    const bff = useBff({
      faults: [
        { path: APPLICATION_PATH, kind: 'http_500', times: 1 },
        { path: '/openbge/user/biosamples', kind: 'http_500', times: 2 },
        { path: '/openbge/oauth2/revoke_grant', kind: 'malformed_json', times: 1 },
      ],
    })
    expect((await bff.request(`/api/oauth2/application?${new URLSearchParams(WEB_APP)}`)).status).toBe(200)
    expect((await bff.request('/api/biosamples', { as: 'alice' })).status).toBe(200)
    expect((await bff.request('/api/oauth2/grants/profile-app', { method: 'DELETE', as: 'bob' })).status).toBe(204)
    expect(bff.callsTo('/openbge/oauth2/revoke_grant')).toHaveLength(2)
  })

  test.each(['http_500', 'malformed_json', 'timeout'] as const)(
    'authorize is never retried: one %s leaves the outcome unknown after exactly one call, until the grant says it did not happen',
    async (kind) => {
      // No clock margin, so "did not happen" is known as soon as the attempt is older than one upstream timeout.
      const bff = useBff({ faults: [{ path: AUTHORIZE_PATH, kind, times: 1 }], env: { UPSTREAM_TIMEOUT_MS: '150', UPSTREAM_CLOCK_MARGIN_MS: '0' } })
      const { ticket, language } = await bff.consent('alice', WEB_APP)
      const decide = () =>
        bff.request('/api/oauth2/authorize', { method: 'POST', as: 'alice', json: { ticket, language, ...WEB_APP, state: 's', separate_consent: true, biosample_ids: SAMPLES } })
      const lost = await decide()
      expect(lost.status).toBe(504)
      expect(await lost.json()).toMatchObject({ error: { code: 'decision_outcome_unknown' } })
      expect(bff.callsTo(AUTHORIZE_PATH)).toHaveLength(1)

      // The person tries again by hand with the same page: while the platform's grant cannot yet
      // say, the answer is the same and the platform is not asked again; once the attempt is
      // older than an upstream call can take, the ticket is free and this is a new attempt.
      let retried = await decide()
      for (let i = 0; i < 100 && retried.status === 504; i++) {
        expect(await retried.json()).toMatchObject({ error: { code: 'decision_outcome_unknown' } })
        expect(bff.callsTo(AUTHORIZE_PATH)).toHaveLength(1)
        await new Promise((resolve) => setTimeout(resolve, 20))
        retried = await decide()
      }
      expect(retried.status).toBe(200)
      expect((await retried.json()).redirect_to).toMatch(/&code=[A-Za-z0-9]{30}&state=s$/)
      expect(bff.callsTo(AUTHORIZE_PATH)).toHaveLength(2)
    },
  )

  test('a refusal on authorize (blocked since the page was shown) is answered, not retried', async () => {
    const bff = useBff({ faults: [{ path: AUTHORIZE_PATH, kind: 'error_code', code: 40015 }] })
    const { ticket, language } = await bff.consent('alice', WEB_APP)
    const response = await bff.request('/api/oauth2/authorize', {
      method: 'POST',
      as: 'alice',
      json: { ticket, language, ...WEB_APP, state: 's', separate_consent: true, biosample_ids: SAMPLES },
    })
    expect(response.status).toBe(403)
    expect(await response.json()).toMatchObject({ error: { code: 'application_blocked', upstream_code: 40015 } })
    expect(bff.callsTo(AUTHORIZE_PATH)).toHaveLength(1)
  })
})

test('an upstream that echoes another redirect address: the user still goes only to the validated one', async () => {
  const bff = useBff({
    wrapUpstream: (client) => ({
      ...client,
      authorize: async (p) => ({ ...(await client.authorize(p)), redirect_uri: 'https://evil.example/steal' }),
    }),
  })
  const { ticket, language } = await bff.consent('alice', WEB_APP)
  const response = await bff.request('/api/oauth2/authorize', {
    method: 'POST',
    as: 'alice',
    json: { ticket, language, ...WEB_APP, state: 's', separate_consent: true, biosample_ids: SAMPLES },
  })
  // Web apps are sent to the ticket's redirect URI, whatever the upstream echoes.
  expect(response.status).toBe(200)
  expect((await response.json()).redirect_to.startsWith(`${WEB_APP.redirect_uri}&code=`)).toBe(true)
})
