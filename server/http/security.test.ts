// SPEC.md "Security", through the whole BFF: request checks on the API, headers on every answer.
import { describe, expect, test } from 'vitest'
import { ASSET_PATH, PORTAL, STYLESHEET, useBff, WEB_APP } from '../../test/support/bff'
import { styleHash } from '../pages/inline-style'

const SIGN_IN = { method: 'POST', json: { user_id: 'u-alice' } } as const

describe('state-changing API requests', () => {
  test('without X-Requested-With: fetch → 403, nothing done', async () => {
    const bff = useBff()
    for (const headers of [{}, { 'X-Requested-With': 'XMLHttpRequest' }] as Record<string, string>[]) {
      const response = await bff.request('/api/session', { ...SIGN_IN, csrf: false, headers })
      expect(response.status).toBe(403)
      expect(await response.json()).toMatchObject({ error: { code: 'csrf_header_missing' } })
      expect(response.headers.get('Set-Cookie')).toBeNull()
    }
    const revoke = await bff.request('/api/oauth2/grants/profile-app', { method: 'DELETE', as: 'bob', csrf: false })
    expect(revoke.status).toBe(403)
    const signOut = await bff.request('/api/session', { method: 'DELETE', as: 'bob', csrf: false })
    expect(signOut.status).toBe(403)
    expect(signOut.headers.get('Set-Cookie')).toBeNull()
    expect(bff.upstreamCalls).toEqual([])
  })

  test.each(['https://evil.example', 'http://portal.test.evil.example', 'http://portal.test:8080', 'http://evil.example/portal.test', 'null', 'not a url'])(
    'with Origin %j → 403',
    async (origin) => {
      const bff = useBff()
      const response = await bff.request('/api/session', { ...SIGN_IN, origin })
      expect(response.status).toBe(403)
      expect(await response.json()).toMatchObject({ error: { code: 'foreign_origin' } })
      expect(response.headers.get('Set-Cookie')).toBeNull()
    },
  )

  test('the portal’s own Origin, or none, is accepted', async () => {
    const bff = useBff()
    expect((await bff.request('/api/session', { ...SIGN_IN })).status).toBe(200)
    expect((await bff.request('/api/session', { ...SIGN_IN, origin: null })).status).toBe(200)
    // Whole origins: the scheme counts too. Behind a TLS-terminating proxy the BFF hears http, so it
    // must be told (PUBLIC_ORIGIN, or a trusted proxy's X-Forwarded-Proto, below).
    expect((await bff.request('/api/session', { ...SIGN_IN, origin: 'https://portal.test' })).status).toBe(403)
  })

  describe('behind a proxy', () => {
    const proxied = {
      ...SIGN_IN,
      origin: 'https://consent.bge.example',
      headers: { Host: '10.0.0.7:3000', 'X-Forwarded-Host': 'consent.bge.example', 'X-Forwarded-Proto': 'https' },
    }

    test('the forwarded origin counts only when the socket’s peer is in TRUST_PROXY', async () => {
      const bff = useBff({ env: { TRUST_PROXY: '10.0.0.0/8' } })
      expect((await bff.request('/api/session', { ...proxied, peer: '10.0.0.2' })).status).toBe(200)
      // The same headers from anyone else, or with no socket at all, are not believed.
      for (const peer of ['203.0.113.9', undefined]) {
        const response = await bff.request('/api/session', { ...proxied, ...(peer && { peer }) })
        expect(response.status).toBe(403)
        expect(await response.json()).toMatchObject({ error: { code: 'foreign_origin' } })
      }
      expect((await useBff().request('/api/session', { ...proxied, peer: '10.0.0.2' })).status).toBe(403)
    })

    test('PUBLIC_ORIGIN wins over every request header', async () => {
      const bff = useBff({ env: { PUBLIC_ORIGIN: 'https://consent.bge.example', TRUST_PROXY: '10.0.0.0/8' } })
      expect((await bff.request('/api/session', { ...proxied, headers: { Host: '10.0.0.7:3000' } })).status).toBe(200)
      const forged = { ...proxied, origin: 'https://evil.example', headers: { ...proxied.headers, 'X-Forwarded-Host': 'evil.example' }, peer: '10.0.0.2' }
      expect((await bff.request('/api/session', forged)).status).toBe(403)
      expect((await bff.request('/api/session', { ...SIGN_IN, origin: PORTAL })).status).toBe(403)
    })

    test.each([
      'https://consent.bge.example.evil.net',
      'https://evil.net/https://consent.bge.example',
      'http://consent.bge.example',
      'https://consent.bge.example:8443',
      'https://xconsent.bge.example',
      'https://consent.bge.example.',
    ])('Origin %j is not the portal’s, whole origins compared → 403', async (origin) => {
      const bff = useBff({ env: { PUBLIC_ORIGIN: 'https://consent.bge.example' } })
      const response = await bff.request('/api/session', { ...SIGN_IN, origin })
      expect(response.status).toBe(403)
      expect(await response.json()).toMatchObject({ error: { code: 'foreign_origin' } })
    })
  })

  test('Sec-Fetch-Site: cross-site → 403; same-origin is fine', async () => {
    const bff = useBff()
    const cross = await bff.request('/api/session', { ...SIGN_IN, headers: { 'Sec-Fetch-Site': 'cross-site' } })
    expect(cross.status).toBe(403)
    expect(await cross.json()).toMatchObject({ error: { code: 'cross_site_request' } })
    const same = await bff.request('/api/session', { ...SIGN_IN, headers: { 'Sec-Fetch-Site': 'same-origin' } })
    expect(same.status).toBe(200)
  })

  test.each(['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/jsonp', undefined])(
    'a body of type %j → 415',
    async (contentType) => {
      const bff = useBff()
      const response = await bff.request('/api/session', {
        method: 'POST',
        body: JSON.stringify({ user_id: 'u-alice' }),
        headers: contentType === undefined ? {} : { 'Content-Type': contentType },
      })
      expect(response.status).toBe(415)
      expect(await response.json()).toMatchObject({ error: { code: 'unsupported_media_type' } })
    },
  )

  test('JSON with a charset is JSON', async () => {
    const bff = useBff()
    const response = await bff.request('/api/session', {
      method: 'POST',
      body: JSON.stringify({ user_id: 'u-alice' }),
      headers: { 'Content-Type': 'application/json; charset=utf-8' },
    })
    expect(response.status).toBe(200)
  })

  test('a CORS preflight gets no CORS headers (and so no cross-origin call follows)', async () => {
    const bff = useBff()
    const response = await bff.request('/api/oauth2/authorize', {
      method: 'OPTIONS',
      csrf: false,
      origin: 'https://evil.example',
      headers: { 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'x-requested-with, content-type' },
    })
    expect(response.status).toBe(403)
    expect([...response.headers.keys()].filter((name) => name.startsWith('access-control-'))).toEqual([])
    expect(response.headers.get('Cache-Control')).toBe('no-store')
  })
})

describe('API responses', () => {
  test('every /api answer, success or error, is no-store and has no Access-Control-* header', async () => {
    const bff = useBff()
    const { ticket, language } = await bff.consent('alice', WEB_APP)
    const calls: [string, Parameters<typeof bff.request>[1]][] = [
      ['/api/session', { as: 'alice' }],
      ['/api/session', {}],
      ['/api/session', { ...SIGN_IN }],
      ['/api/session', { method: 'DELETE' }],
      ['/api/sandbox/users', {}],
      ['/api/biosamples', { as: 'alice' }],
      ['/api/biosamples', { headers: { Origin: 'https://evil.example' } }],
      ['/api/oauth2/application', {}],
      [`/api/oauth2/application?${new URLSearchParams(WEB_APP)}`, { as: 'alice' }],
      ['/api/oauth2/application?client_id=x&redirect_uri=javascript:alert(1)', {}],
      ['/api/oauth2/authorize', { method: 'POST', as: 'alice', json: { ticket, language, ...WEB_APP, state: 's', separate_consent: true, biosample_ids: [] } }],
      ['/api/oauth2/deny', { method: 'POST', as: 'alice', json: { ticket, language, ...WEB_APP, state: 's' } }],
      ['/api/oauth2/grants', { as: 'alice' }],
      ['/api/oauth2/grants/web-app', { method: 'DELETE', as: 'alice' }],
      ['/api/oauth2/grants/web-app', { method: 'DELETE', as: 'alice', csrf: false }],
      ['/api/session', { method: 'POST', body: 'x', headers: { 'Content-Type': 'text/plain' } }],
      ['/api/nope', {}],
      ['/api/nope', { method: 'POST', json: {} }],
      ['/api/session', { method: 'PUT', json: {} }],
      ['/api', {}],
    ]
    for (const [path, init] of calls) await bff.request(path, init)
    const statuses = new Set(bff.responses.map((r) => r.status))
    for (const status of [200, 204, 400, 401, 403, 404, 415]) expect(statuses).toContain(status)
    for (const response of bff.responses) {
      expect(response.headers.get('Cache-Control'), `${response.method} ${response.path}`).toBe('no-store')
      expect([...response.headers.keys()].filter((name) => name.startsWith('access-control-'))).toEqual([])
      expect(response.headers.get('X-Content-Type-Options')).toBe('nosniff')
    }
  })

  test('an unknown API path: 404 with the error envelope, never the SPA', async () => {
    const bff = useBff()
    for (const path of ['/api/nope', '/api/oauth2/nope', '/api', '/api/']) {
      const response = await bff.request(path)
      expect(response.status, path).toBe(404)
      expect(response.headers.get('Content-Type')).toMatch(/^application\/json/)
      expect(await response.json()).toEqual({ error: { code: 'not_found', message: expect.any(String), request_id: expect.any(String) } })
    }
  })
})

describe('pages', () => {
  // Signed in, and each with the status its render comes to: an error screen, a page, a redirect.
  const PAGES = [
    ['/oauth2/authorize?client_id=web-app&redirect_uri=x', 422],
    ['/grants', 200],
    ['/', 302],
    ['/developer/preview', 200],
    ['/signin?next=/grants', 200],
    ['/no/such/page', 404],
  ] as const

  test.each(PAGES)('%s (%i) carries the CSP and the framing, referrer and sniffing headers', async (path, status) => {
    const bff = useBff()
    const response = await bff.request(path, { as: 'alice' })
    expect(response.status).toBe(status)
    if (status !== 302) expect(response.headers.get('Content-Type')).toMatch(/^text\/html/)
    const csp = response.headers.get('Content-Security-Policy') ?? ''
    const directives = new Map(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([name = '', ...values]) => [name, values]))
    expect(directives.get('frame-ancestors')).toEqual(["'none'"])
    expect(directives.get('object-src')).toEqual(["'none'"])
    expect(directives.get('base-uri')).toEqual(["'none'"])
    expect(directives.get('script-src')).toEqual(["'self'"])
    // Pages inline the build's stylesheet (server/pages/inline-style.ts), admitted by its hash alone.
    expect(directives.get('style-src')).toEqual(status === 302 ? ["'self'"] : ["'self'", styleHash(STYLESHEET.text)])
    expect(directives.get('img-src')).toEqual(["'self'", 'https:'])
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/)
    expect(directives.get('require-trusted-types-for')).toEqual(["'script'"])
    // No bridge configured: no Trusted Types policy may be created at all.
    expect(directives.get('trusted-types')).toEqual(["'none'"])
    expect(response.headers.get('Cross-Origin-Opener-Policy')).toBe('same-origin')
    expect(response.headers.get('Cross-Origin-Resource-Policy')).toBe('same-origin')
    const permissions = new Map((response.headers.get('Permissions-Policy') ?? '').split(',').map((entry) => entry.trim().split('=') as [string, string]))
    for (const feature of ['camera', 'microphone', 'geolocation', 'payment', 'usb', 'fullscreen', 'clipboard-read']) expect(permissions.get(feature), feature).toBe('()')
    expect(permissions.get('clipboard-write')).toBe('(self)')
    expect(response.headers.get('X-Frame-Options')).toBe('DENY')
    expect(response.headers.get('Referrer-Policy')).toBe('no-referrer')
    expect(response.headers.get('X-Content-Type-Options')).toBe('nosniff')
    expect(response.headers.get('Strict-Transport-Security')).toBeNull()
    expect([...response.headers.keys()].filter((name) => name.startsWith('access-control-'))).toEqual([])
  })

  test('the WeChat bridge’s origin joins script-src only when configured, and reaches the page by a meta tag', async () => {
    const bff = useBff({ env: { WECHAT_BRIDGE_URL: 'https://res.wx.qq.com/open/js/jweixin-1.6.0.js' } })
    const response = await bff.request('/oauth2/authorize', { as: 'alice' })
    const csp = response.headers.get('Content-Security-Policy') ?? ''
    expect(csp).toMatch(/(^|;)\s*script-src 'self' https:\/\/res\.wx\.qq\.com(;|$)/)
    // Its one Trusted Types policy, which passes that URL only (src/features/consent/browser.ts).
    expect(csp).toMatch(/(^|;)\s*trusted-types bge-wechat-bridge(;|$)/)
    const html = await response.text()
    expect(html).toContain('<meta name="bge-wechat-bridge" content="https://res.wx.qq.com/open/js/jweixin-1.6.0.js" />')
    // No script but files, and the render's state, which is data.
    expect(html).not.toMatch(/<script(?![^>]*\b(src=|type="application\/json"))/)
  })

  test('HSTS only when served over https', async () => {
    const bff = useBff({ env: { TRUST_PROXY: 'loopback' } })
    const plain = await bff.request('/grants')
    expect(plain.headers.get('Strict-Transport-Security')).toBeNull()
    for (const init of [{ headers: { 'X-Forwarded-Proto': 'https' } }, { headers: { 'X-Forwarded-Proto': 'https, http' } }]) {
      const response = await bff.request('/grants', { ...init, peer: '127.0.0.1' })
      expect(response.headers.get('Strict-Transport-Security')).toMatch(/^max-age=\d{7,}/)
      // Only a trusted proxy says so: from anyone else the header means nothing.
      expect((await bff.request('/grants', { ...init, peer: '198.51.100.4' })).headers.get('Strict-Transport-Security')).toBeNull()
      expect((await bff.request('/grants', init)).headers.get('Strict-Transport-Security')).toBeNull()
    }
    const api = await bff.request('/api/session', { headers: { 'X-Forwarded-Proto': 'https' }, peer: '::1' })
    expect(api.headers.get('Strict-Transport-Security')).toMatch(/^max-age=/)
    const https = await bff.app.request(`${PORTAL.replace('http:', 'https:')}/grants`)
    expect(https.headers.get('Strict-Transport-Security')).toMatch(/^max-age=/)
    const configured = await useBff({ env: { PUBLIC_ORIGIN: 'https://consent.bge.example' } }).request('/grants')
    expect(configured.headers.get('Strict-Transport-Security')).toMatch(/^max-age=/)
  })

  test('hashed assets are served with a long cache and the same headers', async () => {
    const bff = useBff()
    const response = await bff.request(ASSET_PATH)
    expect(response.status).toBe(200)
    expect(await response.text()).toContain('portal')
    expect(response.headers.get('Cache-Control')).toBe('public, max-age=31536000, immutable')
    expect(response.headers.get('X-Content-Type-Options')).toBe('nosniff')
    expect(response.headers.get('X-Frame-Options')).toBe('DENY')
    expect(response.headers.get('Access-Control-Allow-Origin')).toBeNull()

    const missing = await bff.request('/assets/missing-0000.js')
    expect(missing.status).toBe(404)
    expect(missing.headers.get('Cache-Control')).toBe('no-store')
  })
})
