import { afterEach, describe, expect, test, vi } from 'vitest'
import { useBff, WEB_APP, WX_APP, type Bff, type UserKey } from '../../test/support/bff'
import type { Language } from '../../src/contract/languages'
import { maskTicket, unmaskTicket } from '../consent/ticket'

const AUTHORIZE_PATH = '/openbge/oauth2/authorize'
const ALICE_SAMPLES = [
  { biosample_id: 'E-A0001', type: 'Lowpass' },
  { biosample_id: 'E-A0003', type: '16S' },
]

interface Consent {
  client_id: string
  redirect_uri: string
  scope?: string
}

async function authorize(bff: Bff, consent: Consent, extra: Record<string, unknown> = {}, as: UserKey = 'alice') {
  const { ticket, language } = await bff.consent(as, consent)
  return bff.request('/api/oauth2/authorize', {
    method: 'POST',
    as,
    json: { ticket, language, ...consent, state: 'xyz', separate_consent: true, biosample_ids: ALICE_SAMPLES, ...extra },
  })
}

/** The codes the sandbox minted, read from its answers. */
function mintedCodes(bff: Bff): string[] {
  return bff
    .callsTo(AUTHORIZE_PATH)
    .flatMap((call) => /"code":"([A-Za-z0-9]{30})"/.exec(call.answer ?? '')?.[1] ?? [])
}

afterEach(() => {
  vi.useRealTimers()
})

describe('POST /api/oauth2/authorize', () => {
  test('returns the validated redirect URI, its own query kept, with the code the platform minted and the state', async () => {
    const bff = useBff()
    const response = await authorize(bff, WEB_APP)
    expect(response.status).toBe(200)
    const body = await response.json()
    const [code] = mintedCodes(bff)
    expect(code).toMatch(/^[A-Za-z0-9]{30}$/)
    expect(body).toEqual({ redirect_to: `${WEB_APP.redirect_uri}&code=${code}&state=xyz` })
    const target = new URL(body.redirect_to)
    expect([...target.searchParams]).toEqual([
      ['source', 'portal'],
      ['lang', 'zh'],
      ['code', code],
      ['state', 'xyz'],
    ])
  })

  test('the platform records the grant with the chosen samples', async () => {
    const bff = useBff()
    await authorize(bff, WEB_APP)
    const grants = await (await bff.request('/api/oauth2/grants?client_id=web-app', { as: 'alice' })).json()
    expect(grants.grants).toEqual([expect.objectContaining({ client_id: 'web-app', biosample_ids: ALICE_SAMPLES })])
    const sent = bff.callsTo(AUTHORIZE_PATH)[0]?.params
    expect(JSON.parse(sent?.get('biosample_ids') ?? '')).toEqual(ALICE_SAMPLES)
  })

  test.each([
    'a b c',
    'a+b',
    'a&b=c&code=forged',
    '#not-a-fragment',
    '?q=1',
    '%20 stays %20',
    '中文状态',
    'emoji 😀👍🏽',
    '\'"<>\\',
    '',
  ])('state %j comes back byte for byte', async (state) => {
    const bff = useBff()
    const response = await authorize(bff, WEB_APP, { state })
    expect(response.status).toBe(200)
    const target = new URL((await response.json()).redirect_to)
    expect(target.searchParams.getAll('state')).toEqual([state])
    expect(target.searchParams.getAll('code')).toEqual(mintedCodes(bff))
    expect(target.hash).toBe('')
    expect(target.origin + target.pathname).toBe('https://app.example/callback')
  })

  test('a state that is not well-formed Unicode (a lone surrogate): 400 before the platform mints a code', async () => {
    const bff = useBff()
    const { ticket, language } = await bff.consent('alice', WEB_APP)
    for (const path of ['/api/oauth2/authorize', '/api/oauth2/deny']) {
      // JSON.stringify escapes the lone surrogate as \ud800, which JSON.parse turns back into one.
      const response = await bff.request(path, {
        method: 'POST',
        as: 'alice',
        json: { ticket, language, ...WEB_APP, state: 'ab\ud800c', ...(path.endsWith('authorize') && { separate_consent: true, biosample_ids: ALICE_SAMPLES }) },
      })
      expect(response.status).toBe(400)
      expect(await response.json()).toMatchObject({ error: { code: 'invalid_request', details: { state: expect.any(String) } } })
    }
    expect(bff.callsTo(AUTHORIZE_PATH)).toEqual([])
    // The ticket is still good for a proper decision.
    const response = await bff.request('/api/oauth2/authorize', {
      method: 'POST',
      as: 'alice',
      json: { ticket, language, ...WEB_APP, state: 'abc', separate_consent: true, biosample_ids: ALICE_SAMPLES },
    })
    expect(response.status).toBe(200)
  })

  test('without state the redirect carries none; a redirect without a query gets one', async () => {
    const bff = useBff()
    const response = await authorize(bff, { client_id: 'web-app', redirect_uri: 'https://app.example/plain', scope: 'profile.default' }, {
      state: undefined,
      biosample_ids: [{ biosample_id: 'E-A0001', type: 'Lowpass' }],
    })
    expect(response.status).toBe(200)
    const [code] = mintedCodes(bff)
    expect(await response.json()).toEqual({ redirect_to: `https://app.example/plain?code=${code}` })
  })

  test('a native app gets its private-use scheme URI back', async () => {
    const bff = useBff()
    const response = await authorize(bff, { client_id: 'native-app', redirect_uri: 'com.example.app:/oauth2redirect' }, { biosample_ids: [] })
    expect(response.status).toBe(200)
    expect((await response.json()).redirect_to).toMatch(/^com\.example\.app:\/oauth2redirect\?code=[A-Za-z0-9]{30}&state=xyz$/)
  })

  test('a mini-program app: the app id and the page path with the code, no redirect', async () => {
    const bff = useBff()
    const consent = { client_id: WX_APP.client_id, redirect_uri: WX_APP.redirect_uri }
    const response = await authorize(bff, consent, { state: 'wx state' })
    expect(response.status).toBe(200)
    const [code] = mintedCodes(bff)
    expect(await response.json()).toEqual({
      wxmp_app_id: WX_APP.wxmp_app_id,
      // Absolute: WeChat resolves a relative page path against the web-view's own page.
      mini_program_path: `/${WX_APP.redirect_uri}?code=${code}&state=wx%20state`,
    })
  })

  describe('samples', () => {
    test('a scope that reads sample data needs at least one sample: 400 biosamples_required, upstream not asked', async () => {
      const bff = useBff()
      const response = await authorize(bff, WEB_APP, { biosample_ids: [] })
      expect(response.status).toBe(400)
      expect(await response.json()).toMatchObject({ error: { code: 'biosamples_required' } })
      expect(bff.callsTo(AUTHORIZE_PATH)).toEqual([])
    })

    test('without `scope` the app’s own scopes count, and they read samples', async () => {
      const bff = useBff()
      const response = await authorize(bff, { client_id: WEB_APP.client_id, redirect_uri: WEB_APP.redirect_uri }, { biosample_ids: [] })
      expect(response.status).toBe(400)
      expect(await response.json()).toMatchObject({ error: { code: 'biosamples_required' } })
    })

    test('profile scopes alone may share no sample', async () => {
      const bff = useBff()
      // An app registered for the profile only: the platform grants every registered scope, whatever `scope` names.
      const response = await authorize(bff, { client_id: 'profile-app', redirect_uri: 'https://profile.example/cb' }, { biosample_ids: [] })
      expect(response.status).toBe(200)
    })

    test('a sample that is not the user’s is refused by the platform: 400 with its code', async () => {
      const bff = useBff()
      const response = await authorize(bff, WEB_APP, { biosample_ids: [{ biosample_id: 'E-B0001', type: 'Lowpass' }] })
      expect(response.status).toBe(400)
      expect(await response.json()).toMatchObject({ error: { code: 'invalid_request', upstream_code: 40001 } })
    })
  })

  describe('the consent ticket', () => {
    test('signed out: 401 unauthenticated with the login URL', async () => {
      const bff = useBff()
      const { ticket, language } = await bff.consent('alice', WEB_APP)
      const response = await bff.request('/api/oauth2/authorize', {
        method: 'POST',
        json: { ticket, language, ...WEB_APP, state: 'xyz', separate_consent: true, biosample_ids: ALICE_SAMPLES },
      })
      expect(response.status).toBe(401)
      expect(await response.json()).toMatchObject({ error: { code: 'unauthenticated', login_url: '/signin?next={next}' } })
    })

    test('missing: 400 invalid_request; forged or tampered: 400 invalid_ticket', async () => {
      const bff = useBff()
      const missing = await bff.request('/api/oauth2/authorize', {
        method: 'POST',
        as: 'alice',
        json: { ...WEB_APP, state: 'xyz', separate_consent: true, biosample_ids: ALICE_SAMPLES },
      })
      expect(missing.status).toBe(400)
      expect(await missing.json()).toMatchObject({ error: { code: 'invalid_request', details: { ticket: expect.any(String) } } })

      const { ticket, language } = await bff.consent('alice', WEB_APP)
      const [payload = '', mac = ''] = (unmaskTicket(ticket) ?? '').split('.')
      const widened = Buffer.from(
        JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), exp: Date.now() + 86_400_000 }),
      ).toString('base64url')
      // Masked as the BFF masks them, so what refuses them is the signature, not the wrapping.
      for (const forged of ['not-a-ticket', maskTicket(`${widened}.${mac}`), maskTicket(`${payload}.${mac.slice(0, -2)}`), `${ticket}.x`]) {
        const response = await bff.request('/api/oauth2/authorize', {
          method: 'POST',
          as: 'alice',
          json: { ticket: forged, language, ...WEB_APP, state: 'xyz', separate_consent: true, biosample_ids: ALICE_SAMPLES },
        })
        expect(response.status).toBe(400)
        expect(await response.json()).toMatchObject({ error: { code: 'invalid_ticket' } })
      }
      expect(bff.callsTo(AUTHORIZE_PATH)).toEqual([])
    })

    test('from another session: 403 ticket_session_mismatch, upstream not asked', async () => {
      const bff = useBff()
      const { ticket, language } = await bff.consent('alice', WEB_APP)
      const response = await bff.request('/api/oauth2/authorize', {
        method: 'POST',
        as: 'bob',
        json: { ticket, language, ...WEB_APP, state: 'xyz', separate_consent: true, biosample_ids: [{ biosample_id: 'E-B0001', type: 'Lowpass' }] },
      })
      expect(response.status).toBe(403)
      expect(await response.json()).toMatchObject({ error: { code: 'ticket_session_mismatch' } })
      expect(bff.callsTo(AUTHORIZE_PATH)).toEqual([])
    })

    test.each([
      ['another client', { client_id: 'profile-app', redirect_uri: 'https://profile.example/cb' }],
      ['another registered redirect', { redirect_uri: 'https://app.example/plain' }],
      ['another scope', { scope: 'profile.default' }],
      ['no scope at all', { scope: undefined }],
    ])('for %s: 403 ticket_request_mismatch, upstream not asked', async (_name, change) => {
      const bff = useBff()
      const { ticket, language } = await bff.consent('alice', WEB_APP)
      for (const path of ['/api/oauth2/authorize', '/api/oauth2/deny']) {
        const response = await bff.request(path, {
          method: 'POST',
          as: 'alice',
          json: { ticket, language, ...WEB_APP, ...change, state: 'xyz', ...(path.endsWith('authorize') && { separate_consent: true, biosample_ids: ALICE_SAMPLES }) },
        })
        expect(response.status).toBe(403)
        expect(await response.json()).toMatchObject({ error: { code: 'ticket_request_mismatch' } })
      }
      expect(bff.callsTo(AUTHORIZE_PATH)).toEqual([])
    })

    test('after 10 minutes: 409 ticket_expired', async () => {
      // Only Date is faked (the BFF's clocks read it), before the BFF is built; timers stay real.
      vi.useFakeTimers({ toFake: ['Date'] })
      vi.setSystemTime(new Date('2026-03-01T08:00:00Z'))
      const bff = useBff()
      const { ticket, language } = await bff.consent('alice', WEB_APP)
      const decide = (path: string) =>
        bff.request(path, { method: 'POST', as: 'alice', json: { ticket, language, ...WEB_APP, state: 'xyz', separate_consent: true, biosample_ids: ALICE_SAMPLES } })

      vi.setSystemTime(new Date('2026-03-01T08:10:00Z'))
      const expired = await decide('/api/oauth2/authorize')
      expect(expired.status).toBe(409)
      expect(await expired.json()).toMatchObject({ error: { code: 'ticket_expired' } })
      expect(bff.callsTo(AUTHORIZE_PATH)).toEqual([])

      vi.setSystemTime(new Date('2026-03-01T08:09:59Z'))
      expect((await decide('/api/oauth2/authorize')).status).toBe(200)
    })

    test('used twice: the first answer again, and the platform minted exactly one code', async () => {
      const bff = useBff()
      const { ticket, language } = await bff.consent('alice', WEB_APP)
      const decide = () =>
        bff.request('/api/oauth2/authorize', { method: 'POST', as: 'alice', json: { ticket, language, ...WEB_APP, state: 'xyz', separate_consent: true, biosample_ids: ALICE_SAMPLES } })
      const first = await (await decide()).json()
      const again = await (await decide()).json()
      // A double click: both in flight at once.
      const [third, fourth] = await Promise.all([decide(), decide()])
      expect(again).toEqual(first)
      expect(await third?.json()).toEqual(first)
      expect(await fourth?.json()).toEqual(first)
      expect(bff.callsTo(AUTHORIZE_PATH)).toHaveLength(1)
      expect(mintedCodes(bff)).toHaveLength(1)
    })

    test('five sends arriving together (double clicks, two tabs) reach the platform once, all with the one code', async () => {
      const bff = useBff({ latencyMs: 30 })
      const { ticket, language } = await bff.consent('alice', WEB_APP)
      const decide = () =>
        bff.request('/api/oauth2/authorize', { method: 'POST', as: 'alice', json: { ticket, language, ...WEB_APP, state: 'xyz', separate_consent: true, biosample_ids: ALICE_SAMPLES } })
      const answers = await Promise.all([decide(), decide(), decide(), decide(), decide()])
      expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200])
      const bodies = await Promise.all(answers.map((a) => a.json()))
      expect(new Set(bodies.map((b) => JSON.stringify(b))).size).toBe(1)
      expect(bff.callsTo(AUTHORIZE_PATH)).toHaveLength(1)
      const [code] = mintedCodes(bff)
      expect(new URL(bodies[0].redirect_to).searchParams.getAll('code')).toEqual([code])
      // A repeat after the answer came back (back button, resubmit): still the first answer.
      expect(await (await decide()).json()).toEqual(bodies[0])
      expect(bff.callsTo(AUTHORIZE_PATH)).toHaveLength(1)
    })

    test('deny sent while authorize is in flight on the same ticket: 409 ticket_used, one upstream authorize, one code', async () => {
      const bff = useBff({ latencyMs: 50 })
      const { ticket, language } = await bff.consent('alice', WEB_APP)
      const authorizing = bff.request('/api/oauth2/authorize', {
        method: 'POST',
        as: 'alice',
        json: { ticket, language, ...WEB_APP, state: 'xyz', separate_consent: true, biosample_ids: ALICE_SAMPLES },
      })
      // Deny leaves once the platform has heard authorize: sent together, either may claim first.
      await vi.waitFor(() => expect(bff.callsTo(AUTHORIZE_PATH)).toHaveLength(1), { interval: 1 })
      const denying = bff.request('/api/oauth2/deny', { method: 'POST', as: 'alice', json: { ticket, language, ...WEB_APP, state: 'xyz' } })
      const [authorized, denied] = await Promise.all([authorizing, denying])
      expect(authorized.status).toBe(200)
      expect(denied.status).toBe(409)
      expect(await denied.json()).toMatchObject({ error: { code: 'ticket_used' } })
      expect(bff.callsTo(AUTHORIZE_PATH)).toHaveLength(1)
      expect(mintedCodes(bff)).toHaveLength(1)
    })

    test('authorize the platform refuses, then five at once by hand: one more upstream authorize, one code', async () => {
      const bff = useBff({ latencyMs: 20, faults: [{ path: AUTHORIZE_PATH, kind: 'error_code', code: 50001, times: 1 }] })
      const { ticket, language } = await bff.consent('alice', WEB_APP)
      const decide = () =>
        bff.request('/api/oauth2/authorize', { method: 'POST', as: 'alice', json: { ticket, language, ...WEB_APP, state: 'xyz', separate_consent: true, biosample_ids: ALICE_SAMPLES } })
      expect((await decide()).status).toBe(502)
      const answers = await Promise.all([decide(), decide(), decide(), decide(), decide()])
      expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200])
      expect(bff.callsTo(AUTHORIZE_PATH)).toHaveLength(2)
      expect(mintedCodes(bff)).toHaveLength(1)
    })

    test('a fresh ticket (the page reloaded) may authorize again', async () => {
      const bff = useBff()
      const first = await (await authorize(bff, WEB_APP)).json()
      const second = await (await authorize(bff, WEB_APP)).json()
      expect(second.redirect_to).not.toBe(first.redirect_to)
      expect(mintedCodes(bff)).toHaveLength(2)
    })
  })

  describe('the separate consent for genetic data (variant.rsid)', () => {
    test.each([
      ['missing', { separate_consent: undefined }],
      ['false', { separate_consent: false }],
    ])('%s: 400 separate_consent_required, the platform not asked, nothing recorded, and the page may still authorize', async (_name, extra) => {
      const bff = useBff()
      const held = await bff.consent('alice', WEB_APP)
      const refused = await bff.request('/api/oauth2/authorize', { method: 'POST', as: 'alice', json: { ...held, ...WEB_APP, state: 'xyz', biosample_ids: ALICE_SAMPLES, ...extra } })
      expect(refused.status).toBe(400)
      expect(await refused.json()).toMatchObject({ error: { code: 'separate_consent_required', message: expect.stringMatching(/genetic data/) } })
      expect(bff.callsTo(AUTHORIZE_PATH)).toEqual([])
      expect((await (await bff.request('/api/records', { as: 'alice' })).json()).records).toEqual([])
      // Refused before the ticket was claimed: ticked now, the same page authorizes.
      const granted = await bff.request('/api/oauth2/authorize', { method: 'POST', as: 'alice', json: { ...held, ...WEB_APP, state: 'xyz', biosample_ids: ALICE_SAMPLES, separate_consent: true } })
      expect(granted.status).toBe(200)
    })

    test('an app without a genetic scope needs none', async () => {
      const bff = useBff()
      const profile = { client_id: 'profile-app', redirect_uri: 'https://profile.example/cb' }
      const response = await authorize(bff, profile, { separate_consent: undefined, biosample_ids: [] })
      expect(response.status).toBe(200)
    })

    test('a value that is not a boolean is malformed: 400 invalid_request', async () => {
      const bff = useBff()
      const response = await authorize(bff, WEB_APP, { separate_consent: 'agree' })
      expect(response.status).toBe(400)
      expect(await response.json()).toMatchObject({ error: { code: 'invalid_request' } })
      expect(bff.callsTo(AUTHORIZE_PATH)).toEqual([])
    })

    test('a deny carries no separate consent: a body that says it is malformed', async () => {
      const bff = useBff()
      const held = await bff.consent('alice', WEB_APP)
      const response = await bff.request('/api/oauth2/deny', { method: 'POST', as: 'alice', json: { ...held, ...WEB_APP, separate_consent: true } })
      expect(response.status).toBe(400)
    })
  })

  test('a body with unknown fields or a malformed sample list: 400 invalid_request', async () => {
    const bff = useBff()
    const { ticket, language } = await bff.consent('alice', WEB_APP)
    for (const json of [
      { ticket, language, ...WEB_APP, separate_consent: true, biosample_ids: ALICE_SAMPLES, admin: true },
      { ticket, language, ...WEB_APP, separate_consent: true, biosample_ids: 'E-A0001' },
      { ticket, language, ...WEB_APP, separate_consent: true, biosample_ids: [{ biosample_id: '', type: 'Lowpass' }] },
      { ticket, language, ...WEB_APP, state: 42, separate_consent: true, biosample_ids: ALICE_SAMPLES },
    ]) {
      const response = await bff.request('/api/oauth2/authorize', { method: 'POST', as: 'alice', json })
      expect(response.status).toBe(400)
      expect(await response.json()).toMatchObject({ error: { code: 'invalid_request', details: expect.any(Object) } })
    }
    expect(bff.callsTo(AUTHORIZE_PATH)).toEqual([])
  })
})

describe('POST /api/oauth2/deny', () => {
  async function deny(bff: Bff, consent: Consent, held: { ticket: string; language: Language }, state?: string) {
    return bff.request('/api/oauth2/deny', { method: 'POST', as: 'alice', json: { ...held, ...consent, state } })
  }

  test('sends the user back with error=access_denied and the state; the platform only says who the user is and the texts shown (for the record)', async () => {
    const bff = useBff()
    const { ticket, language } = await bff.consent('alice', WEB_APP)
    const callsBefore = bff.upstreamCalls.length
    const response = await deny(bff, WEB_APP, { ticket, language }, 'a b+c&d #中文 😀')
    expect(response.status).toBe(200)
    const body = await response.json()
    expect(body).toEqual({
      redirect_to: `${WEB_APP.redirect_uri}&error=access_denied&state=${encodeURIComponent('a b+c&d #中文 😀')}`,
    })
    expect(new URL(body.redirect_to).searchParams.get('state')).toBe('a b+c&d #中文 😀')
    expect(bff.upstreamCalls.slice(callsBefore).map((call) => call.path).sort()).toEqual(['/openbge/oauth2/application', '/openbge/user/profile'])
  })

  test('twice with one ticket: the same answer', async () => {
    const bff = useBff()
    const { ticket, language } = await bff.consent('alice', WEB_APP)
    const first = await (await deny(bff, WEB_APP, { ticket, language }, 'xyz')).json()
    const again = await deny(bff, WEB_APP, { ticket, language }, 'xyz')
    expect(again.status).toBe(200)
    expect(await again.json()).toEqual(first)
  })

  test('a mini-program app: the page path with the error', async () => {
    const bff = useBff()
    const consent = { client_id: WX_APP.client_id, redirect_uri: WX_APP.redirect_uri }
    const { ticket, language } = await bff.consent('alice', consent)
    expect(await (await deny(bff, consent, { ticket, language }, undefined)).json()).toEqual({
      wxmp_app_id: WX_APP.wxmp_app_id,
      mini_program_path: `/${WX_APP.redirect_uri}?error=access_denied`,
    })
  })

  test('needs a session and a ticket', async () => {
    const bff = useBff()
    const { ticket, language } = await bff.consent('alice', WEB_APP)
    const signedOut = await bff.request('/api/oauth2/deny', { method: 'POST', json: { ticket, language, ...WEB_APP, state: 'xyz' } })
    expect(signedOut.status).toBe(401)
    const noTicket = await bff.request('/api/oauth2/deny', { method: 'POST', as: 'alice', json: { ...WEB_APP, state: 'xyz' } })
    expect(noTicket.status).toBe(400)
  })

  test('one decision per ticket: deny after authorize, or authorize after deny, is 409 ticket_used', async () => {
    const bff = useBff()
    const authorized = await bff.consent('alice', WEB_APP)
    const granted = await bff.request('/api/oauth2/authorize', {
      method: 'POST',
      as: 'alice',
      json: { ...authorized, ...WEB_APP, state: 'xyz', separate_consent: true, biosample_ids: ALICE_SAMPLES },
    })
    expect(granted.status).toBe(200)
    const late = await deny(bff, WEB_APP, authorized)
    expect(late.status).toBe(409)
    expect(await late.json()).toMatchObject({ error: { code: 'ticket_used' } })

    const denied = await bff.consent('alice', WEB_APP)
    expect((await deny(bff, WEB_APP, denied)).status).toBe(200)
    const change = await bff.request('/api/oauth2/authorize', {
      method: 'POST',
      as: 'alice',
      json: { ...denied, ...WEB_APP, state: 'xyz', separate_consent: true, biosample_ids: ALICE_SAMPLES },
    })
    expect(change.status).toBe(409)
    expect(await change.json()).toMatchObject({ error: { code: 'ticket_used' } })
    // Only the first ticket's authorize reached the platform.
    expect(bff.callsTo(AUTHORIZE_PATH)).toHaveLength(1)
  })
})
