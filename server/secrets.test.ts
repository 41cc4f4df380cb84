// SPEC.md "Security": the auth_token, the app secret, signatures and codes never appear in an
// /api body other than `redirect_to`, nor in logs; consent records hold none of them, nor `state`. One whole scenario, successes and failures,
// with every answer and log line checked afterwards.
import { RENDER_STATE_ID } from '../src/contract/render-state'
import { expect, test } from 'vitest'
import { ALICE, BOB, useBff, WEB_APP } from '../test/support/bff'
import { SANDBOX_APP_SECRET, SANDBOX_SAMPLES_PATH } from './config'

const AUTHORIZE_PATH = '/openbge/oauth2/authorize'
const SAMPLES = [{ biosample_id: 'E-A0001', type: 'Lowpass' }]

test('no answer other than redirect_to, and no log line, carries a token, the app secret, a signature or a code', async () => {
  const bff = useBff({
    faults: [
      { path: SANDBOX_SAMPLES_PATH, kind: 'error_code', code: 40012, times: 1 },
      { path: AUTHORIZE_PATH, kind: 'error_code', code: 50001, times: 1 },
      { path: '/openbge/oauth2/grants', kind: 'malformed_json', times: 3 },
    ],
  })
  const cookie = await bff.signIn('alice')
  expect(cookie).toBe(`bge_auth_token=${ALICE.auth_token}`)
  const post = (path: string, json: unknown) => bff.request(path, { method: 'POST', json, headers: { Cookie: cookie } })
  const get = (path: string) => bff.request(path, { headers: { Cookie: cookie } })

  // Pages and reads, including refusals the platform explains in its own words.
  await get('/api/session')
  expect((await get('/api/biosamples')).status).toBe(502)
  expect((await get('/api/biosamples')).status).toBe(200)
  const { ticket, language } = await bff.consent('alice', WEB_APP)
  await get('/api/oauth2/application?client_id=no-such-app&redirect_uri=https://app.example/callback')
  await get('/api/oauth2/application?client_id=blocked-app&redirect_uri=https://app.example/callback')

  // Authorize: a failed first try, a success, a repeat, a decision the ticket no longer allows.
  const decision = { ticket, language, ...WEB_APP, state: 'st&te', separate_consent: true, biosample_ids: SAMPLES }
  expect((await post('/api/oauth2/authorize', decision)).status).toBe(502)
  const authorized = await post('/api/oauth2/authorize', decision)
  expect(authorized.status).toBe(200)
  await post('/api/oauth2/authorize', decision)
  expect((await post('/api/oauth2/deny', { ticket, language, ...WEB_APP, state: 'x' })).status).toBe(409)
  await post('/api/oauth2/authorize', { ...decision, biosample_ids: [] })
  await post('/api/oauth2/authorize', { ...decision, ticket: `${ticket}x` })

  // Deny with a fresh ticket; a ticket replayed by another user.
  const second = await bff.consent('alice', WEB_APP)
  expect((await post('/api/oauth2/deny', { ...second, ...WEB_APP, state: 'x' })).status).toBe(200)
  await bff.request('/api/oauth2/authorize', { method: 'POST', as: 'bob', json: decision })

  // Grants: an upstream that answers garbage, then the list, then revoking twice.
  expect((await get('/api/oauth2/grants')).status).toBe(502)
  expect((await get('/api/oauth2/grants')).status).toBe(200)
  await get('/api/oauth2/grants?client_id=web-app')
  await bff.request('/api/oauth2/grants/web-app', { method: 'DELETE', headers: { Cookie: cookie } })
  await bff.request('/api/oauth2/grants/web-app', { method: 'DELETE', headers: { Cookie: cookie } })
  // The pages last: they are rendered from the same reads, whose answers they carry in their render
  // state (src/app/hydration.ts), and which would otherwise meet the faults meant for /api above.
  const consentQuery = new URLSearchParams({ ...WEB_APP, response_type: 'code', state: 's' })
  expect(await (await get(`/oauth2/authorize?${consentQuery}`)).text()).toContain(RENDER_STATE_ID)
  expect(await (await get('/grants')).text()).toContain(RENDER_STATE_ID)

  // The records of it all: never a token, a code or the state.
  const records = await get('/api/records')
  const listed = (await records.json()) as { records: { id: string }[] }
  // Attempts: the refused authorize, the granted one, the deny, the revoke (each authorize also has
  // its resolution, the revoke its confirmation).
  expect(listed.records).toHaveLength(7)
  for (const record of listed.records) await get(`/api/records/${record.id}`)
  await get('/api/records?client_id=web-app')
  await bff.request(`/api/records/${listed.records[0]?.id}`, { as: 'bob' })
  const recordAnswers = bff.responses.filter((response) => response.path.startsWith('/api/records') && response.status === 200)
  expect(recordAnswers).toHaveLength(listed.records.length + 2)
  for (const response of recordAnswers) expect(response.body).not.toMatch(/st&te|st%26te|"state"|"code"/)

  // Requests the BFF turns away, and an expired session.
  await bff.request('/api/oauth2/grants/web-app', { method: 'DELETE', headers: { Cookie: cookie }, csrf: false })
  await bff.request('/api/session', { as: { token: 'tok-expired-7d1c' } })
  await bff.request('/api/nope', { headers: { Cookie: cookie } })
  await bff.request('/api/session', { method: 'DELETE', headers: { Cookie: cookie } })

  // What must stay secret, gathered from what actually went over the wire.
  const signatures = bff.upstreamCalls.map((call) => call.params.get('sign') ?? '')
  const codes = bff.callsTo(AUTHORIZE_PATH).flatMap((call) => /"code":"([A-Za-z0-9]{30})"/.exec(call.answer ?? '')?.[1] ?? [])
  expect(signatures.length).toBeGreaterThan(10)
  expect(signatures.every((sign) => sign.length >= 20)).toBe(true)
  expect(codes).toHaveLength(1)
  const secrets = [ALICE.auth_token, BOB.auth_token, 'tok-expired-7d1c', SANDBOX_APP_SECRET, ...signatures, ...codes]
  const leaks = (text: string) => [
    ...secrets.filter((secret) => text.includes(secret) || text.includes(encodeURIComponent(secret))),
    ...(/\bsign=/.test(text) ? ['sign='] : []),
  ]

  const redirects: string[] = []
  for (const response of bff.responses) {
    const where = `${response.method} ${response.path} ${response.status}`
    let body = response.body
    if (response.headers.get('Content-Type')?.startsWith('application/json')) {
      const parsed = JSON.parse(body) as Record<string, unknown>
      if (typeof parsed.redirect_to === 'string') redirects.push(parsed.redirect_to)
      delete parsed.redirect_to
      body = JSON.stringify(parsed)
    }
    expect(leaks(body), where).toEqual([])
    const headers = [...response.headers].filter(([name]) => name !== 'set-cookie' || !(response.method === 'POST' && response.path === '/api/session'))
    expect(leaks(JSON.stringify(headers)), where).toEqual([])
  }
  // The code reached the app through redirect_to, and nothing else did.
  expect(redirects).toContain(`${WEB_APP.redirect_uri}&code=${codes[0]}&state=st%26te`)
  for (const redirect of redirects) expect(leaks(redirect.replace(codes[0] ?? '', ''))).toEqual([])

  expect(bff.logs.length).toBeGreaterThan(20)
  for (const line of bff.logs) expect(leaks(line), line).toEqual([])
  // Each line is one JSON object (server/http/log.ts) naming neither the person nor the app's state.
  for (const line of bff.logs) {
    expect(() => JSON.parse(line) as unknown, line).not.toThrow()
    expect(line).not.toMatch(new RegExp(`${ALICE.id}|${BOB.id}|st&te|st%26te`))
  }
})
