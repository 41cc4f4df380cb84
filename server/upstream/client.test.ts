import { createServer, type RequestListener, type Server } from 'node:http'
import { getRequestListener } from '@hono/node-server'
import { afterEach, describe, expect, it } from 'vitest'
import { createSandbox } from '../sandbox/app'
import { demoFixtures } from '../sandbox/fixtures'
import { openStore } from '../sandbox/store'
import { Deadline } from '../http/deadline'
import { createUpstreamClient, type UpstreamClient, type UpstreamClientOptions } from './client'
import { toApiError, UpstreamFault, UpstreamRefusal } from './errors'
import { upstreamGrantsSchemaFor } from './schemas'
import { formatTimestamp, verifySignature } from './signature'

const SECRET = 'test-secret'
const NOW = new Date('2026-11-22T08:00:00.000Z')

interface SentRequest {
  url: string
  method: string
  contentType: string | null
  params: Record<string, string>
}

type Responder = (request: SentRequest, signal: AbortSignal) => Response | Promise<Response>

const APPLICATION = {
  client_id: 'ex8FoZjiSmjAlbg0XiqGmaTSIT3SGxoJYnslDGqB',
  name: '测试应用',
  logo: '',
  description: '',
  redirect_uri: 'http://test.cn',
  client_type: 'confidential',
  authorization_grant_type: 'authorization-code',
  wxmp_app_id: '',
  scopes: [{ scope: 'profile.default', title: '基本信息', message: '读取头像、用户名、昵称以及性别等基本用户信息' }],
}

const GRANT = {
  biosample_ids: [
    { type: 'Lowpass', biosample_id: 'E-S13624792132' },
    { type: 'Full', biosample_id: 'E-B13624792132' },
  ],
  grant_time: '2021-03-19 07:00:41',
  application: { client_id: '84CyOIuRi02ECbp1t9t688NPsBLSoRU6NtJkL5I8', logo: 'http://localhost:8000/test.jpg', name: '测试应用' },
}

function ok(data: unknown): Response {
  return Response.json({ code: 0, msg: 'success', data })
}

/** A client whose fetch is `respond`; `sent` records every request it made. */
function clientWith(respond: Responder, options: Partial<UpstreamClientOptions> = {}) {
  const sent: SentRequest[] = []
  const fakeFetch: typeof fetch = async (input, init) => {
    const request: SentRequest = {
      url: String(input),
      method: init?.method ?? 'GET',
      contentType: new Headers(init?.headers).get('Content-Type'),
      params: Object.fromEntries(new URLSearchParams(String(init?.body ?? ''))),
    }
    sent.push(request)
    return respond(request, init?.signal ?? new AbortController().signal)
  }
  const client = createUpstreamClient({
    baseUrl: 'https://upstream.test/',
    appKey: 'portal-key',
    appSecret: SECRET,
    timeoutMs: 1000,
    samplesPath: '/custom/samples',
    userPath: '/custom/user',
    timeZone: 'Asia/Shanghai',
    backoffMs: 1,
    fetch: fakeFetch,
    now: () => NOW,
    ...options,
  })
  return { client, sent }
}

/** Fails `failures` times with `fail`, then answers `success`. */
function flaky(failures: number, fail: () => Response | Promise<Response>, success: () => Response): Responder {
  let calls = 0
  return () => (calls++ < failures ? fail() : success())
}

const networkDown = () => Promise.reject(new TypeError('fetch failed'))

describe('requests', () => {
  it('posts a signed form with app_key, a nonce and a timestamp', async () => {
    const { client, sent } = clientWith(() => ok(APPLICATION))
    await client.application({ client_id: APPLICATION.client_id, redirect_uri: 'http://test.cn/cb?x=1&y=a b' })
    expect(sent).toHaveLength(1)
    const [request] = sent
    expect(request?.url).toBe('https://upstream.test/openbge/oauth2/application')
    expect(request?.method).toBe('POST')
    expect(request?.contentType).toBe('application/x-www-form-urlencoded')
    expect(request?.params).toMatchObject({
      client_id: APPLICATION.client_id,
      redirect_uri: 'http://test.cn/cb?x=1&y=a b',
      app_key: 'portal-key',
      timestamp: formatTimestamp(NOW),
    })
    expect(request?.params.signature_nonce).toMatch(/^[0-9a-f]{32}$/)
    expect(verifySignature(request?.params ?? {}, SECRET)).toBe(true)
    expect(verifySignature(request?.params ?? {}, 'another-secret')).toBe(false)
  })

  it('sends biosample_ids as a JSON string and leaves out absent parameters', async () => {
    const { client, sent } = clientWith((request) =>
      request.url.endsWith('/authorize') ? ok({ code: 'c0de', redirect_uri: 'http://test.cn', wxmp_app_id: '' }) : ok([]),
    )
    await client.authorize({
      client_id: 'app',
      redirect_uri: 'http://test.cn',
      auth_token: 'tok',
      biosample_ids: [{ biosample_id: 'E-F19955300137', type: 'Lowpass' }],
    })
    expect(JSON.parse(sent[0]?.params.biosample_ids ?? '')).toEqual([{ biosample_id: 'E-F19955300137', type: 'Lowpass' }])
    expect(verifySignature(sent[0]?.params ?? {}, SECRET)).toBe(true)

    await client.grants({ auth_token: 'tok' })
    expect(sent[1]?.params).not.toHaveProperty('client_id')
    expect(verifySignature(sent[1]?.params ?? {}, SECRET)).toBe(true)
  })

  it('uses the configured paths for samples and the user', async () => {
    const { client, sent } = clientWith((request) =>
      request.url.endsWith('/custom/user')
        ? ok({ id: 12345, name: null })
        : ok([{ biosample_id: 'E-1', type: 'Full', status: 2, sample_time: null, project_name: null }]),
    )
    expect(await client.user({ auth_token: 'tok' })).toEqual({ id: '12345', name: '' })
    expect(await client.biosamples({ auth_token: 'tok' })).toEqual([
      { biosample_id: 'E-1', type: 'Full', status: 2, sample_time: '', project_name: '' },
    ])
    expect(sent.map((r) => new URL(r.url).pathname)).toEqual(['/custom/user', '/custom/samples'])
  })

  it('reads null strings of an application as empty', async () => {
    const { client } = clientWith(() => ok({ ...APPLICATION, logo: null, description: null, wxmp_app_id: null, scopes: null }))
    const app = await client.application({ client_id: APPLICATION.client_id, redirect_uri: 'http://test.cn' })
    expect(app).toMatchObject({ logo: '', description: '', wxmp_app_id: '', scopes: [] })
  })
})

describe('grants shapes', () => {
  it.each([
    ['one object', GRANT, 1],
    ['a list', [GRANT, { ...GRANT, application: { ...GRANT.application, client_id: 'other' } }], 2],
    ['an empty list', [], 0],
    ['null', null, 0],
    ['nothing', undefined, 0],
    ['an empty object', {}, 0],
  ])('normalises %s into a list', async (_name, data, count) => {
    const { client } = clientWith(() => ok(data))
    const grants = await client.grants({ auth_token: 'tok', client_id: 'x' })
    expect(grants).toHaveLength(count)
    // The platform's wall clock in Asia/Shanghai (UTC+8), as a UTC instant.
    if (count > 0) expect(grants[0]).toEqual({ ...GRANT, grant_time: '2021-03-18T23:00:41Z' })
    expect(upstreamGrantsSchemaFor('Asia/Shanghai').parse(data)).toEqual(grants)
  })

  it('reads grant times in the zone it is given', () => {
    expect(upstreamGrantsSchemaFor('UTC').parse(GRANT)[0]?.grant_time).toBe('2021-03-19T07:00:41Z')
    expect(upstreamGrantsSchemaFor('America/New_York').parse(GRANT)[0]?.grant_time).toBe('2021-03-19T11:00:41Z')
  })

  it('refuses a shape it does not know', () => {
    const schema = upstreamGrantsSchemaFor('Asia/Shanghai')
    expect(() => schema.parse({ grants: 'nope' })).toThrow()
    expect(() => schema.parse('nope')).toThrow()
  })
})

describe('retries', () => {
  const reads: [string, (client: UpstreamClient) => Promise<unknown>, unknown][] = [
    ['application', (c) => c.application({ client_id: 'a', redirect_uri: 'http://test.cn' }), APPLICATION],
    ['grants', (c) => c.grants({ auth_token: 'tok' }), []],
    ['biosamples', (c) => c.biosamples({ auth_token: 'tok' }), []],
    ['user', (c) => c.user({ auth_token: 'tok' }), { id: 'u', name: 'U' }],
    ['revokeGrant', (c) => c.revokeGrant({ auth_token: 'tok', client_id: 'a' }), ''],
  ]

  it.each(reads)('%s retries faults with a fresh nonce and signature', async (_name, call, data) => {
    const { client, sent } = clientWith(flaky(2, networkDown, () => ok(data)))
    await call(client)
    expect(sent).toHaveLength(3)
    expect(new Set(sent.map((r) => r.params.signature_nonce)).size).toBe(3)
    expect(new Set(sent.map((r) => r.params.sign)).size).toBe(3)
    for (const request of sent) expect(verifySignature(request.params, SECRET)).toBe(true)
  })

  it.each(reads)('%s gives up after the configured retries', async (_name, call) => {
    const { client, sent } = clientWith(() => new Response('busy', { status: 503 }), { retries: 1 })
    const error = await call(client).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(UpstreamFault)
    expect((error as UpstreamFault).kind).toBe('http_status')
    expect(sent).toHaveLength(2)
  })

  it.each(reads)('%s does not retry a refusal', async (_name, call) => {
    const { client, sent } = clientWith(() => Response.json({ code: 40008, msg: 'access_token不存在或已过期' }))
    const error = await call(client).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(UpstreamRefusal)
    expect((error as UpstreamRefusal).code).toBe(40008)
    expect(sent).toHaveLength(1)
  })

  it('never retries authorize, even after a fault', async () => {
    const { client, sent } = clientWith(flaky(1, networkDown, () => ok({ code: 'c', redirect_uri: '', wxmp_app_id: '' })))
    const error = await client.authorize({ client_id: 'a', redirect_uri: 'http://test.cn', auth_token: 'tok' }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(UpstreamFault)
    expect((error as UpstreamFault).kind).toBe('network')
    expect(sent).toHaveLength(1)
  })

  it('waits longer before each retry', async () => {
    const times: number[] = []
    const { client } = clientWith(
      () => {
        times.push(performance.now())
        return networkDown()
      },
      { backoffMs: 20, retries: 2 },
    )
    await expect(client.user({ auth_token: 'tok' })).rejects.toBeInstanceOf(UpstreamFault)
    const [a = 0, b = 0, c = 0] = times
    // 20 ms then 40 ms, each scaled by a jitter of 0.5–1.5.
    expect(b - a).toBeGreaterThanOrEqual(9)
    expect(c - b).toBeGreaterThanOrEqual(19)
  })
})

describe('the call\'s deadline', () => {
  const hang: Responder = (_request, signal) =>
    new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true }))

  it('cuts an attempt to what is left of it', async () => {
    const { client, sent } = clientWith(hang, { timeoutMs: 5000 })
    const started = performance.now()
    const error = await client.user({ auth_token: 'tok' }, { deadline: Deadline.after(60) }).catch((e: unknown) => e)
    expect(error).toMatchObject({ name: 'UpstreamFault', kind: 'timeout' })
    expect(sent).toHaveLength(1)
    expect(performance.now() - started).toBeLessThan(1000)
  })

  it('calls nothing once it has passed', async () => {
    const { client, sent } = clientWith(() => ok({ id: 'u', name: 'U' }))
    let now = 0
    const deadline = Deadline.after(10, () => now)
    now = 10
    await expect(client.user({ auth_token: 'tok' }, { deadline })).rejects.toMatchObject({ kind: 'timeout' })
    await expect(
      client.authorize({ client_id: 'a', redirect_uri: 'http://test.cn', auth_token: 'tok' }, { deadline }),
    ).rejects.toMatchObject({ kind: 'timeout' })
    expect(sent).toEqual([])
  })

  it('starts no retry that the time left cannot hold, and answers with the last fault', async () => {
    const { client, sent } = clientWith(() => new Response('busy', { status: 503 }), { backoffMs: 40, minAttemptMs: 100 })
    const error = await client.grants({ auth_token: 'tok' }, { deadline: Deadline.after(120) }).catch((e: unknown) => e)
    expect(error).toMatchObject({ kind: 'http_status', status: 503 })
    expect(sent).toHaveLength(1)
    // With room to spare, the same faults are retried as configured.
    const roomy = clientWith(() => new Response('busy', { status: 503 }), { backoffMs: 1, minAttemptMs: 100 })
    await roomy.client.grants({ auth_token: 'tok' }, { deadline: Deadline.after(5000) }).catch(() => undefined)
    expect(roomy.sent).toHaveLength(3)
  })
})

describe('faults', () => {
  it('turns a missed deadline into a timeout fault', async () => {
    const hang: Responder = (_request, signal) =>
      new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true }))
    const { client, sent } = clientWith(hang, { timeoutMs: 20, retries: 1 })
    const started = performance.now()
    const error = await client.user({ auth_token: 'tok' }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(UpstreamFault)
    expect((error as UpstreamFault).kind).toBe('timeout')
    expect(sent).toHaveLength(2)
    expect(performance.now() - started).toBeGreaterThanOrEqual(35)
  })

  it.each([
    ['a non-JSON body', () => new Response('<html>502</html>', { status: 200 })],
    ['JSON that is not the envelope', () => Response.json({ ok: true })],
    ['data of the wrong shape', () => ok({ name: 'no id' })],
  ])('calls %s malformed', async (_name, respond) => {
    const { client } = clientWith(respond, { retries: 0 })
    const error = await client.user({ auth_token: 'tok' }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(UpstreamFault)
    expect((error as UpstreamFault).kind).toBe('malformed')
  })

  it('reports an HTTP error status with the status', async () => {
    const { client } = clientWith(() => new Response('oops', { status: 500 }), { retries: 0 })
    const error = await client.grants({ auth_token: 'tok' }).catch((e: unknown) => e)
    expect(error).toMatchObject({ kind: 'http_status', status: 500, path: '/openbge/oauth2/grants' })
  })

  it('keeps the auth_token out of error messages', async () => {
    const { client } = clientWith(() => Response.json({ code: 40008, msg: 'expired' }))
    const error = await client.grants({ auth_token: 'secret-token-123' }).catch((e: unknown) => e)
    expect(String((error as Error).message)).not.toContain('secret-token-123')
    expect(toApiError(error).message).not.toContain('secret-token-123')
  })
})

describe('toApiError', () => {
  it.each([
    [40001, 400, 'invalid_request'],
    [40002, 422, 'invalid_client'],
    [40003, 422, 'redirect_uri_not_registered'],
    [40004, 502, 'upstream_protocol_error'],
    [40005, 502, 'upstream_protocol_error'],
    [40006, 422, 'redirect_uri_mismatch'],
    [40007, 502, 'upstream_protocol_error'],
    [40008, 401, 'unauthenticated'],
    [40009, 502, 'upstream_protocol_error'],
    [40010, 502, 'upstream_protocol_error'],
    [40011, 401, 'unauthenticated'],
    [40012, 502, 'upstream_credentials_rejected'],
    [40013, 502, 'upstream_protocol_error'],
    [40014, 502, 'upstream_protocol_error'],
    [40015, 403, 'application_blocked'],
    [50000, 502, 'upstream_error'],
    [-1, 502, 'upstream_error'],
  ])('maps refusal %i to %i %s', (code, status, apiCode) => {
    const mapped = toApiError(new UpstreamRefusal(code, '错误'))
    expect(mapped).toMatchObject({ status, code: apiCode, upstream_code: code })
    expect(mapped.message).toMatch(/^[A-Z].*\.$/)
  })

  it('says in plain words that an app is not registered', () => {
    expect(toApiError(new UpstreamRefusal(40002, '非法client_id')).message).toBe('This app is not registered with BGE.')
  })

  it.each([
    ['timeout', 504, 'upstream_timeout'],
    ['network', 502, 'upstream_unavailable'],
    ['http_status', 502, 'upstream_unavailable'],
    ['malformed', 502, 'upstream_unavailable'],
  ] as const)('maps a %s fault to %i %s', (kind, status, code) => {
    const mapped = toApiError(new UpstreamFault(kind, 'x'))
    expect(mapped).toEqual({ status, code, message: expect.any(String) })
  })

  it('answers anything else with a generic 500', () => {
    expect(toApiError(new Error('boom'))).toEqual({ status: 500, code: 'internal_error', message: expect.any(String) })
    expect(toApiError('boom').code).toBe('internal_error')
    expect(toApiError(new Error('boom')).message).not.toContain('boom')
  })
})

describe('against the sandbox', () => {
  function sandboxClient() {
    const store = openStore(':memory:')
    store.replaceWith(demoFixtures)
    const sandbox = createSandbox({ store, appKey: 'portal-key', appSecret: SECRET, timeZone: 'Asia/Shanghai' })
    const client = createUpstreamClient({
      baseUrl: 'http://sandbox.test/private-api',
      appKey: 'portal-key',
      appSecret: SECRET,
      timeoutMs: 2000,
      samplesPath: '/openbge/user/biosamples',
      userPath: '/openbge/user/profile',
      timeZone: 'Asia/Shanghai',
      fetch: (input, init) => Promise.resolve(sandbox.request(String(input), init)),
    })
    const token = store.authTokenOf('u-demo') ?? ''
    return { client, token }
  }

  it('authorizes and lists the grant, then revokes it', async () => {
    const { client, token } = sandboxClient()
    const redirect_uri = 'http://localhost:3000/sandbox/callback'
    const app = await client.application({ client_id: 'demo-app', redirect_uri })
    expect(app).toMatchObject({ client_id: 'demo-app', name: 'Gene Insight', redirect_uri })
    const user = await client.user({ auth_token: token })
    expect(user).toEqual({ id: 'u-demo', name: 'Li Wei' })
    const [first] = await client.biosamples({ auth_token: token })
    const ref = { biosample_id: first?.biosample_id ?? '', type: first?.type ?? '' }
    const granted = await client.authorize({ client_id: 'demo-app', redirect_uri, auth_token: token, biosample_ids: [ref] })
    expect(granted.code).toMatch(/^[A-Za-z0-9]{30}$/)
    expect(await client.grants({ auth_token: token, client_id: 'demo-app' })).toEqual([
      expect.objectContaining({ application: expect.objectContaining({ client_id: 'demo-app' }), biosample_ids: [ref] }),
    ])
    await client.revokeGrant({ auth_token: token, client_id: 'demo-app' })
    expect(await client.grants({ auth_token: token })).toEqual([])
  })

  it('surfaces the sandbox refusals', async () => {
    const { client } = sandboxClient()
    await expect(client.application({ client_id: 'nope', redirect_uri: 'http://test.cn' })).rejects.toMatchObject({ code: 40002 })
    await expect(client.user({ auth_token: 'nope' })).rejects.toMatchObject({ code: 40008 })
  })
})

describe('the default transport, over loopback HTTP', () => {
  const servers: Server[] = []
  afterEach(async () => {
    // The client's pool keeps its connections for seconds; close them rather than wait.
    await Promise.all(servers.splice(0).map((server) => new Promise((done) => server.close(done).closeAllConnections())))
  })

  /** A server on a free loopback port, answered by `handler`; counts the connections it accepts. */
  async function listen(handler: RequestListener): Promise<{ baseUrl: string; connections: () => number }> {
    let connections = 0
    const server = createServer(handler)
    server.on('connection', () => connections++)
    servers.push(server)
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
    const address = server.address()
    const port = typeof address === 'object' && address ? address.port : 0
    return { baseUrl: `http://127.0.0.1:${port}`, connections: () => connections }
  }

  function clientOf(baseUrl: string, timeoutMs = 2000) {
    return createUpstreamClient({ baseUrl, appKey: 'portal-key', appSecret: SECRET, timeoutMs, samplesPath: '/s', userPath: '/u', timeZone: 'Asia/Shanghai', retries: 0 })
  }

  it('posts the signed form and keeps its connections alive', async () => {
    const store = openStore(':memory:')
    store.replaceWith(demoFixtures)
    const sandbox = createSandbox({ store, appKey: 'portal-key', appSecret: SECRET, timeZone: 'Asia/Shanghai' })
    const server = await listen(getRequestListener(sandbox.fetch))
    const client = clientOf(`${server.baseUrl}/private-api`)
    const redirect_uri = 'http://localhost:3000/sandbox/callback'
    for (let i = 0; i < 6; i++) {
      expect(await client.application({ client_id: 'demo-app', redirect_uri })).toMatchObject({ client_id: 'demo-app', redirect_uri })
    }
    await expect(client.application({ client_id: 'nope', redirect_uri })).rejects.toMatchObject({ code: 40002 })
    // Without keep-alive each call would open its own; the pool may open a second while the first
    // is being released.
    expect(server.connections()).toBeLessThanOrEqual(2)
  })

  it('a deadline, an HTTP error, a redirect and a closed port are faults of their kind', async () => {
    const silent = await listen(() => undefined)
    await expect(clientOf(silent.baseUrl, 100).user({ auth_token: 't' })).rejects.toMatchObject({ kind: 'timeout' })
    const failing = await listen((_req, res) => res.writeHead(500).end('Internal Server Error'))
    await expect(clientOf(failing.baseUrl).user({ auth_token: 't' })).rejects.toMatchObject({ kind: 'http_status', status: 500 })
    let followed = 0
    const redirecting = await listen((req, res) => {
      if (req.url === '/elsewhere') followed++
      res.writeHead(302, { Location: '/elsewhere' }).end()
    })
    await expect(clientOf(redirecting.baseUrl).user({ auth_token: 't' })).rejects.toMatchObject({ kind: 'http_status', status: 302 })
    expect(followed).toBe(0)
    const closed = await listen(() => undefined)
    servers.pop()?.close()
    await new Promise((done) => setTimeout(done, 10))
    await expect(clientOf(closed.baseUrl).user({ auth_token: 't' })).rejects.toMatchObject({ kind: 'network' })
  })
})
