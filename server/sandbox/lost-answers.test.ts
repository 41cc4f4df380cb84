// Faults with `when: "after"`: the platform acts (a grant saved, a grant revoked) and then its
// answer is lost — held past the client's deadline, the connection dropped, or HTTP 500. Each is
// checked in-process (`app.request`, as the BFF tests reach the sandbox) and over a real loopback
// socket (as server/index.ts and server/sandbox/serve.ts serve it).
import { randomUUID } from 'node:crypto'
import type { AddressInfo } from 'node:net'
import { serve, type ServerType } from '@hono/node-server'
import { Hono } from 'hono'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { useBff } from '../../test/support/bff'
import { formatTimestamp, signParams } from '../upstream/signature'
import { ConnectionDropped, createSandbox, type SandboxApp } from './app'
import { demoFixtures, FixturesError, SANDBOX_CALL_PATHS as P, type FaultInput } from './fixtures'
import { openStore, type SandboxStore } from './store'

const KEY = 'sandbox'
const SECRET = 'sandbox-secret'
const CALLBACK = 'http://localhost:3000/sandbox/callback'
const USER = 'u-demo'
const APP = 'demo-app'
/** u-second holds a grant of demo-app in the demo world. */
const GRANTED_USER = 'u-second'

interface World {
  store: SandboxStore
  sandbox: SandboxApp
  token: (userId: string) => string
}

function world(faults: FaultInput[] = []): World {
  const store = openStore(':memory:')
  store.replaceWith(demoFixtures)
  const sandbox = createSandbox({ store, appKey: KEY, appSecret: SECRET, timeZone: 'UTC' })
  for (const fault of faults) sandbox.addFault(fault)
  return { store, sandbox, token: (userId) => store.authTokenOf(userId) ?? '' }
}

/** A signed private-API form, as the BFF's client sends it. */
function signedForm(params: Record<string, string>): string {
  const all: Record<string, string> = {
    ...params,
    app_key: KEY,
    signature_nonce: randomUUID().replaceAll('-', ''),
    timestamp: formatTimestamp(new Date()),
  }
  all.sign = signParams(all, SECRET)
  return new URLSearchParams(all).toString()
}

const post = (body: string, signal?: AbortSignal): RequestInit => ({
  method: 'POST',
  headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
  body,
  signal: signal ?? null,
})

const authorizeParams = (w: World) => ({
  client_id: APP,
  redirect_uri: CALLBACK,
  auth_token: w.token(USER),
  biosample_ids: JSON.stringify([{ biosample_id: 'E-F19955300137', type: 'Lowpass' }]),
})
const revokeParams = (w: World) => ({ client_id: APP, auth_token: w.token(GRANTED_USER) })

describe('in-process (app.request)', () => {
  const call = (w: World, path: string, params: Record<string, string>, signal?: AbortSignal) =>
    Promise.resolve(w.sandbox.request(`http://sandbox.test/private-api${path}`, post(signedForm(params), signal)))

  it('reset after authorize: the call rejects, and the grant was saved', async () => {
    const w = world([{ path: P.authorize, kind: 'reset', when: 'after' }])
    await expect(call(w, P.authorize, authorizeParams(w))).rejects.toBeInstanceOf(ConnectionDropped)
    expect(w.store.grantsOf(USER, APP)).toHaveLength(1)
  })

  it('reset before authorize: the call rejects, and nothing was saved', async () => {
    const w = world([{ path: P.authorize, kind: 'reset' }])
    await expect(call(w, P.authorize, authorizeParams(w))).rejects.toBeInstanceOf(ConnectionDropped)
    expect(w.store.grantsOf(USER, APP)).toEqual([])
  })

  it.each([
    ['http_500', 500],
    ['malformed_json', 200],
  ] as const)('%s after revoke: answered %i without the envelope, and the grant is gone', async (kind, status) => {
    const w = world([{ path: P.revokeGrant, kind, when: 'after' }])
    expect(w.store.grantsOf(GRANTED_USER, APP)).toHaveLength(1)
    const response = await call(w, P.revokeGrant, revokeParams(w))
    expect(response.status).toBe(status)
    await expect(response.json()).rejects.toThrow()
    expect(w.store.grantsOf(GRANTED_USER, APP)).toEqual([])
  })

  it('timeout after authorize: held until the client gives up, and the grant was saved before', async () => {
    const w = world([{ path: P.authorize, kind: 'timeout', when: 'after' }])
    const controller = new AbortController()
    const answered = call(w, P.authorize, authorizeParams(w), controller.signal)
    // Saved while the answer is still held: the effect does not wait for the client.
    await expect.poll(() => w.store.grantsOf(USER, APP).length, { timeout: 5000, interval: 5 }).toBe(1)
    controller.abort()
    expect((await answered).status).toBe(504)
  })

  it('error_code after authorize: the platform says it refused, yet it saved the grant', async () => {
    const w = world([{ path: P.authorize, kind: 'error_code', code: 40012, when: 'after' }])
    const response = await call(w, P.authorize, authorizeParams(w))
    expect(await response.json()).toMatchObject({ code: 40012 })
    expect(w.store.grantsOf(USER, APP)).toHaveLength(1)
  })

  it('addFault: the first calls pass, the one after it was added is spoiled, the next passes again', async () => {
    const w = world()
    const grants = () => call(w, P.grants, { auth_token: w.token(GRANTED_USER) })
    expect((await grants()).status).toBe(200)
    expect((await grants()).status).toBe(200)
    w.sandbox.addFault({ path: P.grants, kind: 'http_500' })
    expect((await grants()).status).toBe(500)
    expect((await grants()).status).toBe(200)
  })

  it('addFault refuses a fault the fixtures would refuse', () => {
    const w = world()
    expect(() => w.sandbox.addFault({ path: P.grants, kind: 'error_code' })).toThrow(FixturesError)
    expect(() => w.sandbox.addFault({ path: '/nowhere' as typeof P.grants, kind: 'reset' })).toThrow(FixturesError)
  })
})

describe('over a loopback socket', () => {
  let w: World
  let server: ServerType
  let base = ''
  beforeAll(async () => {
    w = world()
    // Mounted as server/sandbox/serve.ts mounts it.
    const app = new Hono().route('/sandbox', w.sandbox)
    server = await new Promise<ServerType>((listening) => {
      const s = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, () => listening(s))
    })
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/sandbox/private-api`
  })
  afterAll(
    () =>
      new Promise<void>((closed) => {
        if ('closeAllConnections' in server) server.closeAllConnections()
        server.close(() => closed())
      }),
  )

  const call = (path: string, params: Record<string, string>, signal?: AbortSignal) => fetch(`${base}${path}`, post(signedForm(params), signal))

  // One test at a time, as the faults are taken in order of arrival on the shared sandbox.
  it('reset after authorize: fetch fails with the connection closed unanswered, and the grant was saved', async () => {
    w.store.deleteGrant(USER, APP)
    w.sandbox.addFault({ path: P.authorize, kind: 'reset', when: 'after' })
    const failure: unknown = await call(P.authorize, authorizeParams(w)).then(
      () => undefined,
      (error: unknown) => error,
    )
    expect(failure).toBeInstanceOf(TypeError)
    expect((failure as TypeError).cause).toMatchObject({ code: 'UND_ERR_SOCKET', message: expect.stringMatching(/other side closed/) })
    expect(w.store.grantsOf(USER, APP)).toHaveLength(1)
    // The server lives on; the next call is answered.
    expect((await call(P.grants, { auth_token: w.token(USER) })).status).toBe(200)
  })

  it('timeout after revoke: the client gives up at its deadline, and the grant was revoked', async () => {
    w.store.saveGrant({ user_id: GRANTED_USER, client_id: APP, grant_time: '2024-05-12 09:30:00', biosample_ids: [] })
    w.sandbox.addFault({ path: P.revokeGrant, kind: 'timeout', when: 'after' })
    await expect(call(P.revokeGrant, revokeParams(w), AbortSignal.timeout(300))).rejects.toMatchObject({ name: 'TimeoutError' })
    expect(w.store.grantsOf(GRANTED_USER, APP)).toEqual([])
  })

  it('http_500 after authorize: HTTP 500, and the grant was saved', async () => {
    w.store.deleteGrant(USER, APP)
    w.sandbox.addFault({ path: P.authorize, kind: 'http_500', when: 'after' })
    expect((await call(P.authorize, authorizeParams(w))).status).toBe(500)
    expect(w.store.grantsOf(USER, APP)).toHaveLength(1)
  })

  it('reset before revoke: fetch fails, and the grant is still there', async () => {
    w.store.saveGrant({ user_id: GRANTED_USER, client_id: APP, grant_time: '2024-05-12 09:30:00', biosample_ids: [] })
    w.sandbox.addFault({ path: P.revokeGrant, kind: 'reset' })
    await expect(call(P.revokeGrant, revokeParams(w))).rejects.toThrow(TypeError)
    expect(w.store.grantsOf(GRANTED_USER, APP)).toHaveLength(1)
  })
})

describe('through test/support/bff (the BFF tests’ fetch stand-in)', () => {
  it('a reset added at run time reaches the BFF as a failed fetch, never as an answer', async () => {
    const bff = useBff()
    expect((await bff.request('/api/oauth2/grants', { as: 'bob' })).status).toBe(200)
    bff.addFault({ path: P.grants, kind: 'reset', times: 5 })
    const response = await bff.request('/api/oauth2/grants', { as: 'bob' })
    expect(response.status).toBeGreaterThanOrEqual(500)
    const spoiled = bff.callsTo(P.grants).slice(1)
    expect(spoiled.length).toBeGreaterThan(0)
    expect(spoiled.every((call) => call.answer === undefined)).toBe(true)
  })
})
