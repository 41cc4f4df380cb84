// test/support/instances.ts itself: real BFF processes on one PostgreSQL and one sandbox process,
// whose faults a test adds as it goes.
import { expect, test } from 'vitest'
import { BOB } from '../../test/support/fixture-users'
import { startInstances } from '../../test/support/instances'
import { SANDBOX_CALL_PATHS as P } from './fixtures'

/** Process starts under tsx are slow on a loaded machine; every wait inside has its own bound. */
const TIMEOUT = 180_000

test('two instances on one PostgreSQL both serve; SIGKILL one, the other still does', { timeout: TIMEOUT }, async () => {
  const { instances, cookieFor, databaseUrl } = await startInstances(2)
  const [a, b] = instances
  if (!a || !b) throw new Error('two instances were asked for')
  expect(a.url).not.toBe(b.url)
  // Both name the one database in their start-up lines.
  for (const instance of [a, b]) expect(instance.output()).toMatch(new RegExp(`store: PostgreSQL .*${new URL(databaseUrl).pathname}\\b`))
  const grants = (url: string) => fetch(`${url}/api/oauth2/grants`, { headers: { Cookie: cookieFor(BOB.auth_token) } })

  for (const instance of [a, b]) {
    expect((await fetch(`${instance.url}/readyz`)).status).toBe(200)
    // Through the sandbox process: Bob's grant of profile-app in testWorld().
    const answer = await grants(instance.url)
    expect(answer.status).toBe(200)
    expect(await answer.text()).toContain('profile-app')
  }

  a.kill('SIGKILL')
  expect(await a.exited).toEqual({ code: null, signal: 'SIGKILL' })
  await expect(fetch(`${a.url}/readyz`)).rejects.toThrow()

  await b.waitReady(10_000)
  expect((await grants(b.url)).status).toBe(200)
})

test('faults added to the sandbox process while it runs: refused when malformed, else they spoil the calls they name', { timeout: TIMEOUT }, async () => {
  const { instances, sandbox, cookieFor } = await startInstances(1)
  const [portal] = instances
  if (!portal) throw new Error('one instance was asked for')
  const asBob = { Cookie: cookieFor(BOB.auth_token) }

  await expect(sandbox.addFault({ path: P.grants, kind: 'error_code' })).rejects.toThrow(/refused the fault \(400\).*code/)

  // The platform revokes every time and every answer is lost: whatever the portal says, the grant is gone.
  expect(await sandbox.grants()).toContainEqual(expect.objectContaining({ user_id: BOB.id, client_id: 'profile-app' }))
  await sandbox.addFault({ path: P.revokeGrant, kind: 'reset', when: 'after', times: 10 })
  await fetch(`${portal.url}/api/oauth2/grants/profile-app`, {
    method: 'DELETE',
    headers: { ...asBob, 'X-Requested-With': 'fetch', Origin: portal.url },
  })
  expect(await sandbox.grants()).not.toContainEqual(expect.objectContaining({ user_id: BOB.id, client_id: 'profile-app' }))
  // Dropping the connections was the plan, not a failure of the sandbox.
  expect(sandbox.output()).not.toMatch(/error/i)

  // Every read of the grants fails before the platform acts: the portal cannot answer 200.
  await sandbox.addFault({ path: P.grants, kind: 'http_500', times: 10 })
  expect((await fetch(`${portal.url}/api/oauth2/grants`, { headers: asBob })).status).toBeGreaterThanOrEqual(500)
})
