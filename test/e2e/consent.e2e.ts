import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { axeViolations, DESKTOP, describeViolations, launchBrowser, PHONE, untilHydrated } from '../support/browser'
import { ALICE, BOB } from '../support/fixture-users'
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

async function newPage(options: { locale?: string; viewport?: { width: number; height: number } } = {}) {
  const context = await browser.newContext({ locale: options.locale ?? 'en-US', viewport: options.viewport ?? DESKTOP })
  const page = await context.newPage()
  const errors: string[] = []
  page.on('pageerror', (error) => errors.push(error.message))
  return { context, page, errors }
}

/** Opens the consent page signed out, signs in as Alice on the sandbox sign-in, and lands back on it. */
async function signInThroughConsent(page: Page, path = consentPath()) {
  await page.goto(portal.origin + path)
  await page.waitForURL((url) => url.pathname === '/signin')
  await page.getByRole('button', { name: `Sign in as ${ALICE.name}` }).click()
  await page.waitForURL((url) => url.pathname === '/oauth2/authorize')
  expect(new URL(page.url()).search).toBe(new URL(portal.origin + path).search)
  await page.getByRole('button', { name: 'Authorize' }).waitFor()
}

async function grantedSamples(page: Page): Promise<string[]> {
  const body = await page.evaluate(async () => (await fetch('/api/oauth2/grants?client_id=web-app')).json())
  const grants = (body as { grants: { client_id: string; biosample_ids: { biosample_id: string }[] }[] }).grants
  return (grants.find((grant) => grant.client_id === 'web-app')?.biosample_ids ?? []).map((ref) => ref.biosample_id).sort()
}

async function close(context: BrowserContext) {
  await context.close()
}

describe('consent journeys', () => {
  test('authorize: the app gets a code and its exact state, and the grant holds exactly the chosen samples', async () => {
    const { context, page, errors } = await newPage()
    await signInThroughConsent(page)
    await page.getByRole('checkbox', { name: /E-A0001/ }).check()
    await page.getByRole('checkbox', { name: /E-A0003/ }).check()
    await expect.poll(() => page.getByText('2 of 3 selected').count()).toBe(1)
    await agreeToGeneticData(page)
    await page.getByRole('button', { name: 'Authorize' }).click()

    await page.waitForURL((url) => url.pathname === '/sandbox/callback')
    const params = new URL(page.url()).searchParams
    expect(params.get('state')).toBe(STATE)
    expect(params.get('code')).toMatch(/.+/)
    expect(params.get('source')).toBe('portal')
    expect([...params.keys()]).toEqual(['source', 'code', 'state'])

    expect(await grantedSamples(page)).toEqual(['E-A0001', 'E-A0003'])

    // The consent page was replaced in history, so Back skips it; opened again, it says it was answered.
    await page.goBack()
    expect(new URL(page.url()).pathname).not.toBe('/oauth2/authorize')
    await page.goto(portal.origin + consentPath())
    await page.getByRole('heading', { level: 1, name: 'You’ve already answered this request' }).waitFor()
    expect(await page.getByRole('button', { name: 'Authorize' }).count()).toBe(0)
    expect(errors).toEqual([])
    await close(context)
  })

  test('deny: the app gets access_denied and its exact state', async () => {
    const { context, page, errors } = await newPage()
    await signInThroughConsent(page, consentPath({ state: `${STATE} deny` }))
    await page.getByRole('button', { name: 'Deny' }).click()
    await page.waitForURL((url) => url.pathname === '/sandbox/callback')
    const params = new URL(page.url()).searchParams
    expect(params.get('error')).toBe('access_denied')
    expect(params.get('state')).toBe(`${STATE} deny`)
    expect(params.get('code')).toBeNull()
    expect(errors).toEqual([])
    await close(context)
  })

  test('an unregistered redirect stays on the portal with an explanation', async () => {
    const { context, page } = await newPage()
    await page.goto(portal.origin + consentPath({ redirect_uri: 'https://evil.example/steal' }))
    await page.getByRole('heading', { level: 1, name: 'This app’s return address doesn’t match' }).waitFor()
    expect(new URL(page.url()).origin).toBe(portal.origin)
    expect(await page.getByText('https://evil.example/steal').count()).toBeGreaterThan(0)
    expect(await page.getByRole('button', { name: 'Authorize' }).count()).toBe(0)
    await close(context)
  })

  test('signed out, a link that must end in unsupported_response_type goes to sign-in first; only then back to the app', async () => {
    const { context, page } = await newPage()
    const appRequests: string[] = []
    page.on('request', (request) => {
      if (new URL(request.url()).pathname === '/sandbox/callback') appRequests.push(request.url())
    })
    const path = consentPath({ response_type: 'token', state: 'bounced?' })
    await page.goto(portal.origin + path)
    await page.waitForURL((url) => url.pathname === '/signin')
    expect(new URL(page.url()).searchParams.get('next')).toBe(path)
    expect(appRequests).toEqual([])

    await page.getByRole('button', { name: `Sign in as ${BOB.name}` }).click()
    await page.waitForURL((url) => url.pathname === '/sandbox/callback')
    const params = new URL(page.url()).searchParams
    expect(params.get('error')).toBe('unsupported_response_type')
    expect(params.get('state')).toBe('bounced?')
    await close(context)
  })

  test('the whole authorize journey works with the keyboard alone', async () => {
    const { context, page } = await newPage({ viewport: PHONE })
    await page.goto(portal.origin + consentPath({ state: 'keyboard only' }))
    await page.waitForURL((url) => url.pathname === '/signin')
    // Bob: Alice's grant from the first journey would pre-select her samples.
    await tabTo(page, (el) => el.text === `Sign in as ${BOB.name}`)
    await page.keyboard.press('Enter')
    await page.waitForURL((url) => url.pathname === '/oauth2/authorize')
    await page.getByRole('button', { name: 'Authorize' }).waitFor()
    // The decision is on the phone's first screen: its bar is stuck to the bottom from the first paint.
    const authorize = await page.getByRole('button', { name: 'Authorize' }).boundingBox()
    expect(authorize && authorize.y + authorize.height).toBeLessThanOrEqual(PHONE.height)

    await tabTo(page, (el) => el.type === 'checkbox' && el.label.includes('E-B0001'))
    await page.keyboard.press('Space')
    // The focused checkbox is never hidden behind the phone's sticky action bar.
    expect(await focusedIsClearOfActionBar(page)).toBe(true)
    await tabTo(page, (el) => el.type === 'checkbox' && el.label.includes('may read my genetic data'))
    await page.keyboard.press('Space')
    expect(await focusedIsClearOfActionBar(page)).toBe(true)
    await tabTo(page, (el) => el.text === 'Authorize')
    await page.keyboard.press('Enter')
    await page.waitForURL((url) => url.pathname === '/sandbox/callback')
    expect(new URL(page.url()).searchParams.get('state')).toBe('keyboard only')
    expect(await grantedSamples(page)).toEqual(['E-B0001'])
    await close(context)
  })

  for (const [locale, authorizeName] of [
    ['en-US', 'Authorize'],
    ['zh-CN', '授权'],
  ] as const) {
    for (const [sizeName, viewport] of [
      ['phone', PHONE],
      ['desktop', DESKTOP],
    ] as const) {
      test(`axe finds nothing on consent in ${locale} on a ${sizeName}`, async () => {
        const { context, page } = await newPage({ locale, viewport })
        await page.goto(portal.origin + consentPath())
        await page.waitForURL((url) => url.pathname === '/signin')
        await page.locator('main button').first().click()
        await page.waitForURL((url) => url.pathname === '/oauth2/authorize')
        await page.getByRole('button', { name: authorizeName }).waitFor()
        await page.getByRole('checkbox').nth(1).check()
        const violations = await axeViolations(page)
        expect(violations, describeViolations(violations)).toEqual([])
        await close(context)
      })
    }
  }
})

interface Focused {
  text: string
  type: string
  label: string
}

async function tabTo(page: Page, found: (el: Focused) => boolean) {
  // Keys go to whatever is there: before hydration a toggled box would be the DOM's, not the page's.
  await untilHydrated(page)
  for (let i = 0; i < 60; i++) {
    await page.keyboard.press('Tab')
    const el = await page.evaluate(() => {
      const active = document.activeElement as HTMLElement | null
      return {
        text: active?.textContent?.trim() ?? '',
        type: active?.getAttribute('type') ?? '',
        label: active?.closest('label')?.textContent ?? '',
      }
    })
    if (found(el)) return
  }
  throw new Error('The element was never reached with Tab')
}

async function focusedIsClearOfActionBar(page: Page): Promise<boolean> {
  return page.evaluate(() => {
    const bar = document.querySelector('[data-sticky-action-bar]')
    const focused = document.activeElement
    if (!bar || !focused) return false
    const barTop = bar.getBoundingClientRect().top
    return focused.getBoundingClientRect().bottom <= barTop
  })
}
