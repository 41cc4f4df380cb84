// server/index.ts as a process: what it says about its store at start, what it refuses, and how it stops.
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { compactVerify, createLocalJWKSet, type JSONWebKeySet } from 'jose'
import { expect, onTestFinished, test } from 'vitest'
import { recordsResponseSchema } from '../src/contract/records'
import { BOB, testWorld, WEB_APP } from '../test/support/bff'
import { useTestDatabase } from '../test/support/database'
import { freePort, startPortal } from '../test/support/portal'

const databaseUrl = useTestDatabase()

test('a DATABASE_URL that is not PostgreSQL refuses to start, naming the variable', { timeout: 60_000 }, async () => {
  await expect(startPortal({ env: { DATABASE_URL: 'mysql://portal:hunter2@db/portal' } })).rejects.toThrow(
    /exited with 1[\s\S]*DATABASE_URL: must be a PostgreSQL URL/,
  )
})

test('an unreachable database refuses to start, naming the store without its password', { timeout: 60_000 }, async () => {
  const port = await freePort()
  const failure = await startPortal({ env: { DATABASE_URL: `postgres://portal:hunter2@127.0.0.1:${port}/portal` } }).then(
    () => new Error('it started'),
    (error: unknown) => error,
  )
  expect(String(failure)).toMatch(new RegExp(`exited with 1[\\s\\S]*The portal store \\(PostgreSQL postgres://portal@127\\.0\\.0\\.1:${port}/portal\\) cannot be used: .*ECONNREFUSED`))
  expect(String(failure)).not.toContain('hunter2')
})

test('on PostgreSQL: the start-up line names it without the password; SIGTERM drains: /readyz 503 at once, the request in flight finishes, then exit 0', { timeout: 60_000 }, async () => {
  const url = new URL(databaseUrl())
  // The throwaway server trusts loopback connections, so any password works: it must not show.
  url.password = 'hunter2'
  const metricsPort = await freePort()
  const portal = await startPortal({
    fixtures: () => ({ ...testWorld(), latency_ms: 1500 }),
    env: { DATABASE_URL: url.href, SHUTDOWN_GRACE_MS: '2500', METRICS_PORT: String(metricsPort) },
    spaStandIn: true,
  })
  try {
    expect(portal.output()).toContain(`store: PostgreSQL postgres://postgres@127.0.0.1:${url.port}${url.pathname}`)
    expect(portal.output()).not.toContain('hunter2')
    const ready = await fetch(`${portal.origin}/readyz`)
    expect(ready.status).toBe(200)
    expect(await ready.json()).toEqual({ status: 'ready', store: 'up', spa: 'ok' })
    // Metrics on their own port only.
    const metrics = await fetch(`http://127.0.0.1:${metricsPort}/metrics`)
    expect(metrics.status).toBe(200)
    const text = await metrics.text()
    expect(text).toMatch(/^portal_store_up 1$/m)
    expect(text).toMatch(/^process_resident_memory_bytes \d+/m)
    expect((await fetch(`${portal.origin}/metrics`)).status).toBe(404)

    const query = new URLSearchParams({ client_id: WEB_APP.client_id, redirect_uri: WEB_APP.redirect_uri })
    // Upstream answers after 1.5 s; the signal arrives while it is waiting.
    const inFlight = fetch(`${portal.origin}/api/oauth2/application?${query}`)
    await new Promise((resolve) => setTimeout(resolve, 500))
    const signalled = performance.now()
    portal.kill('SIGTERM')
    await new Promise((resolve) => setTimeout(resolve, 100))
    // Draining: not ready, still alive, still listening.
    const draining = await fetch(`${portal.origin}/readyz`)
    expect(draining.status).toBe(503)
    expect(await draining.json()).toMatchObject({ status: 'unavailable', draining: true })
    expect((await fetch(`${portal.origin}/healthz`)).status).toBe(200)
    const answered = await inFlight
    expect(answered.status).toBe(200)
    expect(await answered.json()).toMatchObject({ application: { client_id: WEB_APP.client_id } })
    expect(await portal.exited).toBe(0)
    // It kept listening for the grace period, then closed.
    expect(performance.now() - signalled).toBeGreaterThanOrEqual(2400)
    await expect(fetch(`${portal.origin}/healthz`)).rejects.toThrow()

    // The log: JSON lines after the start-up text, the drain said, the request's line with its platform call.
    const lines = portal
      .output()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>)
    expect(lines).toContainEqual(expect.objectContaining({ level: 'info', signal: 'SIGTERM', msg: expect.stringContaining('SIGTERM: draining') }))
    expect(lines).toContainEqual(
      expect.objectContaining({
        msg: 'request',
        route: '/api/oauth2/application',
        status: 200,
        request_id: answered.headers.get('X-Request-Id'),
        platform: [expect.objectContaining({ path: '/openbge/oauth2/application', outcome: 'ok', attempts: 1 })],
      }),
    )
  } finally {
    await portal.stop()
  }
})

test('NODE_ENV=production without UPSTREAM_URL refuses to start, naming what to set', { timeout: 60_000 }, async () => {
  await expect(startPortal({ env: { NODE_ENV: 'production', SANDBOX: '' } })).rejects.toThrow(
    /exited with 1[\s\S]*NODE_ENV=production, but UPSTREAM_URL is not set[\s\S]*Set UPSTREAM_URL[\s\S]*SANDBOX=on/,
  )
})

test('SANDBOX=on in production starts with warnings; the server timeouts are the configured ones', { timeout: 60_000 }, async () => {
  const portal = await startPortal({
    env: { NODE_ENV: 'production', SANDBOX: 'on', KEEP_ALIVE_TIMEOUT_MS: '1000', HEADERS_TIMEOUT_MS: '4000', REQUEST_TIMEOUT_MS: '16000' },
  })
  try {
    expect(portal.output()).toContain('timeouts: headers 4000 ms, request 16000 ms, keep-alive 1000 ms')
    expect(portal.output()).toMatch(/warning: SANDBOX=on/)
    expect(portal.output()).toMatch(/warning: the portal store is SQLite in production/)
    // An idle keep-alive connection is closed after KEEP_ALIVE_TIMEOUT_MS (Node's own default is 5 s).
    const socket = connect(portal.port, '127.0.0.1')
    let answered = 0
    const closed = new Promise<number>((resolve) => {
      socket.on('data', () => (answered ||= performance.now()))
      socket.on('close', () => resolve(performance.now() - answered))
    })
    socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n')
    const idle = await closed
    expect(answered).toBeGreaterThan(0)
    expect(idle).toBeGreaterThan(700)
    expect(idle).toBeLessThan(3500)
  } finally {
    await portal.stop()
  }
})

test('sandbox mode makes its receipt key once, beside PORTAL_DB, and a receipt signed before a restart verifies against the JWKS after it', { timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bge-sandbox-key-'))
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }))
  const env = { PORTAL_DB: join(dir, 'portal.sqlite') }
  const keyFile = join(dir, 'receipt-signing-key.json')

  const first = await startPortal({ fixtures: () => testWorld(), env, spaStandIn: true })
  let jws: string
  try {
    expect(statSync(keyFile).mode & 0o777).toBe(0o600)
    expect(first.output()).toContain(`(the sandbox's, kept in ${keyFile})`)
    const signIn = await fetch(`${first.origin}/api/session`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Requested-With': 'fetch', Origin: first.origin },
      body: JSON.stringify({ user_id: BOB.id }),
    })
    const cookie = signIn.headers.get('Set-Cookie')?.split(';')[0] ?? ''
    // A revoke of a grant Bob holds from the fixtures: one record, signed as it is written.
    const revoked = await fetch(`${first.origin}/api/oauth2/grants/profile-app`, { method: 'DELETE', headers: { Cookie: cookie, 'X-Requested-With': 'fetch', Origin: first.origin } })
    expect(revoked.status).toBe(204)
    const records = recordsResponseSchema.parse(await (await fetch(`${first.origin}/api/records`, { headers: { Cookie: cookie } })).json()).records
    jws = await (await fetch(`${first.origin}/api/records/${records[0]!.id}/receipt.jws`, { headers: { Cookie: cookie } })).text()
  } finally {
    await first.stop()
  }

  const second = await startPortal({ fixtures: () => testWorld(), env, spaStandIn: true })
  try {
    const jwks = (await (await fetch(`${second.origin}/.well-known/jwks.json`)).json()) as JSONWebKeySet
    expect(jwks.keys).toHaveLength(1)
    const verified = await compactVerify(jws, createLocalJWKSet(jwks))
    expect(verified.protectedHeader.kid).toBe(jwks.keys[0]!.kid)
  } finally {
    await second.stop()
  }
})
