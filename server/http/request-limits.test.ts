// What the portal accepts as a request at all (server/http/request-limits.ts): parameters given twice,
// empty required values, oversized addresses and bodies, and keys that name Object's prototype.
import { describe, expect, test } from 'vitest'
import { useBff, WEB_APP } from '../../test/support/bff'
import { MAX_JSON_BODY_BYTES, MAX_REQUEST_TARGET_BYTES } from './request-limits'

const SAMPLES = [{ biosample_id: 'E-A0001', type: 'Lowpass' }]

describe('a query parameter given twice on /api: 400 duplicate_parameter naming it, upstream not asked', () => {
  test.each([
    ['/api/oauth2/application?client_id=web-app&client_id=profile-app&redirect_uri=x', 'client_id'],
    [`/api/oauth2/application?${new URLSearchParams(WEB_APP)}&redirect_uri=https%3A%2F%2Fevil.example%2F`, 'redirect_uri'],
    [`/api/oauth2/application?${new URLSearchParams(WEB_APP)}&scope=`, 'scope'],
    ['/api/oauth2/grants?client_id=a&client_id=a', 'client_id'],
    ['/api/biosamples?x=1&x=2', 'x'],
    ['/api/session?__proto__=1&__proto__=2', '__proto__'],
  ])('%s', async (path, parameter) => {
    const bff = useBff()
    const response = await bff.request(path, { as: 'alice' })
    expect(response.status).toBe(400)
    expect(await response.json()).toEqual({
      error: { code: 'duplicate_parameter', message: expect.stringContaining(parameter), details: { parameter }, request_id: expect.any(String) },
    })
    expect(bff.upstreamCalls).toEqual([])
  })

  test('on a state-changing request too, before anything is done', async () => {
    const bff = useBff()
    const response = await bff.request('/api/oauth2/grants/profile-app?a=1&a=1', { method: 'DELETE', as: 'bob' })
    expect(response.status).toBe(400)
    expect(await response.json()).toMatchObject({ error: { code: 'duplicate_parameter', details: { parameter: 'a' } } })
    expect(bff.upstreamCalls).toEqual([])
  })

  test('the consent page itself is still served (the SPA shows its error page), reflecting nothing of the query', async () => {
    const bff = useBff()
    const response = await bff.request('/oauth2/authorize?client_id=web-app&client_id=evil-marker-1&state=%3Cscript%3Eevil-marker-2')
    expect(response.status).toBe(400)
    const html = await response.text()
    expect(html).toContain('duplicate_parameter')
    expect(html).not.toMatch(/evil-marker|<script>/)
  })
})

test('empty required values: 400 invalid_request naming each', async () => {
  const bff = useBff()
  const response = await bff.request('/api/oauth2/application?client_id=&redirect_uri=')
  expect(response.status).toBe(400)
  expect(await response.json()).toMatchObject({
    error: { code: 'invalid_request', details: { client_id: 'client_id is required', redirect_uri: 'redirect_uri is required' } },
  })
  const grants = await bff.request('/api/oauth2/grants?client_id=', { as: 'bob' })
  expect(grants.status).toBe(400)
  expect(await grants.json()).toMatchObject({ error: { code: 'invalid_request', details: { client_id: expect.any(String) } } })
  const { ticket, language } = await bff.consent('alice', WEB_APP)
  for (const empty of ['ticket', 'client_id', 'redirect_uri']) {
    const decided = await bff.request('/api/oauth2/authorize', {
      method: 'POST',
      as: 'alice',
      json: { ticket, language, ...WEB_APP, separate_consent: true, biosample_ids: SAMPLES, [empty]: '' },
    })
    expect(decided.status).toBe(400)
    expect(await decided.json()).toMatchObject({ error: { code: 'invalid_request', details: { [empty]: expect.any(String) } } })
  }
})

describe(`addresses longer than ${MAX_REQUEST_TARGET_BYTES} bytes`, () => {
  test('on /api: 414 uri_too_long, upstream not asked', async () => {
    const bff = useBff()
    const response = await bff.request(`/api/oauth2/application?${new URLSearchParams({ ...WEB_APP, state: 'x'.repeat(100_000) })}`)
    expect(response.status).toBe(414)
    expect(await response.json()).toEqual({ error: { code: 'uri_too_long', message: expect.any(String), request_id: expect.any(String) } })
    expect(response.headers.get('Cache-Control')).toBe('no-store')
    expect(bff.upstreamCalls).toEqual([])
  })

  test('a consent link: 414 with a short text that reflects nothing, and a log line of bounded length', async () => {
    const bff = useBff()
    const query = new URLSearchParams({ ...WEB_APP, response_type: 'code', state: `<script>evil-marker</script>${'s'.repeat(64 * 1024)}` })
    const response = await bff.request(`/oauth2/authorize?${query}`)
    expect(response.status).toBe(414)
    expect(response.headers.get('Content-Type')).toMatch(/^text\/plain/)
    expect(response.headers.get('Content-Security-Policy')).toContain("frame-ancestors 'none'")
    expect(await response.text()).not.toMatch(/evil-marker|script|sss/)
    const path = `/${'p'.repeat(100_000)}`
    expect((await bff.request(path)).status).toBe(414)
    expect(Math.max(...bff.logs.map((line) => line.length))).toBeLessThan(300)
  })

  test(`exactly ${MAX_REQUEST_TARGET_BYTES} bytes is still served`, async () => {
    const bff = useBff()
    const base = `/oauth2/authorize?${new URLSearchParams({ ...WEB_APP, response_type: 'code' })}&state=`
    const atLimit = base + 'a'.repeat(MAX_REQUEST_TARGET_BYTES - base.length)
    expect((await bff.request(atLimit, { as: 'alice' })).status).toBe(200)
    expect((await bff.request(`${atLimit}a`)).status).toBe(414)
  })
})

describe('JSON bodies', () => {
  test(`over ${MAX_JSON_BODY_BYTES / 1024} KiB: 413 payload_too_large, upstream not asked`, async () => {
    const bff = useBff()
    const { ticket, language } = await bff.consent('alice', WEB_APP)
    const callsBefore = bff.upstreamCalls.length
    const response = await bff.request('/api/oauth2/authorize', {
      method: 'POST',
      as: 'alice',
      json: { ticket, language, ...WEB_APP, state: 'x'.repeat(MAX_JSON_BODY_BYTES), separate_consent: true, biosample_ids: SAMPLES },
    })
    expect(response.status).toBe(413)
    expect(await response.json()).toEqual({ error: { code: 'payload_too_large', message: expect.any(String), request_id: expect.any(String) } })
    expect(bff.upstreamCalls.length).toBe(callsBefore)
  })

  test.each([
    ['__proto__', '{"user_id":"u-alice","__proto__":{"admin":true}}'],
    ['constructor', '{"user_id":"u-alice","constructor":{"prototype":{"admin":true}}}'],
    ['nested __proto__', '{"ticket":"t","client_id":"c","redirect_uri":"r","biosample_ids":[{"biosample_id":"E-A0001","type":"x","__proto__":{"admin":true}}]}'],
  ])('a %s key is an unknown field: 400 invalid_request, and nothing is polluted', async (_name, body) => {
    const bff = useBff()
    const path = body.includes('ticket') ? '/api/oauth2/authorize' : '/api/session'
    const response = await bff.request(path, { method: 'POST', as: 'alice', body, headers: { 'Content-Type': 'application/json' } })
    expect(response.status).toBe(400)
    expect(await response.json()).toMatchObject({ error: { code: 'invalid_request', details: expect.any(Object) } })
    expect(({} as Record<string, unknown>).admin).toBeUndefined()
    expect(Object.prototype).not.toHaveProperty('admin')
    expect(response.headers.get('Set-Cookie')).toBeNull()
  })
})

test('__proto__ and constructor in a query: ignored as unknown parameters, nothing polluted', async () => {
  const bff = useBff()
  const response = await bff.request(
    `/api/oauth2/application?${new URLSearchParams(WEB_APP)}&__proto__[admin]=1&__proto__=x&constructor[prototype][admin]=1`,
  )
  expect(response.status).toBe(200)
  expect((await response.json()).application.client_id).toBe('web-app')
  expect(Object.prototype).not.toHaveProperty('admin')
})
