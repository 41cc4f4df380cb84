// The pages' forms posted without JavaScript (server/consent/form-actions.ts), through the whole
// BFF: the page render with the SPA's routes, the route actions, the shared decision.
import { describe, expect, test } from 'vitest'
import { biosampleFieldValue } from '../../src/contract/page-forms'
import { foldAttempts, type ConsentRecord } from '../../src/contract/records'
import { ALICE, BOB, testWorld, useBff, WEB_APP, WX_APP, type Bff, type BffRequestInit, type UserKey } from '../../test/support/bff'

const AUTHORIZE_PATH = '/openbge/oauth2/authorize'
const STATE = 'a b+c&d #中文\n😀'
const BOB_EN = `bge_auth_token=${BOB.auth_token}; bge_lang=en`
const FAST = { UPSTREAM_TIMEOUT_MS: '150', UPSTREAM_CLOCK_MARGIN_MS: '0' }

function consentPath(request: { client_id: string; redirect_uri: string; scope?: string }, state = STATE): string {
  const query = new URLSearchParams({ client_id: request.client_id, redirect_uri: request.redirect_uri, response_type: 'code' })
  if (request.scope !== undefined) query.set('scope', request.scope)
  query.set('state', state)
  return `/oauth2/authorize?${query}`
}

/** The consent page as the browser gets it, and the ticket its form holds. */
async function openPage(bff: Bff, path: string, as: UserKey = 'alice', lang = 'en'): Promise<{ html: string; ticket: string; response: Response }> {
  const response = await bff.request(path, { as, headers: { Cookie: `${bff.config.authCookie}=${as === 'alice' ? ALICE.auth_token : BOB.auth_token}; bge_lang=${lang}` } })
  const html = await response.text()
  const ticket = /<input type="hidden" name="ticket" value="([^"]+)"/.exec(html)?.[1]
  if (response.status !== 200 || !ticket) throw new Error(`no consent form: ${response.status}`)
  return { html, ticket, response }
}

/** A form post as Chromium sends one from the portal's own page (Referrer-Policy no-referrer: Origin null). */
function formPost(bff: Bff, path: string, fields: [string, string][], init: BffRequestInit & { lang?: string } = {}): Promise<Response> {
  const { lang = 'en', headers, ...rest } = init
  return bff.request(path, {
    method: 'POST',
    as: 'alice',
    csrf: false,
    origin: 'null',
    body: new URLSearchParams(fields).toString(),
    ...rest,
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Sec-Fetch-Site': 'same-origin', Cookie: `bge_auth_token=${ALICE.auth_token}; bge_lang=${lang}`, ...headers },
  })
}

const SAMPLE = biosampleFieldValue({ biosample_id: 'E-A0001', type: 'Lowpass' })

/** The form's fields as the page posts them; an authorize ticks the separate consent (WEB_APP reads genetic data) unless told not to. */
function decision(ticket: string, choice: 'authorize' | 'deny', samples: string[] = [SAMPLE], language = 'en', agree = choice === 'authorize'): [string, string][] {
  const separate: [string, string][] = agree ? [['separate_consent', 'agree']] : []
  return [['ticket', ticket], ['language', language], ...samples.map((value): [string, string] => ['biosample', value]), ...separate, ['decision', choice]]
}

async function records(bff: Bff): Promise<ConsentRecord[]> {
  const response = await bff.request('/api/records', { as: 'alice' })
  return ((await response.json()) as { records: ConsentRecord[] }).records
}

async function grantsOf(bff: Bff, as: UserKey): Promise<string[]> {
  const response = await bff.request('/api/oauth2/grants', { as })
  return ((await response.json()) as { grants: { client_id: string }[] }).grants.map((g) => g.client_id)
}

/** Where a 303 to the continuation page finally sends the browser. */
async function continued(bff: Bff, answer: Response): Promise<string> {
  expect(answer.status).toBe(303)
  const location = answer.headers.get('Location') ?? ''
  expect(location).toMatch(/^\/oauth2\/continue\?c=/)
  const page = await bff.request(location)
  expect(page.status).toBe(200)
  const html = await page.text()
  const refresh = /<meta http-equiv="refresh" content="0;url=([^"]+)"/.exec(html)?.[1]
  const link = /<a href="([^"]+)"/.exec(html)?.[1]
  expect(refresh).toBe(link)
  return (refresh ?? '').replaceAll('&amp;', '&')
}

describe('the consent form', () => {
  test('authorize: 303 to the continuation page, which goes on to the app with the code and the state byte for byte; recorded', async () => {
    const bff = useBff()
    const path = consentPath(WEB_APP)
    const { html, ticket } = await openPage(bff, path)
    // The form as the page renders it: posts to itself, one box per sample carrying id and type.
    expect(html).toMatch(/<form [^>]*method="post"/)
    expect(html).toContain(`name="biosample" value="${SAMPLE.replaceAll('"', '&quot;')}"`)
    expect(html).toMatch(/<button type="submit" value="deny" formNoValidate=""[^>]* name="decision"/)
    expect(html).toMatch(/<button type="submit" value="authorize"[^>]* name="decision"/)

    const target = new URL(await continued(bff, await formPost(bff, path, decision(ticket, 'authorize'))))
    expect(target.origin + target.pathname).toBe('https://app.example/callback')
    expect(target.searchParams.get('source')).toBe('portal')
    expect(target.searchParams.get('code')).toMatch(/.+/)
    expect(target.searchParams.get('state')).toBe(STATE)
    expect(bff.callsTo(AUTHORIZE_PATH)).toHaveLength(1)
    const [record] = foldAttempts(await records(bff))
    expect([record?.record.decision, record?.outcome, record?.record.language, record?.record.biosamples]).toEqual([
      'authorize',
      'granted',
      'en',
      [{ biosample_id: 'E-A0001', type: 'Lowpass' }],
    ])
  })

  test('deny: the app gets access_denied and the state; recorded', async () => {
    const bff = useBff()
    const path = consentPath(WEB_APP)
    const { ticket } = await openPage(bff, path)
    const target = new URL(await continued(bff, await formPost(bff, path, decision(ticket, 'deny', []))))
    expect(target.searchParams.get('error')).toBe('access_denied')
    expect(target.searchParams.get('state')).toBe(STATE)
    expect(bff.callsTo(AUTHORIZE_PATH)).toEqual([])
    expect((await records(bff)).map((r) => [r.decision, r.outcome])).toEqual([['deny', 'denied']])
  })

  test.each([
    ['no Sec-Fetch-Site', { 'Sec-Fetch-Site': '' }],
    ['a cross-site form', { 'Sec-Fetch-Site': 'cross-site' }],
    ['a same-site form (another subdomain)', { 'Sec-Fetch-Site': 'same-site' }],
    ['a foreign Origin', { Origin: 'https://evil.example' }],
  ])('CSRF: %s is refused with 403 before anything is decided', async (_name, headers) => {
    const bff = useBff()
    const path = consentPath(WEB_APP)
    const { ticket } = await openPage(bff, path)
    const response = await formPost(bff, path, decision(ticket, 'authorize'), { headers })
    expect(response.status).toBe(403)
    expect(bff.callsTo(AUTHORIZE_PATH)).toEqual([])
    expect(await records(bff)).toEqual([])
  })

  test('a body that is not a form is refused with 415', async () => {
    const bff = useBff()
    const path = consentPath(WEB_APP)
    const { ticket } = await openPage(bff, path)
    const response = await formPost(bff, path, decision(ticket, 'authorize'), { headers: { 'Content-Type': 'application/json' } })
    expect(response.status).toBe(415)
    expect(bff.callsTo(AUTHORIZE_PATH)).toEqual([])
  })

  test('the ticket is single-use: a repeat gets the first answer (one code), a Deny after it is refused on the page', async () => {
    const bff = useBff()
    const path = consentPath(WEB_APP)
    const { ticket } = await openPage(bff, path)
    const first = await continued(bff, await formPost(bff, path, decision(ticket, 'authorize')))
    const again = await continued(bff, await formPost(bff, path, decision(ticket, 'authorize')))
    expect(again).toBe(first)
    expect(bff.callsTo(AUTHORIZE_PATH)).toHaveLength(1)
    const denied = await formPost(bff, path, decision(ticket, 'deny', []))
    expect(denied.status).toBe(409)
    expect(await denied.text()).toContain('This page has expired')
    expect((await records(bff)).map((r) => r.decision)).not.toContain('deny')
  })

  test('past RATE_LIMIT_DECISIONS_PER_MINUTE: the page again, 429 with Retry-After, nothing asked of the platform', async () => {
    const bff = useBff({ env: { RATE_LIMIT_DECISIONS_PER_MINUTE: '1' } })
    const path = consentPath(WEB_APP)
    expect((await formPost(bff, path, decision((await openPage(bff, path)).ticket, 'deny', []))).status).toBe(303)
    const limited = await formPost(bff, path, decision((await openPage(bff, path)).ticket, 'authorize'))
    expect(limited.status).toBe(429)
    expect(Number(limited.headers.get('Retry-After'))).toBeGreaterThan(0)
    expect(await limited.text()).toMatch(/<form [^>]*method="post"/)
    expect(bff.callsTo(AUTHORIZE_PATH)).toEqual([])
  })

  test('a ticket of another session or request is refused on the page', async () => {
    const bff = useBff()
    const path = consentPath(WEB_APP)
    const { ticket } = await openPage(bff, path)
    const other = consentPath({ ...WEB_APP, scope: 'profile.default' })
    const response = await formPost(bff, other, decision(ticket, 'authorize'))
    expect(response.status).toBe(403)
    expect(bff.callsTo(AUTHORIZE_PATH)).toEqual([])
  })

  test('the answer lost after the platform acted: 504 on the page; a Deny is refused and never recorded; a retry never gets two codes at once', async () => {
    const bff = useBff({ faults: [{ path: AUTHORIZE_PATH, kind: 'timeout', when: 'after' }], env: FAST })
    const path = consentPath(WEB_APP)
    const { ticket } = await openPage(bff, path)
    const lost = await formPost(bff, path, decision(ticket, 'authorize'))
    expect(lost.status).toBe(504)
    const page = await lost.text()
    // The page says the platform may have acted, and where to look.
    expect(page).toContain('/grants')
    expect(bff.callsTo(AUTHORIZE_PATH)).toHaveLength(1)

    const denied = await formPost(bff, path, decision(ticket, 'deny', []))
    expect(denied.status).toBe(409)
    expect(bff.callsTo(AUTHORIZE_PATH)).toHaveLength(1)
    expect(foldAttempts(await records(bff)).map((a) => [a.record.decision, a.outcome])).toEqual([['authorize', 'granted']])

    // Its code never reached anyone: Authorize may ask once more (SPEC.md "Consent records"), and
    // two submits at once still make one platform call and get the same answer.
    const [one, two] = await Promise.all([formPost(bff, path, decision(ticket, 'authorize')), formPost(bff, path, decision(ticket, 'authorize'))])
    expect(await continued(bff, one as Response)).toBe(await continued(bff, two as Response))
    expect(bff.callsTo(AUTHORIZE_PATH)).toHaveLength(2)
  })

  test.each([
    ['en', 'Choose at least one sample to authorize.'],
    ['zh-CN', '请至少选择一个样品后再授权。'],
  ])('authorize without a sample (%s): the page again, 400, with the reason; nothing asked of the platform', async (lang, reason) => {
    const bff = useBff()
    const path = consentPath(WEB_APP)
    const { ticket } = await openPage(bff, path, 'alice', lang)
    const response = await formPost(bff, path, decision(ticket, 'authorize', [], lang), { lang })
    expect(response.status).toBe(400)
    const html = await response.text()
    expect(html).toContain(reason)
    // Still the form, with a ticket to decide with (the page's read of the app hands out a fresh one).
    expect(html).toMatch(/<input type="hidden" name="ticket" value="[^"]+"/)
    expect(bff.callsTo(AUTHORIZE_PATH)).toEqual([])
    expect(await records(bff)).toEqual([])
  })

  test.each([
    ['en', 'I agree that Gene Insight may read my genetic data', 'Tick “I agree” for your genetic data to authorize.'],
    ['zh-CN', '我同意 Gene Insight 读取我的基因数据', '请勾选基因数据的“我同意”后再授权。'],
  ])('the genetic step (%s): rendered unticked and required; authorize without it is the page again, 400, with the reason; nothing decided', async (lang, label, reason) => {
    const bff = useBff()
    const path = consentPath(WEB_APP)
    const { html, ticket } = await openPage(bff, path, 'alice', lang)
    // The step's checkbox: required, never checked in the markup, its label the words that are recorded.
    const box = /<input[^>]*name="separate_consent"[^>]*>/.exec(html)?.[0] ?? ''
    expect(box).toContain('value="agree"')
    expect(box).toContain('required=""')
    expect(box).not.toMatch(/checked/)
    expect(html).toContain(label.replace('Gene Insight', '<bdi>Gene Insight</bdi>'))

    const response = await formPost(bff, path, decision(ticket, 'authorize', [SAMPLE], lang, false), { lang })
    expect(response.status).toBe(400)
    const page = await response.text()
    expect(page).toContain(reason)
    // The page again, its step unticked again: a refusal never ticks it for the person.
    expect(/<input[^>]*name="separate_consent"[^>]*>/.exec(page)?.[0]).not.toMatch(/checked/)
    expect(bff.callsTo(AUTHORIZE_PATH)).toEqual([])
    expect(await records(bff)).toEqual([])
  })

  test('the genetic step ticked: granted, and the record carries the consent with the words the page showed', async () => {
    const bff = useBff()
    const path = consentPath(WEB_APP)
    const { ticket } = await openPage(bff, path, 'alice', 'zh-CN')
    await continued(bff, await formPost(bff, path, decision(ticket, 'authorize', [SAMPLE], 'zh-CN'), { lang: 'zh-CN' }))
    const [attempt] = foldAttempts(await records(bff))
    expect(attempt?.outcome).toBe('granted')
    expect(attempt?.record.separate_consent?.given).toBe(true)
    expect(attempt?.record.separate_consent?.words[0]).toBe('我同意 Gene Insight 读取我的基因数据')
    expect(attempt?.record.separate_consent?.words).toHaveLength(6)
  })

  test('a separate_consent field of another value, or twice, is not this page’s form: 400 invalid_request, nothing decided', async () => {
    const bff = useBff()
    const path = consentPath(WEB_APP)
    const { ticket } = await openPage(bff, path)
    const base = decision(ticket, 'authorize', [SAMPLE], 'en', false)
    for (const extra of [[['separate_consent', 'yes']], [['separate_consent', 'agree'], ['separate_consent', 'agree']]] as [string, string][][]) {
      const response = await formPost(bff, path, [...base, ...extra])
      expect(response.status).toBe(400)
    }
    expect(bff.callsTo(AUTHORIZE_PATH)).toEqual([])
    expect(await records(bff)).toEqual([])
  })

  test('deny on the genetic step: recorded with the words shown and the consent not given', async () => {
    const bff = useBff()
    const path = consentPath(WEB_APP)
    const { ticket } = await openPage(bff, path)
    await continued(bff, await formPost(bff, path, decision(ticket, 'deny', [])))
    const [record] = await records(bff)
    expect(record?.separate_consent?.given).toBe(false)
    expect(record?.separate_consent?.words[0]).toBe('I agree that Gene Insight may read my genetic data')
  })

  test('a native app: 303 straight to its scheme, which the page’s form-action admits', async () => {
    const bff = useBff()
    const native = { client_id: 'native-app', redirect_uri: 'com.example.app:/oauth2redirect', scope: 'profile.default' }
    const path = consentPath(native, 'st')
    const { ticket, response: page } = await openPage(bff, path)
    expect(page.headers.get('Content-Security-Policy')).toContain("form-action 'self' com.example.app:")
    const answer = await formPost(bff, path, decision(ticket, 'deny', []))
    expect(answer.status).toBe(303)
    expect(answer.headers.get('Location')).toBe('com.example.app:/oauth2redirect?error=access_denied&state=st')
  })

  test('a web app’s consent page admits its validated origin in form-action; other pages admit only the portal', async () => {
    const bff = useBff()
    const { response } = await openPage(bff, consentPath(WEB_APP))
    expect(response.headers.get('Content-Security-Policy')).toContain("form-action 'self' https://app.example;")
    const grants = await bff.request('/grants', { as: 'alice' })
    expect(grants.headers.get('Content-Security-Policy')).toContain("form-action 'self';")
  })

  test('a mini program without script: the page says to return to the mini program', async () => {
    const bff = useBff()
    const wx = { client_id: WX_APP.client_id, redirect_uri: WX_APP.redirect_uri, scope: 'profile.default' }
    const path = consentPath(wx, 'st')
    const { ticket } = await openPage(bff, path)
    const response = await formPost(bff, path, decision(ticket, 'authorize'))
    expect(response.status).toBe(200)
    expect(await response.text()).toContain('Return to the')
    expect(bff.callsTo(AUTHORIZE_PATH)).toHaveLength(1)
  })
})

describe('Show all samples, without script', () => {
  /** Alice with 45 samples, E-A0001 … E-A0045: more than the page shows at first. */
  function manySamples() {
    const world = testWorld()
    const many = Array.from({ length: 45 }, (_, i) => ({ biosample_id: `E-A${String(i + 1).padStart(4, '0')}`, type: 'Lowpass', status: 1, sample_time: '2024-03-19T07:00:41Z', project_name: 'P' }))
    return useBff({ fixtures: { ...world, users: world.users.map((user) => (user.id === ALICE.id ? { ...user, biosamples: many } : user)) } })
  }

  /** The sample boxes of a rendered page: each one's id, and whether it is ticked. */
  function boxes(html: string): { id: string; checked: boolean }[] {
    return [...html.matchAll(/<input[^>]*name="biosample"[^>]*>/g)].map(([box]) => ({ id: /data-id="([^"]+)"/.exec(box)?.[1] ?? '', checked: /\schecked=""/.test(box) }))
  }

  const field = (id: string) => biosampleFieldValue({ biosample_id: id, type: 'Lowpass' })

  test('the page again with every row and the posted ticks kept: 200, nothing claimed, decided, recorded or logged as a refusal; its ticket still decides', async () => {
    const bff = manySamples()
    const path = consentPath(WEB_APP)
    const { html, ticket } = await openPage(bff, path)
    expect(boxes(html)).toHaveLength(30)
    const showAll = /<button[^>]*>Show all 45 samples<\/button>/.exec(html)?.[0] ?? ''
    for (const attribute of ['type="submit"', 'name="samples_shown"', 'value="all"', 'formNoValidate=""']) expect(showAll).toContain(attribute)

    // E-A0040 was not on the page; a crafted post may name it, and it is shown ticked like the others.
    const response = await formPost(bff, path, [['ticket', ticket], ['language', 'en'], ['biosample', field('E-A0002')], ['biosample', field('E-A0040')], ['samples_shown', 'all']])
    expect(response.status).toBe(200)
    const page = await response.text()
    const shown = boxes(page)
    expect(shown.map((box) => box.id)).toEqual(Array.from({ length: 45 }, (_, i) => `E-A${String(i + 1).padStart(4, '0')}`))
    expect(shown.filter((box) => box.checked).map((box) => box.id)).toEqual(['E-A0002', 'E-A0040'])
    expect(page).toContain('Showing all 45 samples')
    expect(page).not.toContain('name="samples_shown"')
    // Not a refusal: no alert, and the genetic step is as unticked as ever.
    expect(page).not.toContain('role="alert"')
    expect(/<input[^>]*name="separate_consent"[^>]*>/.exec(page)?.[0]).not.toMatch(/checked/)
    // The browser hydrates the same page: the render state says every row is shown.
    expect(page).toContain('"kind":"allSamplesShown","selected":["E-A0002","E-A0040"]')
    expect(bff.callsTo(AUTHORIZE_PATH)).toEqual([])
    expect(await records(bff)).toEqual([])
    const posted = bff.logEntries().filter((entry) => entry.method === 'POST')
    expect(posted.map((entry) => [entry.status, entry.level])).toEqual([[200, 'info']])
    expect(bff.logEntries().filter((entry) => entry.level !== 'info')).toEqual([])

    // The page's ticket was never claimed: Authorize from the page that came back works.
    const target = new URL(await continued(bff, await formPost(bff, path, decision(ticket, 'authorize', [field('E-A0002'), field('E-A0040')]))))
    expect(target.searchParams.get('code')).toMatch(/.+/)
    const [attempt] = foldAttempts(await records(bff))
    expect(attempt?.record.biosamples.map((sample) => sample.biosample_id)).toEqual(['E-A0002', 'E-A0040'])
  })

  test('a decision from the collapsed page is the boxes it posted, as before', async () => {
    const bff = manySamples()
    const path = consentPath(WEB_APP)
    const { ticket } = await openPage(bff, path)
    await continued(bff, await formPost(bff, path, decision(ticket, 'authorize', [field('E-A0003')])))
    const [attempt] = foldAttempts(await records(bff))
    expect(attempt?.record.biosamples).toEqual([{ biosample_id: 'E-A0003', type: 'Lowpass' }])
  })

  test('CSRF: Show all from a cross-site form is refused with 403 like any other submit', async () => {
    const bff = manySamples()
    const path = consentPath(WEB_APP)
    const { ticket } = await openPage(bff, path)
    const response = await formPost(bff, path, [['ticket', ticket], ['language', 'en'], ['samples_shown', 'all']], { headers: { 'Sec-Fetch-Site': 'cross-site' } })
    expect(response.status).toBe(403)
    expect(await response.text()).not.toContain('Showing all 45 samples')
  })
})

describe('the continuation page', () => {
  test('an altered or made-up continuation is refused and sends nobody anywhere', async () => {
    const bff = useBff()
    const path = consentPath(WEB_APP)
    const { ticket } = await openPage(bff, path)
    const location = (await formPost(bff, path, decision(ticket, 'deny', []))).headers.get('Location') ?? ''
    // One character of the sealed body changed (its first: the last may only carry padding bits).
    const altered = location.replace(/\.(.)/, (_all, char: string) => `.${char === 'A' ? 'B' : 'A'}`)
    for (const url of [altered, '/oauth2/continue?c=abc', '/oauth2/continue']) {
      const response = await bff.request(url)
      expect(response.status, url).toBe(400)
      expect(await response.text()).not.toContain('http-equiv="refresh"')
    }
  })
})

describe('the revoke form', () => {
  test('the confirmation page names the app and what it loses; its form revokes and answers 303 back to /grants, which says so', async () => {
    const bff = useBff()
    const page = await bff.request('/grants/profile-app/revoke', { as: 'bob', headers: { Cookie: BOB_EN } })
    expect(page.status).toBe(200)
    const html = await page.text()
    expect(html).toContain('Revoke App profile-app')
    expect(html).toContain('E-B0001')
    expect(html).toMatch(/<form [^>]*method="post"/)

    const answer = await formPost(bff, '/grants/profile-app/revoke', [], { as: 'bob', headers: { Cookie: BOB_EN } })
    expect(answer.status).toBe(303)
    const location = answer.headers.get('Location') ?? ''
    expect(location).toBe('/grants?revoked=profile-app&outcome=revoked')
    expect(await grantsOf(bff, 'bob')).toEqual([])
    const grants = await bff.request(location, { as: 'bob', headers: { Cookie: BOB_EN } })
    expect(await grants.text()).toContain('App profile-app can no longer access your data.')
  })

  test('CSRF: a cross-site post revokes nothing', async () => {
    const bff = useBff()
    const answer = await formPost(bff, '/grants/profile-app/revoke', [], { as: 'bob', headers: { Cookie: `bge_auth_token=${BOB.auth_token}`, 'Sec-Fetch-Site': 'cross-site' } })
    expect(answer.status).toBe(403)
    expect(await grantsOf(bff, 'bob')).toEqual(['profile-app'])
  })
})
