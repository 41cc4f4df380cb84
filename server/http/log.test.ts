// The log (server/http/log.ts): one JSON line per request with its request id, route template and
// platform calls; nothing secret, nothing forged.
import { describe, expect, onTestFinished, test } from 'vitest'
import { ALICE, BOB, useBff, WEB_APP, type Bff, type LogEntry } from '../../test/support/bff'
import { SANDBOX_USER_PATH } from '../config'
import { openPortalStore, StoreUnavailableError } from '../store/portal-store'
import { createLogger, lineLog, loggablePath } from './log'
import { testReceiptKeys } from '../../test/support/receipt-keys'

const GRANTS_PATH = '/openbge/oauth2/grants'
const SAMPLES = [{ biosample_id: 'E-A0001', type: 'Lowpass' }]

/** The request lines only (not the warnings and errors written along the way). */
const requestLines = (bff: Bff): LogEntry[] => bff.logEntries().filter((line) => line.msg === 'request')

describe('request lines', () => {
  test('each is one JSON object with time, level, request id, method, route template, status and duration; the id is echoed in X-Request-Id', async () => {
    const bff = useBff()
    const response = await bff.request('/api/oauth2/grants', { as: 'bob' })
    expect(response.status).toBe(200)
    const id = response.headers.get('X-Request-Id')
    expect(id).toMatch(/^[0-9a-f-]{36}$/)
    expect(bff.logs).toHaveLength(1)
    expect(JSON.parse(bff.logs[0] ?? '')).toEqual({
      level: 'info',
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      request_id: id,
      msg: 'request',
      method: 'GET',
      route: '/api/oauth2/grants',
      status: 200,
      duration_ms: expect.any(Number),
      // Asked at once, so in either order.
      platform: expect.arrayContaining([
        { path: GRANTS_PATH, outcome: 'ok', attempts: 1, duration_ms: expect.any(Number) },
        { path: SANDBOX_USER_PATH, outcome: 'ok', attempts: 1, duration_ms: expect.any(Number) },
      ]),
    })
    expect(bff.logEntries()[0]?.platform).toHaveLength(2)
  })

  test('every error envelope carries the request id of its log line and X-Request-Id; a well-formed id from in front is kept, a malformed one replaced', async () => {
    const bff = useBff()
    const refused = await bff.request('/api/session')
    expect(refused.status).toBe(401)
    const body = (await refused.json()) as { error: { request_id: string } }
    expect(body.error.request_id).toBe(refused.headers.get('X-Request-Id'))
    expect(requestLines(bff).at(-1)).toMatchObject({ request_id: body.error.request_id, route: '/api/session', status: 401 })

    const kept = await bff.request('/api/nope', { headers: { 'X-Request-Id': 'lb-7f3a9c-01' } })
    expect(kept.headers.get('X-Request-Id')).toBe('lb-7f3a9c-01')
    expect(((await kept.json()) as { error: { request_id: string } }).error.request_id).toBe('lb-7f3a9c-01')
    const forged = await bff.request('/api/nope', { headers: { 'X-Request-Id': 'x"} {"level":"fatal' } })
    expect(forged.headers.get('X-Request-Id')).toMatch(/^[0-9a-f-]{36}$/)
    expect(bff.logs.join('\n')).not.toContain('fatal')
  })

  test('routes with values log their template, never the values; pages theirs; probes are not logged', async () => {
    const bff = useBff()
    await bff.request('/api/oauth2/grants/profile-app', { method: 'DELETE', as: 'bob' })
    await bff.request('/api/records/rec-id-5d1e', { as: 'alice' })
    // Signed out: the page's render still reads (in-process, each a request line of its own).
    await bff.request('/activity/rec-id-5d1e')
    await bff.request('/api/oauth2/application?client_id=web-app&redirect_uri=x&state=secret-state-1', { as: 'alice' })
    await bff.request('/healthz')
    await bff.request('/readyz')
    const lines = requestLines(bff).map(({ method, route, path }) => ({ method, route, path }))
    expect(lines.slice(0, 2)).toEqual([
      { method: 'DELETE', route: '/api/oauth2/grants/:client_id', path: undefined },
      { method: 'GET', route: '/api/records/:id', path: undefined },
    ])
    // The page's reads, in the order they answered, then the page.
    expect(lines.slice(2, 5)).toEqual(
      expect.arrayContaining([
        { method: 'GET', route: '/api/session', path: undefined },
        { method: 'GET', route: '/api/records', path: undefined },
        { method: 'GET', route: '/api/records/:id', path: undefined },
      ]),
    )
    expect(lines.slice(5)).toEqual([
      { method: 'GET', route: '/activity/:id', path: undefined },
      { method: 'GET', route: '/api/oauth2/application', path: undefined },
    ])
    const text = bff.logs.join('\n')
    for (const value of ['profile-app', 'rec-id-5d1e', 'secret-state-1', 'client_id=', 'redirect_uri', '?']) expect(text).not.toContain(value)
  })

  test('an address no route names: its path, cleaned of control characters and cut short; no line can be forged', async () => {
    const bff = useBff()
    const forged = `/x%0a{"level":"fatal","msg":"request","route":"/forged"}%0d%1b[31m${'y'.repeat(500)}`
    expect((await bff.request(forged)).status).toBe(404)
    expect((await bff.request('/api/no%0asuch')).status).toBe(404)
    // The page's render reads the session (its own line) before the page's line.
    expect(bff.logs).toHaveLength(3)
    const [session, page, api] = bff.logEntries()
    expect(session).toMatchObject({ route: '/api/session', status: 401 })
    expect(page).toMatchObject({ route: '*', status: 404 })
    expect(page?.path).toMatch(/^\/x\?.*\?\?\[31my+…$/)
    expect(page?.path?.length).toBe(65)
    expect(api).toMatchObject({ route: '/api/*', path: '/api/no?such', status: 404 })
    // eslint-disable-next-line no-control-regex
    for (const line of bff.logs) expect(line).not.toMatch(/[\u0000-\u001f]/)
    expect(bff.logEntries().map((line) => line.route)).not.toContain('/forged')
  })

  test('a platform fault retried to the end (HTTP 500 three times): one line, its status, and the call with outcome and attempts', async () => {
    const bff = useBff({ faults: [{ path: GRANTS_PATH, kind: 'http_500', times: 3 }] })
    const response = await bff.request('/api/oauth2/grants', { as: 'bob' })
    expect(response.status).toBe(502)
    expect(bff.callsTo(GRANTS_PATH)).toHaveLength(3)
    const lines = requestLines(bff)
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatchObject({ level: 'error', route: '/api/oauth2/grants', status: 502 })
    expect(lines[0]?.platform).toContainEqual({ path: GRANTS_PATH, outcome: 'http_status', attempts: 3, duration_ms: expect.any(Number) })
  })

  test('a refusal is an answer: outcome refused, one attempt', async () => {
    const bff = useBff({ faults: [{ path: GRANTS_PATH, kind: 'error_code', code: 50001, times: 1 }] })
    expect((await bff.request('/api/oauth2/grants', { as: 'bob' })).status).toBe(502)
    expect(requestLines(bff)[0]?.platform).toContainEqual(expect.objectContaining({ path: GRANTS_PATH, outcome: 'refused', attempts: 1 }))
  })

  test('warnings written while a request runs carry its request id', async () => {
    const store = openPortalStore({ engine: 'sqlite', path: ':memory:' }, { receipts: testReceiptKeys })
    onTestFinished(() => store.close())
    const bff = useBff({ portalStore: { ...store, writeRecord: () => Promise.reject(new StoreUnavailableError(new Error('connection refused'))) } })
    // A revoke never waits on the store: its record is kept in memory, and that is said.
    const response = await bff.request('/api/oauth2/grants/profile-app', { method: 'DELETE', as: 'bob' })
    expect(response.status).toBe(204)
    const warning = bff.logEntries().find((line) => line.level === 'warn')
    expect(warning?.msg).toMatch(/^record \S+ \(revoke\) kept in memory until the portal store answers/)
    expect(warning?.request_id).toBe(response.headers.get('X-Request-Id'))
  })
})

test('authorize, deny and revoke leave no token, code, state or user id in any line', async () => {
  const bff = useBff()
  const state = 'state-9c41e7'
  const first = await bff.consent('alice', WEB_APP)
  const authorized = await bff.request('/api/oauth2/authorize', {
    method: 'POST',
    as: 'alice',
    json: { ...first, ...WEB_APP, state, biosample_ids: SAMPLES },
  })
  expect(authorized.status).toBe(200)
  const code = /[?&]code=([^&]+)/.exec(((await authorized.json()) as { redirect_to: string }).redirect_to)?.[1] ?? ''
  expect(code).toHaveLength(30)
  const second = await bff.consent('alice', WEB_APP)
  expect((await bff.request('/api/oauth2/deny', { method: 'POST', as: 'alice', json: { ...second, ...WEB_APP, state } })).status).toBe(200)
  expect((await bff.request('/api/oauth2/grants/web-app', { method: 'DELETE', as: 'alice' })).status).toBe(204)
  await bff.request('/api/records', { as: 'alice' })
  await bff.request(`/oauth2/authorize?${new URLSearchParams({ ...WEB_APP, response_type: 'code', state })}`, { as: 'alice' })

  expect(requestLines(bff).length).toBeGreaterThanOrEqual(8)
  for (const line of bff.logs) {
    expect(() => JSON.parse(line) as unknown, line).not.toThrow()
    for (const secret of [ALICE.auth_token, BOB.auth_token, code, first.ticket, second.ticket, state, ALICE.id, 'bge_auth_token', 'redirect_uri']) {
      expect(line, secret).not.toContain(secret)
    }
  }
})

describe('the free-text log', () => {
  test('a warn: or error: prefix sets the level; the rest is the message', () => {
    const lines: string[] = []
    const log = lineLog(createLogger('info', { write: (line: string) => void lines.push(line) }))
    log('warn: record r1 kept in memory')
    log('error: record r2 lost at shutdown')
    log('record r3 written after the portal store came back')
    expect(lines.map((line) => JSON.parse(line) as LogEntry).map(({ level, msg }) => ({ level, msg }))).toEqual([
      { level: 'warn', msg: 'record r1 kept in memory' },
      { level: 'error', msg: 'record r2 lost at shutdown' },
      { level: 'info', msg: 'record r3 written after the portal store came back' },
    ])
  })

  test('LOG_LEVEL=warn keeps warnings and drops the request lines', async () => {
    const lines: string[] = []
    const logger = createLogger('warn', { write: (line: string) => void lines.push(line) })
    logger.info('request')
    lineLog(logger)('warn: kept')
    expect(lines).toHaveLength(1)
  })

  test('loggablePath: control characters become ?, at most 64 characters', () => {
    expect(loggablePath('/a\nb\u001b[0m\u2028c')).toBe('/a?b?[0m?c')
    expect(loggablePath(`/${'z'.repeat(100)}`)).toBe(`/${'z'.repeat(63)}…`)
  })
})
