// A lost answer across instances (SPEC.md "Consent records", "Security"): instance A asks the
// platform to authorize, the platform saves the grant and holds its answer, and A dies (SIGKILL)
// with the request in flight. Instance B, on the same PostgreSQL and session secret, must come to
// the platform's truth: the attempt granted in the records, a second authorize on the ticket one
// new platform call (never two at once), or 504 while it cannot yet tell.
import { expect, test } from 'vitest'
import { applicationResponseSchema } from '../../src/contract/api'
import { foldAttempts, latestGrantedAuthorize, type ConsentAttempt, type ConsentRecord } from '../../src/contract/records'
import { ALICE, WEB_APP } from '../../test/support/bff'
import { startInstances, type Instance } from '../../test/support/instances'
import { SANDBOX_CALL_PATHS as P } from '../sandbox/fixtures'
import { until } from '../../test/support/until'

/** Process starts under tsx are slow on a loaded machine; every wait inside has its own bound. */
const TIMEOUT = 180_000
const POLL_MS = 30_000
const SAMPLES = [
  { biosample_id: 'E-A0001', type: 'Lowpass' },
  { biosample_id: 'E-A0003', type: '16S' },
]
const sorted = (samples: readonly { biosample_id: string; type: string }[]) => [...samples].sort((a, b) => a.biosample_id.localeCompare(b.biosample_id))


test('A dies while the platform holds its authorize answer: B finds the grant, and one new platform authorize at most at a time', { timeout: TIMEOUT }, async () => {
  const { instances, sandbox, cookieFor } = await startInstances(2, {
    // A short deadline keeps the lease (timeout + deadline) of A's dead claim to 5 s.
    env: { UPSTREAM_TIMEOUT_MS: '2000', UPSTREAM_CLOCK_MARGIN_MS: '1000', REQUEST_DEADLINE_MS: '3000' },
  })
  const [a, b] = instances
  if (!a || !b) throw new Error('two instances were asked for')
  const cookie = cookieFor(ALICE.auth_token)
  const get = (instance: Instance, path: string) => fetch(`${instance.url}${path}`, { headers: { Cookie: cookie } })
  const post = (instance: Instance, path: string, json: unknown) =>
    fetch(`${instance.url}${path}`, {
      method: 'POST',
      headers: { Cookie: cookie, 'Content-Type': 'application/json', 'X-Requested-With': 'fetch', Origin: instance.url },
      body: JSON.stringify(json),
    })

  // The page, as A served it.
  const query = new URLSearchParams({ client_id: WEB_APP.client_id, redirect_uri: WEB_APP.redirect_uri, scope: WEB_APP.scope, response_type: 'code' })
  const page = applicationResponseSchema.parse(await (await get(a, `/api/oauth2/application?${query}`)).json())
  if (!page.ticket) throw new Error('no ticket')
  const decision = {
    ticket: page.ticket,
    language: 'zh-CN',
    ...WEB_APP,
    state: 'st',
    separate_consent: true, biosample_ids: SAMPLES,
  }

  // The platform acts and holds its answer; A dies while it waits.
  await sandbox.addFault({ path: P.authorize, kind: 'timeout', when: 'after' })
  const sentToA = post(a, '/api/oauth2/authorize', decision).then(
    (response) => `answered ${response.status}`,
    () => 'dropped',
  )
  const held = await until(
    () => sandbox.grants(),
    (grants) => grants.some((g) => g.user_id === ALICE.id && g.client_id === WEB_APP.client_id),
    'the platform to save the grant',
  )
  a.kill('SIGKILL')
  expect(await a.exited).toEqual({ code: null, signal: 'SIGKILL' })
  expect(await sentToA).toBe('dropped')
  expect(held.filter((g) => g.user_id === ALICE.id && g.client_id === WEB_APP.client_id).map((g) => sorted(g.biosample_ids))).toEqual([sorted(SAMPLES)])
  expect((await sandbox.calls(P.authorize)).started).toBe(1)

  // B reads the records: the attempt A wrote before asking is settled by the platform's grant.
  const readAttempts = async (): Promise<{ records: ConsentRecord[]; attempts: ConsentAttempt[] }> => {
    const response = await get(b, '/api/records')
    expect(response.status).toBe(200)
    const records = ((await response.json()) as { records: ConsentRecord[] }).records
    return { records, attempts: foldAttempts(records) }
  }
  const seen = await until(readAttempts, ({ attempts }) => attempts[0]?.outcome === 'granted', 'B to record the attempt as granted')
  expect(seen.attempts.map((x) => [x.record.decision, x.outcome])).toEqual([['authorize', 'granted']])
  const grants = (await (await get(b, '/api/oauth2/grants')).json()) as { grants: { client_id: string; biosample_ids: typeof SAMPLES }[]; vanished?: unknown[] }
  expect(grants.grants.filter((g) => g.client_id === WEB_APP.client_id).map((g) => sorted(g.biosample_ids))).toEqual([sorted(SAMPLES)])
  expect(grants.vanished ?? []).toEqual([])

  // Authorize again via B: 504 while A's claim may still be live, then one new attempt with a new code.
  const answers: number[] = []
  let body: { redirect_to?: string; error?: { code: string } } = {}
  const deadline = Date.now() + POLL_MS
  for (;;) {
    const response = await post(b, '/api/oauth2/authorize', decision)
    body = (await response.json()) as typeof body
    answers.push(response.status)
    if (response.status === 200) break
    expect(response.status).toBe(504)
    expect(['upstream_timeout', 'decision_outcome_unknown']).toContain(body.error?.code)
    expect((await sandbox.calls(P.authorize)).started).toBe(1)
    if (Date.now() > deadline) throw new Error(`B never answered 200: ${answers.join(', ')}`)
  }
  expect(new URL(body.redirect_to ?? '').searchParams.get('code')).toMatch(/^[A-Za-z0-9]{30}$/)
  const calls = await sandbox.calls(P.authorize)
  expect(calls.started).toBe(2)
  expect(calls.maxInFlight).toBe(1)

  // A repeat on B is the same answer and no further call.
  const repeat = await post(b, '/api/oauth2/authorize', decision)
  expect(repeat.status).toBe(200)
  expect(await repeat.json()).toEqual(body)
  expect((await sandbox.calls(P.authorize)).started).toBe(2)

  // The final records agree with the platform.
  const final = await until(readAttempts, ({ attempts }) => attempts.every((x) => x.outcome === 'granted'), 'B’s new attempt to be granted')
  expect(final.attempts.map((x) => [x.record.decision, x.outcome])).toEqual([
    ['authorize', 'granted'],
    ['authorize', 'granted'],
  ])
  expect(latestGrantedAuthorize(final.records, WEB_APP.client_id)?.record.id).toBe(final.attempts[0]?.record.id)
  const platform = (await sandbox.grants()).filter((g) => g.user_id === ALICE.id && g.client_id === WEB_APP.client_id)
  expect(platform.map((g) => sorted(g.biosample_ids))).toEqual([sorted(SAMPLES)])
})
