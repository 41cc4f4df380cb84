import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { axeViolations, DESKTOP, describeViolations, launchBrowser, PHONE } from '../support/browser'
import { ALICE } from '../support/fixture-users'
import { basicWorld, TRICKY_STATE } from '../support/fixtures'
import { startPortal, type Portal } from '../support/portal'
import { agreeToGeneticData } from '../support/genetic'

let portal: Portal
let browser: Browser

const STATE = TRICKY_STATE
const SCOPE = 'profile.default sample.default:read variant.rsid'

beforeAll(async () => {
  ;[portal, browser] = await Promise.all([startPortal({ fixtures: basicWorld }), launchBrowser()])
})

afterAll(async () => {
  await browser?.close()
  await portal?.stop()
})

function redirectUri(): string {
  return `${portal.origin}/sandbox/callback?source=portal`
}

function previewPath(overrides: Record<string, string> = {}): string {
  const query = new URLSearchParams({ client_id: 'web-app', redirect_uri: redirectUri(), scope: SCOPE, state: STATE, ...overrides })
  return `/developer/preview?${query}`
}

async function newPage(options: { locale?: string; viewport?: { width: number; height: number } } = {}) {
  const context = await browser.newContext({ locale: options.locale ?? 'en-US', viewport: options.viewport ?? DESKTOP })
  const page = await context.newPage()
  const errors: string[] = []
  const sent: string[] = []
  page.on('pageerror', (error) => errors.push(error.message))
  page.on('request', (request) => {
    if (request.method() !== 'GET') sent.push(`${request.method()} ${new URL(request.url()).pathname}`)
  })
  return { context, page, errors, sent }
}

describe('developer preview', () => {
  test('signed out: the preview and its checklist; Authorize only shows the address, and nothing is granted', async () => {
    const { context, page, errors, sent } = await newPage()
    const path = previewPath()
    await page.goto(portal.origin + path)
    const consent = page.getByRole('article', { name: 'Gene Insight would like to access your BGE account' })
    await consent.waitFor()
    expect(await consent.getByText('Preview', { exact: true }).count()).toBe(1)
    const checklist = page.getByRole('region', { name: 'Checklist' })
    expect(await checklist.getByText('Gene Insight (client ID web-app).').count()).toBe(1)
    expect(await checklist.getByText('Warning', { exact: true }).count()).toBeGreaterThan(0)

    await page.getByRole('checkbox', { name: /E-EXAMPLE-0001/ }).check()
    // variant.rsid: the previewed page asks for the separate consent, and the checklist says why.
    expect(await checklist.getByText(/Granted variant\.rsid, so the page shows a separate consent step/).count()).toBe(1)
    await agreeToGeneticData(page)
    await page.getByRole('button', { name: 'Authorize' }).click()
    const shown = await page.getByTestId('decision-url').innerText()
    expect(shown).toBe(`${redirectUri()}&code=EXAMPLE_CODE&state=${encodeURIComponent(STATE)}`)
    expect(new URL(shown).searchParams.get('state')).toBe(STATE)

    await page.getByRole('button', { name: 'Deny' }).click()
    expect(await page.getByTestId('decision-url').innerText()).toBe(`${redirectUri()}&error=access_denied&state=${encodeURIComponent(STATE)}`)

    // Still on the preview, and no decision ever left the browser.
    await page.waitForTimeout(300)
    expect(page.url()).toBe(portal.origin + path)
    expect(sent).toEqual([])
    expect(errors).toEqual([])

    // Signed in as Alice, the platform holds no grant for the app.
    await page.goto(`${portal.origin}/signin`)
    await page.getByRole('button', { name: `Sign in as ${ALICE.name}` }).click()
    await page.waitForURL((url) => url.pathname === '/grants')
    const body = await page.evaluate(async () => (await fetch('/api/oauth2/grants')).json())
    expect(body).toEqual({ grants: [], vanished: [] })
    await context.close()
  })

  test('without JavaScript: the request form shows the preview, and the previewed Authorize shows the address, all by GET', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false, locale: 'en-US', viewport: PHONE })
    const page = await context.newPage()
    const methods: string[] = []
    page.on('request', (request) => {
      if (new URL(request.url()).pathname === '/developer/preview') methods.push(request.method())
    })
    await page.goto(`${portal.origin}/developer/preview`)
    await page.getByLabel('Client ID').fill('web-app')
    await page.getByLabel('Redirect URI').fill(redirectUri())
    await page.getByLabel('State', { exact: true }).fill(STATE)
    await page.getByRole('button', { name: 'Show preview' }).click()
    await page.waitForURL((url) => url.searchParams.get('client_id') === 'web-app')
    // Rendered by the server with the page: the previewed consent page and the checklist.
    expect(await page.getByRole('article', { name: 'Gene Insight would like to access your BGE account' }).count()).toBe(1)
    expect(await page.getByRole('region', { name: 'Checklist' }).getByText('Gene Insight (client ID web-app).').count()).toBe(1)

    await page.getByRole('checkbox', { name: /E-EXAMPLE-0001/ }).check()
    await agreeToGeneticData(page)
    await page.getByRole('button', { name: 'Authorize' }).click()
    await page.waitForURL((url) => url.searchParams.get('decision') === 'authorize')
    expect(await page.getByTestId('decision-url').innerText()).toBe(`${redirectUri()}&code=EXAMPLE_CODE&state=${encodeURIComponent(STATE)}`)
    // Never a POST, which the preview would refuse.
    expect(methods).toEqual(['GET', 'GET', 'GET'])
    await context.close()
  })

  test('an unknown app: the checklist names the failure and the preview says why it is empty', async () => {
    const { context, page, errors } = await newPage({ viewport: PHONE })
    await page.goto(portal.origin + previewPath({ client_id: 'no-such-app' }))
    await page.getByText('Nothing to preview').waitFor()
    expect(await page.getByText('No app has the client ID no-such-app.').count()).toBe(1)
    expect(await page.getByText('Error code: invalid_client (40002)').count()).toBeGreaterThan(0)
    expect(await page.getByRole('button', { name: 'Authorize' }).count()).toBe(0)
    expect(errors).toEqual([])
    await context.close()
  })

  for (const [locale, authorizeName] of [
    ['en-US', 'Authorize'],
    ['zh-CN', '授权'],
  ] as const) {
    for (const [sizeName, viewport] of [
      ['phone', PHONE],
      ['desktop', DESKTOP],
    ] as const) {
      test(`axe finds nothing on the preview in ${locale} on a ${sizeName}`, async () => {
        const { context, page } = await newPage({ locale, viewport })
        await page.goto(portal.origin + previewPath())
        await page.getByRole('button', { name: authorizeName }).waitFor()
        await page.getByRole('checkbox', { name: /E-EXAMPLE-0001/ }).check()
        await agreeToGeneticData(page)
        await page.getByRole('button', { name: authorizeName }).click()
        await page.getByTestId('decision-url').waitFor()
        const violations = await axeViolations(page)
        expect(violations, describeViolations(violations)).toEqual([])
        await context.close()
      })
    }
  }
})
