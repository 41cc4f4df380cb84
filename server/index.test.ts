// server/index.ts as a process: what it says about its store at start, what it refuses, and how it stops.
import { connect } from 'node:net'
import { expect, test } from 'vitest'
import { testWorld, WEB_APP } from '../test/support/bff'
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

test('on PostgreSQL: the start-up line names it without the password; SIGTERM lets a request in flight finish, then exits', { timeout: 60_000 }, async () => {
  const url = new URL(databaseUrl())
  // The throwaway server trusts loopback connections, so any password works: it must not show.
  url.password = 'hunter2'
  const portal = await startPortal({ fixtures: () => ({ ...testWorld(), latency_ms: 1500 }), env: { DATABASE_URL: url.href } })
  try {
    expect(portal.output()).toContain(`store: PostgreSQL postgres://postgres@127.0.0.1:${url.port}${url.pathname}`)
    expect(portal.output()).not.toContain('hunter2')
    expect((await fetch(`${portal.origin}/readyz`)).status).toBe(200)

    const query = new URLSearchParams({ client_id: WEB_APP.client_id, redirect_uri: WEB_APP.redirect_uri })
    // Upstream answers after 1.5 s; the signal arrives while it is waiting.
    const inFlight = fetch(`${portal.origin}/api/oauth2/application?${query}`)
    await new Promise((resolve) => setTimeout(resolve, 500))
    portal.kill('SIGTERM')
    await new Promise((resolve) => setTimeout(resolve, 100))
    await expect(fetch(`${portal.origin}/healthz`)).rejects.toThrow()
    const answered = await inFlight
    expect(answered.status).toBe(200)
    expect(await answered.json()).toMatchObject({ application: { client_id: WEB_APP.client_id } })
    expect(await portal.exited).toBe(0)
    expect(portal.output()).toContain('SIGTERM: finishing requests in flight, then stopping')
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
