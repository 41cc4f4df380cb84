// The proof that the portal scales out (SPEC.md "Security", issue #10): two BFF processes on one
// PostgreSQL, the same ticket's authorize sent to both at the same moment, many times over: one
// upstream authorize per ticket and the same answer from both. Then one instance dies and the other
// keeps answering.
import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { z } from 'zod'
import { applicationResponseSchema } from '../../src/contract/api'
import { foldAttempts, recordsResponseSchema } from '../../src/contract/records'
import { ALICE, testWorld, WEB_APP } from '../../test/support/bff'
import { useTestDatabase } from '../../test/support/database'
import { freePort, startPortal, type Portal } from '../../test/support/portal'
import type { Language } from '../../src/contract/languages'
import { SANDBOX_API_PREFIX, SANDBOX_APP_KEY, SANDBOX_APP_SECRET, SANDBOX_SAMPLES_PATH, SANDBOX_USER_PATH } from '../config'
import { TEST_SIGNING_JWK } from '../../test/support/receipt-keys'

const TICKETS = 20
const UPSTREAM_AUTHORIZE = `${SANDBOX_API_PREFIX}/openbge/oauth2/authorize`

const databaseUrl = useTestDatabase()
let a: Portal | undefined
let b: Portal | undefined

beforeAll(async () => {
  // Many decisions a minute by one person, on purpose: the limit on them (RATE_LIMIT_*) is not what this tests.
  // One receipt-signing key for both, as an operator configures instances sharing a store.
  const shared = {
    DATABASE_URL: databaseUrl(),
    SESSION_SECRET: randomBytes(32).toString('hex'),
    RATE_LIMIT_DECISIONS_PER_MINUTE: '10000',
    RECEIPT_SIGNING_KEYS: JSON.stringify([TEST_SIGNING_JWK]),
  }
  const portA = await freePort()
  // Started together, so both also migrate the fresh database at the same moment.
  ;[a, b] = await Promise.all([
    // Upstream latency widens the window in which the second request finds the claim pending.
    startPortal({ port: portA, fixtures: () => ({ ...testWorld(), latency_ms: 60 }), env: shared, spaStandIn: true }),
    startPortal({
      spaStandIn: true,
      env: {
        ...shared,
        // B's upstream is A's sandbox: one platform, two portal instances.
        UPSTREAM_URL: `http://127.0.0.1:${portA}${SANDBOX_API_PREFIX}`,
        BGE_APP_KEY: SANDBOX_APP_KEY,
        BGE_APP_SECRET: SANDBOX_APP_SECRET,
        LOGIN_URL: '/signin?next={next}',
        SAMPLES_PATH: SANDBOX_SAMPLES_PATH,
        USER_PATH: SANDBOX_USER_PATH,
      },
    }),
  ])
}, 120_000)

afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()])
})

function started(): { a: Portal; b: Portal } {
  if (!a || !b) throw new Error('the portals start in beforeAll')
  return { a, b }
}

/** A request as the SPA sends it to this instance: its own Origin, the CSRF header, the session cookie. */
function send(portal: Portal, path: string, init: { method?: string; json?: unknown; cookie?: string } = {}): Promise<Response> {
  const headers: Record<string, string> = {}
  if (init.cookie) headers.Cookie = init.cookie
  if (init.json !== undefined) {
    headers['Content-Type'] = 'application/json'
    headers['X-Requested-With'] = 'fetch'
    headers.Origin = portal.origin
  }
  return fetch(new URL(path, portal.origin), {
    method: init.method ?? (init.json === undefined ? 'GET' : 'POST'),
    headers,
    ...(init.json !== undefined && { body: JSON.stringify(init.json) }),
  })
}

async function signIn(portal: Portal): Promise<string> {
  const response = await send(portal, '/api/session', { json: { user_id: ALICE.id } })
  const cookie = response.headers.get('Set-Cookie')?.split(';')[0]
  if (response.status !== 200 || !cookie) throw new Error(`sign-in failed: ${response.status} ${await response.text()}`)
  return cookie
}

/** The ticket this instance hands out, and the language its consent page (in Chinese) sends. */
async function ticket(portal: Portal, cookie: string): Promise<{ ticket: string; language: Language }> {
  const query = new URLSearchParams({ client_id: WEB_APP.client_id, redirect_uri: WEB_APP.redirect_uri, scope: WEB_APP.scope, response_type: 'code' })
  const response = await send(portal, `/api/oauth2/application?${query}`, { cookie })
  const body = z.parse(applicationResponseSchema, await response.json())
  if (response.status !== 200 || body.ticket === null) throw new Error(`no ticket: ${response.status} ${JSON.stringify(body)}`)
  return { ticket: body.ticket, language: 'zh-CN' }
}

async function authorize(portal: Portal, cookie: string, consent: { ticket: string; language: Language }): Promise<{ status: number; body: unknown }> {
  const response = await send(portal, '/api/oauth2/authorize', {
    cookie,
    json: { ...consent, ...WEB_APP, state: 'two instances', biosample_ids: [{ biosample_id: 'E-A0001', type: 'Lowpass' }] },
  })
  return { status: response.status, body: await response.json() }
}

/** The request lines (JSON, server/http/log.ts) of the sandbox's authorize. */
const upstreamAuthorizes = (portal: Portal) =>
  portal
    .output()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { msg?: string; method?: string; route?: string })
    .filter((line) => line.msg === 'request' && line.method === 'POST' && line.route === UPSTREAM_AUTHORIZE).length

test('the same ticket sent to both instances at the same moment: one upstream authorize and one answer, every time; one dies, the other answers on', { timeout: 120_000 }, async () => {
  const { a, b } = started()
  expect(a.output()).toMatch(/store: PostgreSQL postgres:\/\/postgres@127\.0\.0\.1:\d+\/test_/)
  expect(b.output()).toMatch(/store: PostgreSQL postgres:\/\/postgres@127\.0\.0\.1:\d+\/test_/)
  // Signed in on A (the sandbox's sign-in); the platform's auth cookie works on B as well.
  const cookie = await signIn(a)

  for (let round = 0; round < TICKETS; round++) {
    // Tickets are signed with the shared SESSION_SECRET: either instance's ticket works on both.
    const consentTicket = await ticket(round % 2 === 0 ? a : b, cookie)
    const answers = await Promise.all([authorize(a, cookie, consentTicket), authorize(b, cookie, consentTicket), authorize(b, cookie, consentTicket), authorize(a, cookie, consentTicket)])
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200])
    expect(answers[0]?.body).toEqual({ redirect_to: expect.stringMatching(/^https:\/\/app\.example\/callback\?source=portal&lang=zh&code=[A-Za-z0-9]{30}&state=two%20instances$/) })
    for (const answer of answers) expect(answer.body).toEqual(answers[0]?.body)
  }
  // The sandbox behind A logs every authorize it answered, whichever instance asked.
  expect(upstreamAuthorizes(a)).toBe(TICKETS)
  // And one attempt per decision (with the record that resolves it), whichever instance wrote it, readable from either.
  const records = async (portal: Portal) => z.parse(recordsResponseSchema, await (await send(portal, '/api/records', { cookie })).json()).records
  expect(foldAttempts(await records(a)).map((attempt) => attempt.outcome)).toEqual(Array(TICKETS).fill('granted'))
  expect(await records(a)).toHaveLength(2 * TICKETS)
  expect(await records(b)).toEqual(await records(a))
  // Both instances appended to Alice's one chain: every place in it once, none skipped.
  expect((await records(a)).map((record) => record.chain_seq).sort((x, y) => x! - y!)).toEqual(Array.from({ length: 2 * TICKETS }, (_, i) => i + 1))

  // B dies without warning; A keeps answering, decisions B made included.
  const lastTicket = await ticket(b, cookie)
  const before = await authorize(b, cookie, lastTicket)
  b.kill('SIGKILL')
  await b.exited
  await expect(send(b, '/healthz')).rejects.toThrow()
  expect((await send(a, '/readyz')).status).toBe(200)
  expect(await authorize(a, cookie, lastTicket)).toEqual(before)
  for (let round = 0; round < 3; round++) {
    const consentTicket = await ticket(a, cookie)
    const [first, again] = await Promise.all([authorize(a, cookie, consentTicket), authorize(a, cookie, consentTicket)])
    expect(first.status).toBe(200)
    expect(again).toEqual(first)
  }
  expect(upstreamAuthorizes(a)).toBe(TICKETS + 1 + 3)
})
