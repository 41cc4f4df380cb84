import { http, HttpResponse } from 'msw'
import { beforeEach, describe, expect, test, vi } from 'vitest'
import { sessionSchema } from '@/contract/api'
import { server } from '../../test/support/msw-handlers'

const ALICE = { user: { id: 'u-alice', name: 'Alice' } }
const FETCHED = { user: { id: 'u-fetched', name: 'Fetched' } }

/** As the BFF streams it (server/pages/page-data.ts), already escaped for HTML. */
function embed(id: number, json: string) {
  const element = document.createElement('script')
  element.type = 'application/json'
  element.id = `bge-data-${id}`
  element.textContent = json
  document.body.append(element)
}

let requests: string[]
beforeEach(() => {
  document.body.replaceChildren()
  requests = []
  server.events.removeAllListeners()
  server.events.on('request:start', ({ request }) => requests.push(new URL(request.url).pathname))
  server.use(http.get('/api/session', () => HttpResponse.json(FETCHED)))
  // The answers are read once per document: each test is a fresh page load.
  vi.resetModules()
})

/** The fetch client of a freshly loaded page. */
const client = () => import('./http')

describe('answers embedded in the page', () => {
  test('an embedded answer is used instead of a request, once: its element is gone and the next call fetches', async () => {
    embed(0, JSON.stringify({ v: 1, path: '/api/session', status: 200, body: ALICE }))
    const { apiGet } = await client()
    await expect(apiGet('/api/session', sessionSchema)).resolves.toEqual(ALICE)
    expect(requests).toEqual([])
    expect(document.getElementById('bge-data-0')).toBeNull()
    await expect(apiGet('/api/session', sessionSchema)).resolves.toEqual(FETCHED)
    expect(requests).toEqual(['/api/session'])
  })

  test('an embedded error answer is the ApiError a fetched one would be', async () => {
    const envelope = { error: { code: 'unauthenticated', message: 'Please sign in.', upstream_code: 40008, details: { client_id: 'x' } } }
    embed(0, JSON.stringify({ v: 1, path: '/api/session', status: 401, body: envelope }))
    const embedded = await (await client()).apiGet('/api/session', sessionSchema).catch((error: unknown) => error)

    vi.resetModules()
    server.use(http.get('/api/session', () => HttpResponse.json(envelope, { status: 401 })))
    const { apiGet, ApiError } = await client()
    const fetched = await apiGet('/api/session', sessionSchema).catch((error: unknown) => error)
    expect(fetched).toBeInstanceOf(ApiError)
    expect(embedded).toEqual(fetched)
    expect(embedded).toMatchObject({ status: 401, code: 'unauthenticated', upstreamCode: 40008, details: { client_id: 'x' } })
  })

  test('an embedded answer the schema refuses is a bad_response, as fetched', async () => {
    embed(0, JSON.stringify({ v: 1, path: '/api/session', status: 200, body: { user: { id: 1 } } }))
    const { apiGet } = await client()
    await expect(apiGet('/api/session', sessionSchema)).rejects.toMatchObject({ status: 200, code: 'bad_response' })
    expect(requests).toEqual([])
  })

  test('escaped text reads back as sent', async () => {
    const name = '</script><!-- & \u2028'
    embed(0, `{"v":1,"path":"/api/session","status":200,"body":{"user":{"id":"u-1","name":"\\u003c/script\\u003e\\u003c!-- \\u0026 \\u2028"}}}`)
    await expect((await client()).apiGet('/api/session', sessionSchema)).resolves.toEqual({ user: { id: 'u-1', name } })
  })

  test.each([
    ['unparseable', '{"v":1,"path":"/api/session",'],
    ['of another shape version', JSON.stringify({ v: 2, path: '/api/session', status: 200, body: ALICE })],
    ['for another URL', JSON.stringify({ v: 1, path: '/api/session?x=1', status: 200, body: ALICE })],
  ])('an answer %s is ignored: the page fetches', async (_, json) => {
    embed(0, json)
    await expect((await client()).apiGet('/api/session', sessionSchema)).resolves.toEqual(FETCHED)
    expect(requests).toEqual(['/api/session'])
  })

  test('an answer read when the document is no longer young is stale: the page fetches', async () => {
    embed(0, JSON.stringify({ v: 1, path: '/api/session', status: 200, body: ALICE }))
    vi.spyOn(performance, 'now').mockReturnValue(31_000)
    await expect((await client()).apiGet('/api/session', sessionSchema)).resolves.toEqual(FETCHED)
    expect(requests).toEqual(['/api/session'])
  })

  test('state-changing calls never take an embedded answer', async () => {
    embed(0, JSON.stringify({ v: 1, path: '/api/session', status: 200, body: ALICE }))
    server.use(http.post('/api/session', () => HttpResponse.json(FETCHED)))
    await expect((await client()).apiSend('POST', '/api/session', { user_id: 'u' }, sessionSchema)).resolves.toEqual(FETCHED)
  })
})
