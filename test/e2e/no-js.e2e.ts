// Without JavaScript (SPEC.md "Consent page", "Grants page"; issue #17): Chromium with script off
// decides and revokes through the pages' own forms, answered with 303s, and the app gets its
// `state` back byte for byte — also when its callback redirects again, to another origin.
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { axeViolations, describeViolations, DESKTOP, launchBrowser, PHONE } from '../support/browser'
import { ALICE } from '../support/fixture-users'
import { sample, TRICKY_STATE, webApp } from '../support/fixtures'
import { startPortal, type Portal } from '../support/portal'
import { agreeToGeneticData } from '../support/genetic'

const STATE = TRICKY_STATE
const SCOPE = 'profile.default sample.default:read variant.rsid'

let portal: Portal
let browser: Browser
/** An app whose callback redirects again, from another origin, to the sandbox's callback page. */
let hop: Server
let hopOrigin = ''

function world(origin: string) {
  return {
    users: [{ ...ALICE, biosamples: [sample('E-A0001', 'Lowpass'), sample('E-A0002', 'Full', 2), sample('E-A0003', '16S', 3, 'Gut 2024')] }],
    applications: [
      webApp(origin),
      webApp(origin, { client_id: 'hop-app', name: 'Hop Along', redirect_uris: [`${hopOrigin}/cb`] }),
      webApp(origin, { client_id: 'gut-check', name: 'Gut Check' }),
    ],
    grants: [{ user_id: ALICE.id, client_id: 'gut-check', grant_time: '2024-05-02 08:30:00', biosample_ids: [{ biosample_id: 'E-A0003', type: '16S' }] }],
  }
}

beforeAll(async () => {
  hop = createServer((request, response) => {
    const url = new URL(request.url ?? '/', hopOrigin)
    // The app's own next hop: a 302 elsewhere, carrying what it received.
    response.writeHead(302, { Location: `${portal.origin}/sandbox/callback${url.search}${url.search ? '&' : '?'}hopped=1` }).end()
  })
  await new Promise<void>((listening) => hop.listen(0, 'localhost', listening))
  hopOrigin = `http://localhost:${(hop.address() as AddressInfo).port}`
  ;[portal, browser] = await Promise.all([startPortal({ fixtures: world }), launchBrowser()])
})

afterAll(async () => {
  await browser?.close()
  await portal?.stop()
  await new Promise((closed) => hop?.close(closed))
})

function consentPath(overrides: Record<string, string> = {}): string {
  const query = new URLSearchParams({
    client_id: 'web-app',
    redirect_uri: `${portal.origin}/sandbox/callback?source=portal`,
    response_type: 'code',
    scope: SCOPE,
    state: STATE,
    ...overrides,
  })
  return `/oauth2/authorize?${query}`
}

/**
 * Signed in as Alice, script off. For axe, which Chromium cannot run in a page with script off,
 * script stays on but the portal's own never loads: the page is what a browser without it shows.
 */
async function noScriptPage(options: { lang?: 'en' | 'zh-CN'; viewport?: { width: number; height: number }; forAxe?: boolean } = {}): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ javaScriptEnabled: options.forAxe === true, locale: 'en-US', viewport: options.viewport ?? DESKTOP })
  if (options.forAxe) await context.route(/\.js(\?|$)/, (route) => route.abort())
  await context.addCookies([
    { name: 'bge_auth_token', value: ALICE.auth_token, url: portal.origin, httpOnly: true },
    { name: 'bge_lang', value: options.lang ?? 'en', url: portal.origin },
  ])
  return { context, page: await context.newPage() }
}

interface RecordSeen {
  decision: string
  outcome: string
  client_id: string
  biosamples: { biosample_id: string }[]
}

/** The person's records, read with the context's cookies (no script needed in the page). */
async function records(context: BrowserContext): Promise<RecordSeen[]> {
  const response = await context.request.get(`${portal.origin}/api/records`)
  expect(response.status()).toBe(200)
  return ((await response.json()) as { records: RecordSeen[] }).records
}

async function grants(context: BrowserContext): Promise<string[]> {
  const response = await context.request.get(`${portal.origin}/api/oauth2/grants`)
  return ((await response.json()) as { grants: { client_id: string }[] }).grants.map((grant) => grant.client_id)
}

describe('without JavaScript', () => {
  test('authorize with samples chosen: the app gets a code and its exact state, the grant and the record hold the samples', async () => {
    const { context, page } = await noScriptPage()
    await page.goto(portal.origin + consentPath())
    await page.getByRole('checkbox', { name: /E-A0001/ }).check()
    await page.getByRole('checkbox', { name: /E-A0003/ }).check()
    await agreeToGeneticData(page)
    await page.getByRole('button', { name: 'Authorize' }).click()

    await page.waitForURL((url) => url.pathname === '/sandbox/callback')
    const params = new URL(page.url()).searchParams
    expect(params.get('state')).toBe(STATE)
    expect(params.get('code')).toMatch(/.+/)
    expect([...params.keys()]).toEqual(['source', 'code', 'state'])
    const [latest] = await records(context)
    expect([latest?.decision, latest?.client_id, latest?.biosamples.map((s) => s.biosample_id).sort()]).toEqual(['authorize', 'web-app', ['E-A0001', 'E-A0003']])
    await context.close()
  })

  test('deny: the app gets access_denied and its exact state; recorded', async () => {
    const { context, page } = await noScriptPage()
    await page.goto(portal.origin + consentPath())
    await page.getByRole('button', { name: 'Deny' }).click()
    await page.waitForURL((url) => url.pathname === '/sandbox/callback')
    const params = new URL(page.url()).searchParams
    expect(params.get('error')).toBe('access_denied')
    expect(params.get('state')).toBe(STATE)
    const [latest] = await records(context)
    expect([latest?.decision, latest?.outcome]).toEqual(['deny', 'denied'])
    await context.close()
  })

  test('an app whose callback redirects again, to another origin: the decision still arrives, state and all', async () => {
    const { context, page } = await noScriptPage()
    await page.goto(portal.origin + consentPath({ client_id: 'hop-app', redirect_uri: `${hopOrigin}/cb` }))
    await page.getByRole('checkbox', { name: /E-A0002/ }).check()
    await agreeToGeneticData(page)
    await page.getByRole('button', { name: 'Authorize' }).click()
    await page.waitForURL((url) => url.pathname === '/sandbox/callback')
    const params = new URL(page.url()).searchParams
    expect(params.get('hopped')).toBe('1')
    expect(params.get('code')).toMatch(/.+/)
    expect(params.get('state')).toBe(STATE)
    await context.close()
  })

  test.each(['en', 'zh-CN'] as const)('a submit without a sample (%s) comes back with the reason, and nothing is decided', async (lang) => {
    const { context, page } = await noScriptPage({ lang })
    await page.goto(portal.origin + consentPath())
    const before = (await records(context)).length
    // An earlier journey's grant pre-selects its samples: none chosen now. The genetic step is
    // ticked, so the browser's own check lets the form go and the server finds what is missing.
    for (const box of await page.getByRole('checkbox').all()) await box.uncheck()
    await agreeToGeneticData(page)
    const [answer] = await Promise.all([
      page.waitForResponse((response) => response.request().method() === 'POST'),
      page.getByRole('button', { name: lang === 'en' ? 'Authorize' : '授权' }).click(),
    ])
    expect(answer.status()).toBe(400)
    await page.waitForLoadState()
    expect(new URL(page.url()).pathname).toBe('/oauth2/authorize')
    // The refusal, as an alert of its own (the hint beside Authorize is there from the start).
    await expect.poll(() => page.getByRole('alert').filter({ hasText: lang === 'en' ? 'Choose at least one sample to authorize.' : '请至少选择一个样品后再授权。' }).count()).toBe(1)
    expect(await records(context)).toHaveLength(before)
    await context.close()
  })

  test('revoke: the grants page leads to the confirmation page, whose form revokes and comes back with the news', async () => {
    const { context, page } = await noScriptPage()
    await page.goto(`${portal.origin}/grants`)
    await page.getByRole('button', { name: 'Revoke Gut Check' }).click()
    await page.waitForURL((url) => url.pathname === '/grants/gut-check/revoke')
    await page.getByRole('heading', { level: 1, name: /Gut Check/ }).waitFor()
    expect(await page.getByText('E-A0003').count()).toBeGreaterThan(0)
    await page.getByRole('button', { name: 'Revoke Gut Check' }).click()
    await page.waitForURL((url) => url.pathname === '/grants' && url.searchParams.get('outcome') === 'revoked')
    await page.getByText('Gut Check can no longer access your data.').first().waitFor()
    expect(await grants(context)).not.toContain('gut-check')
    const [latest] = await records(context)
    expect([latest?.decision, latest?.client_id]).toEqual(['revoke', 'gut-check'])
    await context.close()
  })
})

describe('accessibility without JavaScript', () => {
  // Script is off for the page; axe runs through the DevTools protocol all the same.
  test.each([
    ['consent', 'en', PHONE],
    ['consent', 'zh-CN', DESKTOP],
    ['revoke', 'en', DESKTOP],
    ['revoke', 'zh-CN', PHONE],
  ] as const)('%s page in %s: axe finds nothing', async (which, lang, viewport) => {
    // The revoke page needs a grant: authorize web-app first, by the form, script off.
    if (which === 'revoke') {
      const deciding = await noScriptPage({ lang })
      await deciding.page.goto(portal.origin + consentPath())
      await deciding.page.getByRole('checkbox', { name: /E-A0001/ }).check()
      await agreeToGeneticData(deciding.page)
      await deciding.page.getByRole('button', { name: lang === 'en' ? 'Authorize' : '授权' }).click()
      await deciding.page.waitForURL((url) => url.pathname === '/sandbox/callback')
      await deciding.context.close()
    }
    const { context, page } = await noScriptPage({ lang, viewport, forAxe: true })
    await page.goto(portal.origin + (which === 'consent' ? consentPath() : '/grants/web-app/revoke'))
    await page.getByRole('heading', { level: 1 }).first().waitFor()
    const violations = await axeViolations(page)
    expect(violations, describeViolations(violations)).toEqual([])
    await context.close()
  })
})
