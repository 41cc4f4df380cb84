import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { launchBrowser } from '../support/browser'
import { ALICE, basicWorld } from '../support/fixtures'
import { startPortal, type Portal } from '../support/portal'

let portal: Portal
let browser: Browser

beforeAll(async () => {
  ;[portal, browser] = await Promise.all([startPortal({ fixtures: basicWorld }), launchBrowser()])
})

afterAll(async () => {
  await browser?.close()
  await portal?.stop()
})

test('signing in through /signin returns to next and shows the user', async () => {
  const context = await browser.newContext({ locale: 'en-US' })
  const page = await context.newPage()
  const errors: string[] = []
  page.on('pageerror', (error) => errors.push(error.message))
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text())
  })

  const response = await page.goto(`${portal.origin}/signin?next=${encodeURIComponent('/grants')}`)
  expect(response?.headers()['content-security-policy']).toContain("frame-ancestors 'none'")
  expect(await page.getAttribute('html', 'lang')).toBe('en')

  await page.getByRole('button', { name: `Sign in as ${ALICE.name}` }).click()
  await page.waitForURL(`${portal.origin}/grants`)
  await expect.poll(() => page.getByRole('banner').innerText()).toContain(ALICE.name)

  const cookies = await context.cookies()
  const session = cookies.find((cookie) => cookie.name === 'bge_auth_token')
  expect(session?.httpOnly).toBe(true)
  expect(await page.evaluate(() => document.cookie)).not.toContain(ALICE.auth_token)
  expect(errors).toEqual([])
  await context.close()
})

test('a foreign next is ignored', async () => {
  const context = await browser.newContext({ locale: 'en-US' })
  const page = await context.newPage()
  await page.goto(`${portal.origin}/signin?next=${encodeURIComponent('//evil.example/x')}`)
  await page.getByRole('button', { name: `Sign in as ${ALICE.name}` }).click()
  await page.waitForURL(`${portal.origin}/grants`)
  await context.close()
})
