// SPEC.md "Security": the auth_token, the app secret, signatures and codes never reach the built
// bundle, and never the log of a real portal process. Runs in the e2e suite because `npm run
// test:e2e` builds dist/ first; a missing build fails here rather than passing on nothing.
// (Every /api body and the in-process log lines: server/secrets.test.ts.)
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative, resolve, sep } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { SANDBOX_APP_SECRET } from '../../server/config'
import { demoFixtures } from '../../server/sandbox/fixtures'
import { applicationResponseSchema } from '../../src/contract/api'
import { ALICE, BOB } from '../support/fixture-users'
import { basicWorld, TRICKY_STATE } from '../support/fixtures'
import { startPortal, type Portal } from '../support/portal'
import { requestLines } from '../support/watch'

const DIST = resolve(import.meta.dirname, '../../dist')
const FIXTURE_TOKENS = [...demoFixtures.users.map((user) => user.auth_token), ALICE.auth_token, BOB.auth_token]
/**
 * What the platform's codes and the sandbox's tokens look like: 30 letters and digits, mixed case,
 * standing alone. A run of 30 inside a longer base64url value (the receipt key's public thumbprint,
 * logged at start, is 43 characters and random in the sandbox) is not one.
 */
const CODE_LIKE = /(?<![\w-])(?=[A-Za-z0-9]*\d)(?=[A-Za-z0-9]*[a-z])(?=[A-Za-z0-9]*[A-Z])[A-Za-z0-9]{30}(?![\w-])/g

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? filesUnder(path) : [path]
  })
}

/** Everything in `text` that must not be there, by name. */
function leaks(text: string, secrets: string[]): string[] {
  return [
    ...secrets.filter((secret) => text.includes(secret) || text.includes(encodeURIComponent(secret))),
    ...['sign=', 'signature_nonce', SANDBOX_APP_SECRET].filter((literal) => text.includes(literal)),
    ...(text.match(CODE_LIKE) ?? []),
  ]
}

describe('the built bundle', () => {
  test('holds no token, app secret, signature field or code-like secret', () => {
    expect(existsSync(join(DIST, 'index.html')), 'dist/ is missing: run `npm run build` (npm run test:e2e does)').toBe(true)
    // dist/server is the BFF itself (it embeds the sandbox and its demo secrets), never served
    // (server/pages/spa.ts answers 404 under it, compiled.e2e checks); the rest is the browser's.
    const files = filesUnder(DIST)
      .filter((file) => !relative(DIST, file).startsWith(`server${sep}`))
      .filter((file) => /\.(js|mjs|css|html|json|map|txt|svg)$/.test(file))
    expect(files.some((file) => file.endsWith('.js'))).toBe(true)
    const found = files.flatMap((file) => leaks(readFileSync(file, 'utf8'), FIXTURE_TOKENS).map((leak) => `${relative(DIST, file)}: ${leak}`))
    expect(found).toEqual([])
  })

  test('the scan finds what it looks for', () => {
    expect(leaks(`x="${demoFixtures.users[0]?.auth_token}"`, FIXTURE_TOKENS)).not.toEqual([])
    expect(leaks('a&sign=abc', [])).toEqual(['sign='])
    expect(leaks('code=Ab3dEfGh1jKlMn0pQrStUv9xYzAb2C', [])).toEqual(['Ab3dEfGh1jKlMn0pQrStUv9xYzAb2C'])
    expect(leaks('callSiteDefaultShouldRevalidate', [])).toEqual([])
    expect(leaks('signed with key qFrxRHkEv4KF-JtEJo9oL0zeJ6VnZEn6OXJqmEStPMM', [])).toEqual([])
    expect(leaks('"code":"Ab3dEfGh1jKlMn0pQrStUv9xYzAb2C"', [])).toEqual(['Ab3dEfGh1jKlMn0pQrStUv9xYzAb2C'])
  })
})

describe('the log of a real portal process through a whole journey', () => {
  let portal: Portal

  beforeAll(async () => {
    portal = await startPortal({ fixtures: basicWorld })
  })
  afterAll(async () => {
    await portal.stop()
  })

  test('carries no token, app secret, signature, code or state', async () => {
    const headers = (cookie: string) => ({ Cookie: cookie, 'X-Requested-With': 'fetch', Origin: portal.origin, 'Content-Type': 'application/json' })
    const call = (path: string, cookie: string, init: { method?: string; json?: unknown } = {}) =>
      fetch(`${portal.origin}${path}`, {
        method: init.method ?? 'GET',
        headers: headers(cookie),
        ...(init.json !== undefined && { body: JSON.stringify(init.json) }),
      })

    const signIn = await call('/api/session', '', { method: 'POST', json: { user_id: ALICE.id } })
    expect(signIn.status).toBe(200)
    const cookie = signIn.headers.get('Set-Cookie')?.split(';')[0] ?? ''
    expect(cookie).toContain(ALICE.auth_token)

    const consent = { client_id: 'web-app', redirect_uri: `${portal.origin}/sandbox/callback`, scope: 'profile.default sample.default:read' }
    expect((await call(`/oauth2/authorize?${new URLSearchParams({ ...consent, response_type: 'code', state: TRICKY_STATE })}`, cookie)).status).toBe(200)
    const application = applicationResponseSchema.parse(await (await call(`/api/oauth2/application?${new URLSearchParams({ ...consent, response_type: 'code' })}`, cookie)).json())
    const ticket = application.ticket ?? ''
    const language = 'zh-CN'
    expect((await call('/api/biosamples', cookie)).status).toBe(200)
    const authorized = await call('/api/oauth2/authorize', cookie, {
      method: 'POST',
      json: { ticket, language, ...consent, state: TRICKY_STATE, separate_consent: true, biosample_ids: [{ biosample_id: 'E-A0001', type: 'Lowpass' }] },
    })
    expect(authorized.status).toBe(200)
    const redirect = new URL((await authorized.json()).redirect_to)
    const code = redirect.searchParams.get('code') ?? ''
    expect(code).toMatch(/^[A-Za-z0-9]{30}$/)
    // The app receives its code, as it would (the callback page logs its path only).
    expect((await fetch(redirect)).status).toBe(200)
    expect((await call('/api/oauth2/grants', cookie)).status).toBe(200)
    expect((await call('/api/oauth2/grants/web-app', cookie, { method: 'DELETE' })).status).toBe(204)
    // Failures log too: an unknown session, an unknown app, a forged ticket.
    expect((await call('/api/session', `bge_auth_token=${BOB.auth_token}x`)).status).toBe(401)
    expect((await call('/api/oauth2/application?client_id=nope&redirect_uri=https%3A%2F%2Fx.example%2F', cookie)).status).toBe(422)
    expect((await call('/api/oauth2/authorize', cookie, { method: 'POST', json: { ticket: `${ticket}x`, language, ...consent, biosample_ids: [] } })).status).toBe(400)
    expect((await call('/api/session', cookie, { method: 'DELETE' })).status).toBe(204)

    const output = portal.output()
    expect(requestLines(output)).toContainEqual(expect.objectContaining({ method: 'POST', route: '/api/oauth2/authorize', status: 200 }))
    const secrets = [...FIXTURE_TOKENS, code, ticket, TRICKY_STATE]
    expect(leaks(output, secrets)).toEqual([])
  })
})
