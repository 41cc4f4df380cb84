import { http, HttpResponse } from 'msw'
import { describe, expect, test, vi } from 'vitest'
import { z } from 'zod'
import { server } from '../../test/support/msw-handlers'
import { ApiError, apiGet, apiSend } from './http'
import type * as loadSchemasModule from './load-schemas'

const userSchema = z.object({ user: z.object({ id: z.string(), name: z.string() }) })

async function failure(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  )
  expect(error).toBeInstanceOf(ApiError)
  return error as ApiError
}

describe('apiGet', () => {
  test('parses the answer with the schema and sends the CSRF header', async () => {
    let seen: Headers | undefined
    server.use(
      http.get('/api/session', ({ request }) => {
        seen = request.headers
        return HttpResponse.json({ user: { id: 'u-1', name: 'Alice', extra: true } })
      }),
    )
    await expect(apiGet('/api/session', () => userSchema)).resolves.toEqual({ user: { id: 'u-1', name: 'Alice' } })
    expect(seen?.get('X-Requested-With')).toBe('fetch')
  })

  test('an answer that does not match the schema is a bad_response', async () => {
    server.use(http.get('/api/session', () => HttpResponse.json({ user: { id: 1 } })))
    const error = await failure(apiGet('/api/session', () => userSchema))
    expect(error).toMatchObject({ status: 200, code: 'bad_response' })
  })

  test('an answer that is not JSON is a bad_response', async () => {
    server.use(http.get('/api/session', () => new HttpResponse('<html>', { headers: { 'Content-Type': 'text/html' } })))
    expect(await failure(apiGet('/api/session', () => userSchema))).toMatchObject({ status: 200, code: 'bad_response' })
  })

  test('the error envelope becomes an ApiError with every field', async () => {
    server.use(
      http.get('/api/oauth2/application', () =>
        HttpResponse.json(
          {
            error: {
              code: 'unauthenticated',
              message: 'Please sign in.',
              upstream_code: 40008,
              login_url: '/signin?next={next}',
              details: { client_id: 'demo-app' },
            },
          },
          { status: 401 },
        ),
      ),
    )
    const error = await failure(apiGet('/api/oauth2/application?client_id=demo-app', () => z.unknown()))
    expect(error).toMatchObject({
      status: 401,
      code: 'unauthenticated',
      message: 'Please sign in.',
      upstreamCode: 40008,
      details: { client_id: 'demo-app' },
    })
  })

  test('a code this build does not know is kept as sent, with the rest of the envelope', async () => {
    server.use(
      http.get('/api/grants', () =>
        HttpResponse.json({ error: { code: 'shiny_new_refusal', message: 'New.', upstream_code: 40099 } }, { status: 422 }),
      ),
    )
    expect(await failure(apiGet('/api/grants', () => z.unknown()))).toMatchObject({
      status: 422,
      code: 'shiny_new_refusal',
      message: 'New.',
      upstreamCode: 40099,
    })
  })

  test('an error without the envelope (a proxy’s page) is a bad_response with its status', async () => {
    server.use(http.get('/api/grants', () => new HttpResponse('Bad gateway', { status: 502 })))
    expect(await failure(apiGet('/api/grants', () => z.unknown()))).toMatchObject({ status: 502, code: 'bad_response' })
  })

  test('no answer at all is a network_error with status 0', async () => {
    server.use(http.get('/api/grants', () => HttpResponse.error()))
    expect(await failure(apiGet('/api/grants', () => z.unknown()))).toMatchObject({ status: 0, code: 'network_error' })
  })

  test('a cancelled request is not reported as a failure of the API', async () => {
    server.use(http.get('/api/grants', () => new Promise(() => {})))
    const controller = new AbortController()
    const request = apiGet('/api/grants', () => z.unknown(), { signal: controller.signal })
    controller.abort()
    const error = await request.catch((caught: unknown) => caught)
    expect(error).not.toBeInstanceOf(ApiError)
  })
})

describe('apiSend', () => {
  test('sends JSON with the CSRF header and parses the answer', async () => {
    let seen: { body: unknown; type: string | null; csrf: string | null; credentials: RequestCredentials } | undefined
    server.use(
      http.post('/api/session', async ({ request }) => {
        seen = {
          body: await request.json(),
          type: request.headers.get('Content-Type'),
          csrf: request.headers.get('X-Requested-With'),
          credentials: request.credentials,
        }
        return HttpResponse.json({ user: { id: 'u-1', name: 'Alice' } })
      }),
    )
    await expect(apiSend('POST', '/api/session', { user_id: 'u-1' }, () => userSchema)).resolves.toEqual({ user: { id: 'u-1', name: 'Alice' } })
    expect(seen).toEqual({ body: { user_id: 'u-1' }, type: 'application/json', csrf: 'fetch', credentials: 'same-origin' })
  })

  test('204 without a schema resolves to undefined, and no body means no Content-Type', async () => {
    let type: string | null = 'unset'
    server.use(
      http.delete('/api/oauth2/grants/:clientId', ({ request }) => {
        type = request.headers.get('Content-Type')
        return new HttpResponse(null, { status: 204 })
      }),
    )
    await expect(apiSend('DELETE', '/api/oauth2/grants/demo-app', undefined, null)).resolves.toBeUndefined()
    expect(type).toBeNull()
  })

  test('204 where the schema wants a body is a bad_response', async () => {
    server.use(http.post('/api/oauth2/deny', () => new HttpResponse(null, { status: 204 })))
    expect(await failure(apiSend('POST', '/api/oauth2/deny', {}, () => userSchema))).toMatchObject({ status: 204, code: 'bad_response' })
  })
})

describe('the schemas, loaded with the first request', () => {
  test('are loaded while the request is under way, not before it', async () => {
    vi.resetModules()
    const order: string[] = []
    vi.doMock('./load-schemas', async () => {
      const actual = await vi.importActual<typeof loadSchemasModule>('./load-schemas')
      return { loadSchemas: () => (order.push('schemas asked for'), actual.loadSchemas()) }
    })
    server.use(http.get('/api/session', () => (order.push('request answered'), HttpResponse.json({ user: { id: 'u-1', name: 'Alice' } }))))
    const fresh = await import('./http')
    await expect(fresh.apiGet('/api/session', (s) => s.sessionSchema)).resolves.toEqual({ user: { id: 'u-1', name: 'Alice' } })
    expect(order).toEqual(['schemas asked for', 'request answered'])
    vi.doUnmock('./load-schemas')
  })

  test('that did not arrive make the answer a network_error (the portal was not wholly reached), for a success and a refusal alike', async () => {
    vi.resetModules()
    vi.doMock('./load-schemas', () => ({ loadSchemas: () => Promise.reject(new TypeError('Failed to fetch dynamically imported module')) }))
    const fresh = await import('./http')
    server.use(
      http.get('/api/session', () => HttpResponse.json({ user: { id: 'u-1', name: 'Alice' } })),
      http.post('/api/oauth2/deny', () => HttpResponse.json({ error: { code: 'ticket_used', message: 'Used.' } }, { status: 409 })),
    )
    const caught = await Promise.all([
      fresh.apiGet('/api/session', (s) => s.sessionSchema).catch((error: unknown) => error),
      fresh.apiSend('POST', '/api/oauth2/deny', {}, (s) => s.decisionResponseSchema).catch((error: unknown) => error),
    ])
    for (const error of caught) {
      expect(error).toBeInstanceOf(fresh.ApiError)
      expect(error).toMatchObject({ status: 0, code: 'network_error' })
    }
    vi.doUnmock('./load-schemas')
  })
})
