import { describe, expect, test } from 'vitest'
import { useBff, WEB_APP, WX_APP } from '../../test/support/bff'

const APPLICATION_PATH = '/openbge/oauth2/application'

function applicationUrl(params: Record<string, string>): string {
  return `/api/oauth2/application?${new URLSearchParams(params)}`
}

describe('GET /api/oauth2/application', () => {
  test('the application with its requested scopes, and no ticket when nobody is signed in', async () => {
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
      requested_scopes: ['profile.default', 'sample.default:read', 'variant.rsid'].map((scope) => ({
        scope,
        title: expect.any(String),
        message: expect.any(String),
      })),
      unknown_scopes: [],
      ticket: null,
    })
  })

  test('signed in, it comes with a consent ticket', async () => {
    const bff = useBff()
    const body = await (await bff.request(applicationUrl(WEB_APP), { as: 'alice' })).json()
    expect(body.ticket).toEqual(expect.stringMatching(/^[\w-]+\.[\w-]+$/))
  })

  test('requested scopes follow `scope` in the app’s own order; scopes it lacks are listed as unknown', async () => {
    const bff = useBff()
    const body = await (
      await bff.request(applicationUrl({ ...WEB_APP, scope: 'variant.rsid  profile.default variant.rsid\tdata_item.default:write' }))
    ).json()
    expect(body.requested_scopes.map((s: { scope: string }) => s.scope)).toEqual(['variant.rsid', 'profile.default'])
    expect(body.unknown_scopes).toEqual(['data_item.default:write'])
  })

  test('without `scope` every scope of the app is requested', async () => {
    const bff = useBff()
    const body = await (await bff.request(applicationUrl({ client_id: WEB_APP.client_id, redirect_uri: WEB_APP.redirect_uri }))).json()
    expect(body.requested_scopes.map((s: { scope: string }) => s.scope)).toEqual([
      'profile.default',
      'profile.advanced',
      'sample.default:read',
      'variant.rsid',
    ])
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
      error: { code, message: expect.any(String), upstream_code: upstreamCode, details: params },
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
