import { describe, expect, test } from 'vitest'
import { ALICE, BOB, useBff } from '../../test/support/bff'

describe('GET /api/session', () => {
  test('names the signed-in user', async () => {
    const bff = useBff()
    const response = await bff.request('/api/session', { as: 'alice' })
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ user: { id: ALICE.id, name: ALICE.name } })
  })

  test('without a session: 401 unauthenticated with the login URL, and upstream is not asked', async () => {
    const bff = useBff()
    const response = await bff.request('/api/session')
    expect(response.status).toBe(401)
    expect(await response.json()).toEqual({
      error: { code: 'unauthenticated', message: expect.any(String), login_url: '/signin?next={next}', request_id: expect.any(String) },
    })
    expect(bff.upstreamCalls).toEqual([])
  })

  test('a token the platform does not know (40008): 401 unauthenticated with the login URL', async () => {
    const bff = useBff({ env: { LOGIN_URL: '/login?next={next}' } })
    const response = await bff.request('/api/session', { as: { token: 'tok-expired' } })
    expect(response.status).toBe(401)
    expect(await response.json()).toEqual({
      error: { code: 'unauthenticated', message: expect.any(String), upstream_code: 40008, login_url: '/login?next={next}', request_id: expect.any(String) },
    })
  })
})

describe('POST /api/session (sandbox sign-in)', () => {
  test('signs in as a fixture user with an HttpOnly, SameSite, whole-site cookie carrying their token', async () => {
    const bff = useBff()
    const response = await bff.request('/api/session', { method: 'POST', json: { user_id: BOB.id } })
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ user: { id: BOB.id, name: BOB.name } })
    const cookie = response.headers.get('Set-Cookie') ?? ''
    expect(cookie).toMatch(new RegExp(`^bge_auth_token=${BOB.auth_token};`))
    expect(cookie).toMatch(/;\s*HttpOnly/i)
    expect(cookie).toMatch(/;\s*SameSite=Lax/i)
    expect(cookie).toMatch(/;\s*Path=\/(;|$)/)
    expect(cookie).not.toMatch(/Secure/i)

    // The cookie it set is a session.
    const token = /^bge_auth_token=([^;]+)/.exec(cookie)?.[1] ?? ''
    const session = await bff.request('/api/session', { headers: { Cookie: `bge_auth_token=${token}` } })
    expect(await session.json()).toEqual({ user: { id: BOB.id, name: BOB.name } })
  })

  test('over https (behind a trusted proxy) the cookie is Secure too', async () => {
    const bff = useBff({ env: { TRUST_PROXY: '10.0.0.2' } })
    const init = { method: 'POST', json: { user_id: ALICE.id }, headers: { 'X-Forwarded-Proto': 'https' }, origin: 'https://portal.test' }
    const response = await bff.request('/api/session', { ...init, peer: '10.0.0.2' })
    expect(response.status).toBe(200)
    expect(response.headers.get('Set-Cookie')).toMatch(/;\s*Secure/i)
    // Anyone else's X-Forwarded-Proto is not believed: plain http, so the cookie could not be Secure.
    const untrusted = await bff.request('/api/session', { ...init, origin: 'http://portal.test', peer: '10.0.0.3' })
    expect(untrusted.status).toBe(200)
    expect(untrusted.headers.get('Set-Cookie')).not.toMatch(/;\s*Secure/i)
  })

  test('uses the configured cookie name', async () => {
    const bff = useBff({ env: { AUTH_COOKIE: 'my_session' } })
    const response = await bff.request('/api/session', { method: 'POST', json: { user_id: ALICE.id } })
    expect(response.headers.get('Set-Cookie')).toMatch(/^my_session=/)
  })

  test('an unknown user: 422 unknown_user and no cookie', async () => {
    const bff = useBff()
    const response = await bff.request('/api/session', { method: 'POST', json: { user_id: 'u-nobody' } })
    expect(response.status).toBe(422)
    expect(await response.json()).toMatchObject({ error: { code: 'unknown_user', details: { user_id: 'u-nobody' } } })
    expect(response.headers.get('Set-Cookie')).toBeNull()
  })

  test('a body without user_id, or with extra fields: 400 invalid_request', async () => {
    const bff = useBff()
    for (const json of [{}, { user_id: '' }, { user_id: ALICE.id, admin: true }]) {
      const response = await bff.request('/api/session', { method: 'POST', json })
      expect(response.status).toBe(400)
      expect(await response.json()).toMatchObject({ error: { code: 'invalid_request', details: expect.any(Object) } })
    }
  })

  test('a body that is not JSON at all: 400 invalid_json', async () => {
    const bff = useBff()
    const response = await bff.request('/api/session', {
      method: 'POST',
      body: '{"user_id":',
      headers: { 'Content-Type': 'application/json' },
    })
    expect(response.status).toBe(400)
    expect(await response.json()).toMatchObject({ error: { code: 'invalid_json' } })
  })

  test('without the sandbox (a real upstream) sign-in is not offered: 404', async () => {
    const bff = useBff({ sandboxMode: false })
    const response = await bff.request('/api/session', { method: 'POST', json: { user_id: ALICE.id } })
    expect(response.status).toBe(404)
    expect(await response.json()).toMatchObject({ error: { code: 'not_found' } })
    expect(response.headers.get('Set-Cookie')).toBeNull()
  })
})

describe('DELETE /api/session', () => {
  test('204 and the session cookie is cleared for the whole site', async () => {
    const bff = useBff()
    const response = await bff.request('/api/session', { method: 'DELETE', as: 'alice' })
    expect(response.status).toBe(204)
    expect(await response.text()).toBe('')
    const cookie = response.headers.get('Set-Cookie') ?? ''
    expect(cookie).toMatch(/^bge_auth_token=;/)
    expect(cookie).toMatch(/Max-Age=0/i)
    expect(cookie).toMatch(/;\s*Path=\/(;|$)/)
  })

  test('also when nobody is signed in', async () => {
    const bff = useBff()
    const response = await bff.request('/api/session', { method: 'DELETE' })
    expect(response.status).toBe(204)
  })
})

describe('GET /api/sandbox/users', () => {
  test('lists the fixture users by id and name, never their tokens', async () => {
    const bff = useBff()
    const response = await bff.request('/api/sandbox/users')
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({
      users: [
        { id: ALICE.id, name: ALICE.name },
        { id: BOB.id, name: BOB.name },
      ],
    })
  })

  test('404 without the sandbox', async () => {
    const bff = useBff({ sandboxMode: false })
    const response = await bff.request('/api/sandbox/users')
    expect(response.status).toBe(404)
    expect(await response.json()).toMatchObject({ error: { code: 'not_found' } })
  })
})
