import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { launchBrowser } from '../support/browser'
import { ALICE } from '../support/fixture-users'
import { basicWorld } from '../support/fixtures'
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

test('a Chinese browser gets Chinese; the Language switch loads English and remembers it', async () => {
  const context = await browser.newContext({ locale: 'zh-CN' })
  const page = await context.newPage()
  const scripts: string[] = []
  page.on('request', (request) => {
    if (request.resourceType() === 'script') scripts.push(new URL(request.url()).pathname)
  })
  await page.goto(`${portal.origin}/nowhere`)
  expect(await page.getAttribute('html', 'lang')).toBe('zh-CN')
  await expect.poll(() => page.getByRole('heading', { level: 1 }).innerText()).toBe('找不到这个页面')
  // Only the reader's catalogue is fetched.
  expect(scripts.some((path) => /\/en\.json-/.test(path))).toBe(false)

  await page.getByRole('combobox', { name: '语言' }).selectOption('en')
  await expect.poll(() => page.getByRole('heading', { level: 1 }).innerText()).toBe('Page not found')
  expect(await page.getAttribute('html', 'lang')).toBe('en')

  await page.reload()
  await expect.poll(() => page.getByRole('heading', { level: 1 }).innerText()).toBe('Page not found')
  expect(await page.getAttribute('html', 'lang')).toBe('en')
  await context.close()
})
