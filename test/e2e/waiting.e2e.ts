// The platform down, at default settings (REQUEST_DEADLINE_MS 10 s, UPSTREAM_TIMEOUT_MS 8 s): the
// BFF retries inside its one deadline and answers a first load with the honest, retryable error
// within it; inside the app, a page whose data is late says "still waiting" after 3 s, and the SPA
// does not retry its 504.
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { launchBrowser } from '../support/browser'
import { ALICE } from '../support/fixture-users'
import { basicWorld } from '../support/fixtures'
import { startPortal, type Portal } from '../support/portal'
import { requestLines, signIn, upstreamCalls, watchedPage } from '../support/watch'

const DEADLINE_MS = 10_000
/** Page start-up and the browser's own overhead on a busy 2-core machine. */
const SLACK_MS = 2_000
const STILL_WAITING = 'Still waiting for the BGE platform…'
/** For good: more calls than any test makes. */
const FOR_GOOD = 1_000

let down: Portal
let flaky: Portal
let browser: Browser

beforeAll(async () => {
  ;[down, flaky, browser] = await Promise.all([
    startPortal({
      fixtures: (origin) => ({
        ...basicWorld(origin),
        faults: [
          { path: '/openbge/oauth2/application', kind: 'timeout', times: FOR_GOOD },
          { path: '/openbge/oauth2/grants', kind: 'timeout', times: FOR_GOOD },
        ],
      }),
    }),
    // Two timeouts: the BFF's two attempts of the first page load (8 s, then what is left).
    startPortal({ fixtures: (origin) => ({ ...basicWorld(origin), faults: [{ path: '/openbge/oauth2/application', kind: 'timeout', times: 2 }] }) }),
    launchBrowser(),
  ])
})

afterAll(async () => {
  await browser?.close()
  await Promise.all([down?.stop(), flaky?.stop()])
})

function consentUrl(origin: string): string {
  return `${origin}/oauth2/authorize?${new URLSearchParams({
    client_id: 'web-app',
    redirect_uri: `${origin}/sandbox/callback`,
    response_type: 'code',
    scope: 'profile.default sample.default:read',
    state: 'waiting',
  })}`
}

/** Milliseconds from the start of navigation until `text` is on screen. */
async function timeUntil(page: Page, text: string, started: number): Promise<number> {
  await page.getByText(text, { exact: true }).first().waitFor({ timeout: 30_000 })
  return Date.now() - started
}

describe('the platform down, at default settings', () => {
  test('consent, a first load: the server answers the honest error with Try again within the deadline', async () => {
    const watched = await watchedPage(browser)
    const { page, context } = watched
    await signIn(context, down.origin, ALICE.id)
    const started = Date.now()
    // The server renders once all data is in (no streamed placeholders, no inline script): until
    // then the browser shows its own progress, and the answer is the error page itself.
    const response = await page.goto(consentUrl(down.origin), { waitUntil: 'commit', timeout: 30_000 })
    expect(response?.status()).toBe(504)
    const failed = await timeUntil(page, 'This is taking too long', started)
    expect(failed).toBeLessThan(DEADLINE_MS + SLACK_MS)
    expect(await page.getByRole('button', { name: 'Try again' }).count()).toBe(1)
    expect(await page.getByText(STILL_WAITING).count()).toBe(0)
    // One read, the server render's (its attempts inside the one deadline); hydrating asked nothing again.
    const applicationReads = requestLines(down.output()).filter((line) => line.method === 'GET' && line.route === '/api/oauth2/application').length
    expect(applicationReads).toBe(1)
    await context.close()
  })

  test('grants, reached from another page in Chinese: "still waiting" after 3 s, then the honest error', async () => {
    const watched = await watchedPage(browser, { locale: 'zh-CN' })
    const { page, context } = watched
    await signIn(context, down.origin, ALICE.id)
    await page.goto(`${down.origin}/activity`)
    await page.getByRole('heading', { level: 1 }).waitFor()
    // The page is hydrated once its links navigate in the app: wait for the router, not the clock.
    await page.waitForFunction(() => document.documentElement.dataset['hydrated'] === 'true')
    const started = Date.now()
    await page.getByRole('navigation').getByRole('link', { name: '我的授权' }).click()
    const waiting = await timeUntil(page, '仍在等待 BGE 平台响应…', started)
    expect(waiting).toBeGreaterThanOrEqual(3_000)
    const status = page.getByRole('status').filter({ hasText: '仍在等待 BGE 平台响应…' })
    expect(await status.getAttribute('aria-live')).toBe('polite')
    const failed = await timeUntil(page, '等待时间太长了', started)
    expect(failed).toBeLessThan(DEADLINE_MS + SLACK_MS)
    expect(await page.getByRole('button', { name: '重试' }).count()).toBe(1)
    expect(await page.getByText('仍在等待 BGE 平台响应…').count()).toBe(0)
    await context.close()
  })
})

test('Try again works once the platform is back', async () => {
  const watched = await watchedPage(browser)
  const { page, context } = watched
  await signIn(context, flaky.origin, ALICE.id)
  const started = Date.now()
  await page.goto(consentUrl(flaky.origin), { waitUntil: 'commit' })
  expect(await timeUntil(page, 'This is taking too long', started)).toBeLessThan(DEADLINE_MS + SLACK_MS)
  expect(upstreamCalls(flaky.output(), '/openbge/oauth2/application')).toBe(2)
  await page.getByRole('button', { name: 'Try again' }).click()
  await page.getByRole('button', { name: 'Authorize' }).waitFor()
  // The browser's note of the BFF's 504 is expected; nothing else may have gone wrong.
  expect(watched.problems.filter((problem) => !problem.includes('status of 504'))).toEqual([])
  await context.close()
})
