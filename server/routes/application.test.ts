import { describe, expect, test } from 'vitest'
import { unmaskTicket } from '../consent/ticket'
import { useBff, WEB_APP, WX_APP, type Bff } from '../../test/support/bff'

const APPLICATION_PATH = '/openbge/oauth2/application'

function applicationUrl(params: Record<string, string>): string {
  return `/api/oauth2/application?${new URLSearchParams(params)}`
}

const REGISTERED = ['profile.default', 'profile.advanced', 'sample.default:read', 'variant.rsid']

function granted(body: { granted_scopes: { scope: string; asked: boolean }[] }) {
  return body.granted_scopes.map(({ scope, asked }) => [scope, asked])
}

/** Authorize on a consent page (in English) for a link naming `scope`. */
async function authorizeOn(bff: Bff, scope: string, biosampleIds = [{ biosample_id: 'E-A0001', type: 'Lowpass' }]) {
  const consent = { client_id: WEB_APP.client_id, redirect_uri: WEB_APP.redirect_uri, scope }
  const body = await (await bff.request(applicationUrl({ ...consent, response_type: 'code' }), { as: 'alice' })).json()
  return bff.request('/api/oauth2/authorize', {
    method: 'POST',
    as: 'alice',
    json: { ticket: body.ticket, language: 'en', ...consent, state: 's', separate_consent: true, biosample_ids: biosampleIds },
  })
}

describe('GET /api/oauth2/application', () => {
  test('the application with the scopes a decision grants, and no ticket when nobody is signed in', async () => {
    const bff = useBff()
    const response = await bff.request(applicationUrl(WEB_APP))
    expect(response.status).toBe(200)
    const body = await response.json()
    expect(body).toEqual({
      application: {
        client_id: 'web-app',
        name: 'Gene Insight',
        logo: 'https://app.example/logo.png',
        description: 'What web-app does.',
        redirect_uri: WEB_APP.redirect_uri,
        client_type: 'confidential',
        wxmp_app_id: '',
        scopes: ['profile.default', 'profile.advanced', 'sample.default:read', 'variant.rsid'].map((scope) => ({
          scope,
          title: expect.any(String),
          message: expect.any(String),
        })),
      },
      // Every registered scope, whatever `scope` named: the platform's authorize grants them all.
      granted_scopes: REGISTERED.map((scope) => ({
        scope,
        title: expect.any(String),
        message: expect.any(String),
        asked: scope !== 'profile.advanced',
      })),
      unknown_scopes: [],
      ticket: null,
    })
  })

  test('signed in, with response_type=code, it comes with a consent ticket', async () => {
    const bff = useBff()
    const body = await (await bff.request(applicationUrl({ ...WEB_APP, response_type: 'code' }), { as: 'alice' })).json()
    // Masked for this response (server/consent/ticket.ts): base64url, the signed ticket inside.
    expect(body.ticket).toEqual(expect.stringMatching(/^[\w-]+$/))
    expect(unmaskTicket(body.ticket)).toMatch(/^[\w-]+\.[\w-]+$/)
  })

  test.each([
    ['response_type missing', { ...WEB_APP }],
    ['response_type=token', { ...WEB_APP, response_type: 'token' }],
    ['response_type=CODE', { ...WEB_APP, response_type: 'CODE' }],
    ['an unknown scope', { ...WEB_APP, response_type: 'code', scope: 'profile.default admin.everything' }],
  ])('%s: signed in, still no ticket, since the request cannot succeed', async (_name, params) => {
    const bff = useBff()
    const response = await bff.request(applicationUrl(params), { as: 'alice' })
    expect(response.status).toBe(200)
    const body = await response.json()
    expect(body.ticket).toBeNull()
    // The page still learns what it needs to send the person back with the right error.
    expect(body.application.client_id).toBe(WEB_APP.client_id)
  })

  test('every registered scope is granted in the app’s own order, the ones `scope` named marked asked; names it lacks are unknown', async () => {
    const bff = useBff()
    const body = await (
      await bff.request(applicationUrl({ ...WEB_APP, scope: 'variant.rsid  profile.default variant.rsid\tdata_item.default:write' }))
    ).json()
    expect(granted(body)).toEqual([
      ['profile.default', true],
      ['profile.advanced', false],
      ['sample.default:read', false],
      ['variant.rsid', true],
    ])
    expect(body.unknown_scopes).toEqual(['data_item.default:write'])
  })

  test('without `scope` every scope of the app is granted and counts as asked for', async () => {
    const bff = useBff()
    const body = await (await bff.request(applicationUrl({ client_id: WEB_APP.client_id, redirect_uri: WEB_APP.redirect_uri }))).json()
    expect(granted(body)).toEqual(REGISTERED.map((scope) => [scope, true]))
  })

  test('UPSTREAM_HONOURS_SCOPE=true: only the named scopes are granted (all of them without `scope`); unknown names stay unknown', async () => {
    const bff = useBff({ env: { UPSTREAM_HONOURS_SCOPE: 'true' } })
    const named = await (await bff.request(applicationUrl({ ...WEB_APP, scope: 'variant.rsid profile.default nope.x' }))).json()
    expect(granted(named)).toEqual([
      ['profile.default', true],
      ['variant.rsid', true],
    ])
    expect(named.unknown_scopes).toEqual(['nope.x'])
    const all = await (await bff.request(applicationUrl({ client_id: WEB_APP.client_id, redirect_uri: WEB_APP.redirect_uri }))).json()
    expect(granted(all)).toEqual(REGISTERED.map((scope) => [scope, true]))
  })

  test('the granted set is the server’s: a link naming one scope is recorded with every scope the platform grants', async () => {
    const bff = useBff()
    const all = await authorizeOn(bff, 'profile.default')
    expect(all.status).toBe(200)
    const [record] = (await (await bff.request('/api/records', { as: 'alice' })).json()).records
    expect(record.scopes.map((s: { scope: string; tier: string }) => [s.scope, s.tier])).toEqual([
      ['profile.default', 'basic'],
      ['profile.advanced', 'basic'],
      ['sample.default:read', 'basic'],
      ['variant.rsid', 'genetic'],
    ])
  })

  test('a sample must be chosen when a granted scope reads sample data, although the link named none that does', async () => {
    const bff = useBff()
    const response = await authorizeOn(bff, 'profile.default', [])
    expect(response.status).toBe(400)
    expect((await response.json()).error.code).toBe('biosamples_required')
    expect(bff.callsTo('/openbge/oauth2/authorize')).toEqual([])
  })

  test('a mini-program app: its page path is accepted as the redirect and the app id comes along', async () => {
    const bff = useBff()
    const response = await bff.request(applicationUrl({ client_id: WX_APP.client_id, redirect_uri: WX_APP.redirect_uri }))
    expect(response.status).toBe(200)
    expect((await response.json()).application).toMatchObject({ wxmp_app_id: WX_APP.wxmp_app_id, client_type: 'public' })
  })

  test('a native app’s private-use scheme (RFC 8252) and plain http on loopback are allowed', async () => {
    const bff = useBff()
    const native = await bff.request(applicationUrl({ client_id: 'native-app', redirect_uri: 'com.example.app:/oauth2redirect' }))
    expect(native.status).toBe(200)
    const loopback = await bff.request(applicationUrl({ client_id: 'web-app', redirect_uri: 'http://localhost:5173/cb' }))
    expect(loopback.status).toBe(200)
  })

  test('missing client_id and redirect_uri: 400 invalid_request naming each, without asking upstream', async () => {
    const bff = useBff()
    const response = await bff.request('/api/oauth2/application')
    expect(response.status).toBe(400)
    const body = await response.json()
    expect(body.error.code).toBe('invalid_request')
    expect(Object.keys(body.error.details).sort()).toEqual(['client_id', 'redirect_uri'])

    const empty = await bff.request(applicationUrl({ client_id: '', redirect_uri: WEB_APP.redirect_uri }))
    expect(empty.status).toBe(400)
    expect((await empty.json()).error.details).toEqual({ client_id: 'client_id is required' })
    expect(bff.upstreamCalls).toEqual([])
  })

  test.each([
    ['unknown app', { client_id: 'no-such-app', redirect_uri: 'https://app.example/callback' }, 422, 'invalid_client', 40002],
    ['redirect not registered', { client_id: 'web-app', redirect_uri: 'https://evil.example/callback' }, 422, 'redirect_uri_mismatch', 40006],
    ['registered redirect with another query', { client_id: 'web-app', redirect_uri: 'https://app.example/callback?source=portal' }, 422, 'redirect_uri_mismatch', 40006],
    ['app without any redirect', { client_id: 'unregistered-app', redirect_uri: 'https://app.example/callback' }, 422, 'redirect_uri_not_registered', 40003],
    ['blocked app', { client_id: 'blocked-app', redirect_uri: 'https://app.example/callback' }, 403, 'application_blocked', 40015],
  ])('%s %j: %i %s with the upstream code and the values involved', async (_name, params, status, code, upstreamCode) => {
    const bff = useBff()
    const response = await bff.request(applicationUrl(params), { as: 'alice' })
    expect(response.status).toBe(status)
    expect(await response.json()).toEqual({
      error: { code, message: expect.any(String), upstream_code: upstreamCode, details: params, request_id: expect.any(String) },
    })
  })

  test.each([
    'javascript:alert(1)',
    ' JaVaScRiPt:alert(1)',
    'java\tscript:alert(1)',
    'java\nscript:alert(1)',
    '\u0000javascript:alert(1)',
    'data:text/html,hi',
    'VBScript:msgbox(1)',
    'file:///etc/passwd',
    'blob:https://app.example/1',
  ])('redirect_uri %j: 400 forbidden_redirect_scheme before upstream hears of it', async (redirectUri) => {
    const bff = useBff()
    const response = await bff.request(applicationUrl({ client_id: 'script-app', redirect_uri: redirectUri }), { as: 'alice' })
    expect(response.status).toBe(400)
    expect(await response.json()).toEqual({
      error: {
        code: 'forbidden_redirect_scheme',
        message: expect.any(String),
        details: { client_id: 'script-app', redirect_uri: redirectUri },
        request_id: expect.any(String),
      },
    })
    expect(bff.upstreamCalls).toEqual([])
  })

  test('plain http on a public host: 400 unless ALLOW_HTTP_REDIRECTS', async () => {
    const params = { client_id: 'insecure-app', redirect_uri: 'http://insecure.example/cb' }
    const strict = useBff()
    const refused = await strict.request(applicationUrl(params), { as: 'alice' })
    expect(refused.status).toBe(400)
    expect(await refused.json()).toMatchObject({ error: { code: 'redirect_uri_http_not_allowed', details: params } })

    const relaxed = useBff({ env: { ALLOW_HTTP_REDIRECTS: 'true' } })
    const allowed = await relaxed.request(applicationUrl(params), { as: 'alice' })
    expect(allowed.status).toBe(200)
  })

  test('a registered redirect with a fragment: 400 redirect_uri_has_fragment', async () => {
    const bff = useBff()
    const response = await bff.request(applicationUrl({ client_id: 'fragment-app', redirect_uri: 'https://app.example/cb#frag' }))
    expect(response.status).toBe(400)
    expect(await response.json()).toMatchObject({ error: { code: 'redirect_uri_has_fragment' } })
  })

  test('an upstream that validates a different redirect than the one asked about: 422 redirect_uri_mismatch', async () => {
    const bff = useBff({
      wrapUpstream: (client) => ({
        ...client,
        application: async (p) => ({ ...(await client.application(p)), redirect_uri: 'https://app.example/plain' }),
      }),
    })
    const response = await bff.request(applicationUrl(WEB_APP), { as: 'alice' })
    expect(response.status).toBe(422)
    expect(await response.json()).toMatchObject({
      error: { code: 'redirect_uri_mismatch', details: { ...{ client_id: WEB_APP.client_id, redirect_uri: WEB_APP.redirect_uri }, registered: 'https://app.example/plain' } },
    })
    expect(bff.callsTo(APPLICATION_PATH)).toHaveLength(1)
  })
})
