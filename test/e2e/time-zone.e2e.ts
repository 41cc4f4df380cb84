// Dates in a zone the server knows (issue #17): a page is rendered in the platform's zone until the
// browser has said the person's; it hydrates as rendered, then shows the person's zone, which the
// server renders in from the next page on. Never a hydration mismatch on the way.
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { launchBrowser } from '../support/browser'
import { ALICE } from '../support/fixture-users'
import { basicWorld } from '../support/fixtures'
import { startPortal, type Portal } from '../support/portal'

// 00:30 on March 20 in Shanghai, 12:30 on March 19 in New York.
const TAKEN = '2024-03-19T16:30:00Z'

let portal: Portal
let browser: Browser

beforeAll(async () => {
  ;[portal, browser] = await Promise.all([
    startPortal({
      fixtures: (origin) => {
        const world = basicWorld(origin)
        return { ...world, users: world.users.map((user) => ({ ...user, biosamples: user.biosamples.map((sample) => ({ ...sample, sample_time: TAKEN })) })) }
      },
    }),
    launchBrowser(),
  ])
})

afterAll(async () => {
  await browser?.close()
  await portal?.stop()
})

test('a person in New York: the first page is rendered in Shanghai’s zone, hydrates as such, then shows and remembers theirs', async () => {
  const context = await browser.newContext({ locale: 'en-US', timezoneId: 'America/New_York' })
  const signIn = await context.request.post(`${portal.origin}/api/session`, {
    data: { user_id: ALICE.id },
    headers: { 'X-Requested-With': 'fetch', Origin: portal.origin },
  })
  expect(signIn.status()).toBe(200)
  const page = await context.newPage()
  const problems: string[] = []
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text())
  })
  page.on('pageerror', (error) => problems.push(error.message))

  const consent = `${portal.origin}/oauth2/authorize?${new URLSearchParams({ client_id: 'web-app', redirect_uri: `${portal.origin}/sandbox/callback`, response_type: 'code', scope: 'profile.default sample.default:read', state: 'tz' })}`
  const first = await page.goto(consent)
  expect(await first?.text()).toContain('sampled Mar 20, 2024')
  // Once hydrated, in the browser's zone.
  const sample = page.locator('label', { has: page.getByRole('checkbox', { name: /E-A0001/ }) })
  await expect.poll(() => sample.innerText()).toContain('sampled Mar 19, 2024')
  expect((await context.cookies()).find((cookie) => cookie.name === 'bge_tz')?.value).toBe('America%2FNew_York')

  const again = await page.reload()
  expect(await again?.text()).toContain('sampled Mar 19, 2024')
  expect(problems).toEqual([])
  await context.close()
})
