import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { axeViolations, describeViolations, DESKTOP, launchBrowser, PHONE } from '../support/browser'
import { ALICE, BOB } from '../support/fixture-users'
import { sample, webApp } from '../support/fixtures'
import { startPortal, type Portal } from '../support/portal'

function grantsWorld(origin: string, faults: unknown[] = []) {
  return {
    users: [
      { ...ALICE, biosamples: [sample('E-A0001', 'Lowpass'), sample('E-A0002', 'Full', 2), sample('E-A0003', '16S', 3, 'Gut 2024')] },
      { ...BOB, biosamples: [sample('E-B0001', 'Lowpass')] },
    ],
    applications: [
      webApp(origin),
      webApp(origin, { client_id: 'gut-check', name: 'Gut Check', logo: '' }),
      webApp(origin, { client_id: 'bob-only', name: 'Bob’s Private Tracker' }),
    ],
    grants: [
      {
        user_id: ALICE.id,
        client_id: 'web-app',
        grant_time: '2024-05-02 08:30:00',
        biosample_ids: [
          { biosample_id: 'E-A0001', type: 'Lowpass' },
          { biosample_id: 'E-A0002', type: 'Full' },
        ],
      },
      { user_id: ALICE.id, client_id: 'gut-check', grant_time: '2021-03-19 07:00:41', biosample_ids: [{ biosample_id: 'E-A0003', type: '16S' }] },
      { user_id: BOB.id, client_id: 'bob-only', grant_time: '2024-06-01 10:00:00', biosample_ids: [{ biosample_id: 'E-B0001', type: 'Lowpass' }] },
    ],
    faults,
  }
}

let portal: Portal
// Its revoke_grant refuses once: a definite refusal (a 5xx would leave the outcome unknown, which the
// grants page says differently: src/features/grants/grants-page.test.tsx).
let faultyPortal: Portal
let browser: Browser

beforeAll(async () => {
  ;[portal, faultyPortal, browser] = await Promise.all([
    startPortal({ fixtures: (origin) => grantsWorld(origin) }),
    startPortal({
      fixtures: (origin) => grantsWorld(origin, [{ path: '/openbge/oauth2/revoke_grant', kind: 'error_code', code: 50001, times: 1 }]),
    }),
    launchBrowser(),
  ])
})

afterAll(async () => {
  await browser?.close()
  await Promise.all([portal?.stop(), faultyPortal?.stop()])
})

async function signedInPage(
  target: Portal,
  options: { lang?: 'en' | 'zh-CN'; viewport?: { width: number; height: number }; colorScheme?: 'light' | 'dark' } = {},
): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({
    locale: 'en-US',
    viewport: options.viewport ?? DESKTOP,
    colorScheme: options.colorScheme ?? 'light',
  })
  await context.addCookies([
    { name: 'bge_auth_token', value: ALICE.auth_token, url: target.origin, httpOnly: true },
    { name: 'bge_lang', value: options.lang ?? 'en', url: target.origin },
  ])
  const page = await context.newPage()
  const errors: string[] = []
  page.on('pageerror', (error) => errors.push(error.message))
  page.on('console', (message) => {
    // A failed revoke is a 502 the page expects and handles; the browser still logs the response.
    if (message.type() === 'error' && !message.text().includes('502')) errors.push(message.text())
  })
  return { context, page, errors }
}

const cardNames = (page: Page) => page.getByRole('list', { name: /Authorized apps|已授权的应用/ }).getByRole('heading', { level: 2 }).allInnerTexts()

test('signing in shows only the signed-in user’s grants, newest first', async () => {
  const context = await browser.newContext({ locale: 'en-US' })
  const page = await context.newPage()
  await page.goto(`${portal.origin}/`)
  // Signed out, / leads to /grants, which goes straight to sign-in with the way back.
  await page.waitForURL(`${portal.origin}/signin?next=${encodeURIComponent('/grants')}`)
  await page.getByRole('button', { name: `Sign in as ${ALICE.name}` }).click()
  await page.waitForURL(`${portal.origin}/grants`)

  await expect.poll(() => cardNames(page)).toEqual(['Gene Insight', 'Gut Check'])
  expect(await page.getByRole('main').innerText()).not.toContain('Bob’s Private Tracker')
  await expect.poll(() => page.getByRole('banner').innerText()).toContain(ALICE.name)
  expect(await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'My authorizations' }).getAttribute('aria-current')).toBe('page')
  await context.close()
})

test('a revoked grant stays gone after reload, and the dialog keeps focus', async () => {
  const { context, page, errors } = await signedInPage(portal)
  await page.goto(`${portal.origin}/grants`)
  const revoke = page.getByRole('button', { name: 'Revoke Gut Check' })
  await revoke.click()

  const dialog = page.getByRole('dialog', { name: 'Revoke Gut Check’s access?' })
  await expect.poll(() => dialog.isVisible()).toBe(true)
  expect(await dialog.innerText()).toContain('E-A0003')
  // Focus starts on Cancel and Tab never leaves the modal dialog.
  const focusInDialog = () => page.evaluate(() => Boolean(document.activeElement?.closest('dialog[open]')))
  expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Cancel')
  for (const key of ['Tab', 'Tab', 'Tab', 'Shift+Tab', 'Shift+Tab', 'Shift+Tab']) {
    await page.keyboard.press(key)
    expect(await focusInDialog()).toBe(true)
  }
  await page.keyboard.press('Escape')
  await expect.poll(() => dialog.isVisible()).toBe(false)
  expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Revoke Gut Check')

  await revoke.click()
  await dialog.getByRole('button', { name: 'Revoke', exact: true }).click()
  await expect.poll(() => cardNames(page)).toEqual(['Gene Insight'])
  // The grants read back after the revoke no longer list it: BGE's confirmation is said too.
  await expect.poll(() => page.getByRole('status').filter({ hasText: 'Gut Check' }).innerText()).toBe('Gut Check can no longer access your data. BGE confirmed that Gut Check no longer has access.')

  await page.reload()
  await expect.poll(() => cardNames(page)).toEqual(['Gene Insight'])
  expect(errors).toEqual([])
  await context.close()
})

test('when the platform fails to revoke, the grant comes back with a message', async () => {
  const { context, page, errors } = await signedInPage(faultyPortal)
  await page.goto(`${faultyPortal.origin}/grants`)
  await page.getByRole('button', { name: 'Revoke Gene Insight' }).click()
  await page.getByRole('dialog').getByRole('button', { name: 'Revoke', exact: true }).click()

  await expect
    .poll(() => page.getByRole('status').filter({ hasText: 'Gene Insight' }).innerText(), { timeout: 15_000 })
    .toBe('Couldn’t revoke Gene Insight’s access. It still has access; please try again.')
  expect(await cardNames(page)).toEqual(['Gene Insight', 'Gut Check'])
  const card = page.getByRole('article', { name: 'Gene Insight' })
  expect(await card.innerText()).toContain('Revoking failed. Gene Insight still has access; please try again.')

  // The fault is used up: trying again works, and the upstream agrees after a reload.
  await card.getByRole('button', { name: 'Revoke Gene Insight' }).click()
  await page.getByRole('dialog').getByRole('button', { name: 'Revoke', exact: true }).click()
  await expect.poll(() => cardNames(page)).toEqual(['Gut Check'])
  // The card leaves at the click; wait for the platform's answer before reloading, or the
  // reload's read can overtake the revoke.
  await expect
    .poll(() => page.getByRole('status').filter({ hasText: 'Gene Insight' }).innerText())
    .toBe('Gene Insight can no longer access your data. BGE confirmed that Gene Insight no longer has access.')
  await page.reload()
  await expect.poll(() => cardNames(page)).toEqual(['Gut Check'])
  expect(errors).toEqual([])
  await context.close()
})

test.each([
  ['en', 'phone', 'light', PHONE],
  ['en', 'desktop', 'light', DESKTOP],
  ['zh-CN', 'phone', 'light', PHONE],
  ['zh-CN', 'desktop', 'light', DESKTOP],
  ['en', 'phone', 'dark', PHONE],
  ['zh-CN', 'desktop', 'dark', DESKTOP],
] as const)('axe finds nothing on /grants in %s on a %s (%s), dialog open or not', async (lang, _size, colorScheme, viewport) => {
  const { context, page, errors } = await signedInPage(portal, { lang, viewport, colorScheme })
  await page.goto(`${portal.origin}/grants`)
  await page.getByRole('list', { name: lang === 'en' ? 'Authorized apps' : '已授权的应用' }).waitFor()
  expect(await page.getAttribute('html', 'lang')).toBe(lang)
  const list = await axeViolations(page)
  expect(list, describeViolations(list)).toEqual([])

  await page.getByRole('button', { name: lang === 'en' ? 'Revoke Gene Insight' : '撤销授权：Gene Insight' }).click()
  await page.getByRole('dialog').waitFor()
  const dialog = await axeViolations(page)
  expect(dialog, describeViolations(dialog)).toEqual([])
  await page.keyboard.press('Escape')
  expect(errors).toEqual([])
  await context.close()
})

test('targets are at least 44 px on a phone', async () => {
  const { context, page } = await signedInPage(portal, { viewport: PHONE })
  await page.goto(`${portal.origin}/grants`)
  const button = page.getByRole('button', { name: 'Revoke Gene Insight' })
  const box = await button.boundingBox()
  expect(box?.height).toBeGreaterThanOrEqual(44)
  await button.click()
  for (const name of ['Cancel', 'Revoke']) {
    const dialogBox = await page.getByRole('dialog').getByRole('button', { name, exact: true }).boundingBox()
    expect(dialogBox?.height).toBeGreaterThanOrEqual(44)
  }
  // Nothing scrolls sideways on a phone.
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width)
  await context.close()
})
