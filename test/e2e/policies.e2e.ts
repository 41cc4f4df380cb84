// The response policies in a real browser (SPEC.md "Security", issue 18): every page carries
// COOP, CORP, Permissions-Policy and a CSP that requires Trusted Types, and none of them is broken
// by the page itself: no `securitypolicyviolation` on any page, through a whole journey (sign-in,
// consent, the app's callback, grants, activity, a receipt, the preview, not found, /verify). With the
// WeChat bridge configured, its one Trusted Types policy loads the bridge and nothing else.
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { PAGE_ROUTES } from '../../src/contract/routes'
import { launchBrowser } from '../support/browser'
import { ALICE } from '../support/fixture-users'
import { sample } from '../support/fixtures'
import { startPortal, type Portal } from '../support/portal'

const BRIDGE_URL = 'https://res.wx.qq.com/open/js/jweixin-1.6.0.js'
const MINI_PROGRAM_PATH = 'pages/consent/done'

function world(origin: string) {
  const app = { logo: '', description: 'Checks the policies.', scopes: ['profile.default'], wxmp_app_id: '', blocked: false }
  return {
    users: [{ ...ALICE, biosamples: [sample('E-A0001')] }],
    applications: [
      { ...app, client_id: 'web-app', name: 'Policy Web', redirect_uris: [`${origin}/sandbox/callback`] },
      { ...app, client_id: 'wx-app', name: 'Policy Mini', redirect_uris: [MINI_PROGRAM_PATH], wxmp_app_id: 'wx0123456789abcdef' },
    ],
  }
}

interface Violation {
  directive: string
  blocked: string
  sample: string
  page: string
}

/** A context signed in as Alice that reports every policy violation and every console complaint about a policy. */
async function watchedContext(browser: Browser, portal: Portal, options: { userAgent?: string } = {}) {
  const context = await browser.newContext({ locale: 'en-US', ...options })
  await context.addCookies([{ name: 'bge_auth_token', value: ALICE.auth_token, url: portal.origin }])
  const violations: Violation[] = []
  const complaints: string[] = []
  await context.exposeBinding('__reportViolation', (_source, violation: Violation) => void violations.push(violation))
  // Runs in each document before its own scripts, through the DevTools protocol (not governed by the page's CSP).
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      const report = (window as unknown as { __reportViolation: (violation: unknown) => void }).__reportViolation
      report({ directive: event.effectiveDirective, blocked: event.blockedURI, sample: event.sample, page: location.pathname })
    })
  })
  const watch = (page: Page) =>
    page.on('console', (message) => {
      if (/Content Security Policy|Trusted ?Type|Permissions-Policy|Cross-Origin/i.test(message.text())) complaints.push(message.text())
    })
  context.on('page', watch)
  return { context, violations, complaints }
}

/** The response's policy headers, as the browser got them. */
function expectPolicyHeaders(headers: Record<string, string>, path: string, trustedTypes: string) {
  expect(headers['cross-origin-opener-policy'], path).toBe('same-origin')
  expect(headers['cross-origin-resource-policy'], path).toBe('same-origin')
  expect(headers['permissions-policy'], path).toMatch(/(^|, )camera=\(\)(,|$)/)
  const csp = headers['content-security-policy'] ?? ''
  expect(csp, path).toMatch(/(^|; )require-trusted-types-for 'script'(;|$)/)
  expect(csp, path).toContain(`trusted-types ${trustedTypes}`)
}

/** Until the SPA has hydrated and its lazy chunks have run: nothing more is loading. */
async function settled(page: Page) {
  await page.waitForLoadState('networkidle')
}

describe('without the WeChat bridge', () => {
  let portal: Portal
  let browser: Browser
  beforeAll(async () => {
    ;[portal, browser] = await Promise.all([startPortal({ fixtures: world }), launchBrowser()])
  })
  afterAll(async () => {
    await browser?.close()
    await portal?.stop()
  })

  test('every page, through a whole journey: the headers, and no CSP or Trusted Types violation', async () => {
    const { context, violations, complaints } = await watchedContext(browser, portal)
    const page = await context.newPage()
    const visited = new Set<string>()
    const visit = async (path: string, status = 200) => {
      const response = await page.goto(`${portal.origin}${path}`)
      expect(response?.status(), path).toBe(status)
      expectPolicyHeaders(response?.headers() ?? {}, path, "'none'")
      await settled(page)
      visited.add(new URL(page.url()).pathname)
    }

    // The consent page, and the decision through the hydrated form, to the app's callback.
    const consent = new URLSearchParams({ client_id: 'web-app', redirect_uri: `${portal.origin}/sandbox/callback`, response_type: 'code', scope: 'profile.default', state: 'policies' })
    await visit(`/oauth2/authorize?${consent}`)
    await page.getByRole('button', { name: 'Authorize' }).click()
    await page.waitForURL(/\/sandbox\/callback\?/)
    await settled(page)
    visited.add('/sandbox/callback')

    await visit('/grants')
    // The revoke page (its form works without script), for the app just authorized.
    await visit('/grants/web-app/revoke')
    visited.add(PAGE_ROUTES.revoke.path)
    await visit('/activity')
    await page.getByRole('link', { name: /^View receipt/ }).first().click()
    await page.waitForURL(/\/activity\/[^/]+$/)
    await settled(page)
    visited.add(PAGE_ROUTES.receipt.path)
    await visit(`/developer/preview?${new URLSearchParams({ client_id: 'web-app', redirect_uri: `${portal.origin}/sandbox/callback` })}`)
    await visit('/no/such/page', 404)
    // Signed out last: the receipt check, the sign-in page, then the home's redirect back to it.
    await context.clearCookies()
    await visit('/verify')
    await visit('/signin?next=/grants')
    await visit('/', 200)

    // Every page of the SPA's route list was seen.
    for (const route of Object.values(PAGE_ROUTES)) {
      if (route.path !== '/') expect(visited.has(route.path), route.path).toBe(true)
    }
    expect(violations).toEqual([])
    expect(complaints).toEqual([])
    await context.close()
  })

  test('Trusted Types are enforced: a string into a DOM sink is refused and reported (so the check above can see one)', async () => {
    const { context, violations } = await watchedContext(browser, portal)
    const page = await context.newPage()
    await page.goto(`${portal.origin}/grants`)
    await settled(page)
    const outcome = await page.evaluate(() => {
      try {
        document.body.insertAdjacentHTML('beforeend', '<img src=x>')
        return 'inserted'
      } catch (error) {
        return (error as Error).name
      }
    })
    expect(outcome).toBe('TypeError')
    await expect.poll(() => violations.map((violation) => violation.directive)).toEqual(['require-trusted-types-for'])
    // And no policy may be made to get round it.
    expect(await page.evaluate(() => {
      try {
        ;(window as unknown as { trustedTypes: { createPolicy: (name: string, rules: object) => unknown } }).trustedTypes.createPolicy('bge-wechat-bridge', {})
        return 'created'
      } catch (error) {
        return (error as Error).name
      }
    })).toBe('TypeError')
    await context.close()
  })
})

describe('with the WeChat bridge configured', () => {
  let portal: Portal
  let browser: Browser
  let context: BrowserContext
  beforeAll(async () => {
    ;[portal, browser] = await Promise.all([startPortal({ fixtures: world, env: { WECHAT_BRIDGE_URL: BRIDGE_URL } }), launchBrowser()])
  })
  afterAll(async () => {
    await context?.close()
    await browser?.close()
    await portal?.stop()
  })

  test('inside a mini-program web-view the bridge loads through its one policy, hands the code back, and nothing is violated', async () => {
    // WeChat's web-view says so in its user agent; its JS-SDK is served here by a stand-in that
    // records the hand-over (this machine reaches no WeChat server).
    const watched = await watchedContext(browser, portal, { userAgent: 'Mozilla/5.0 (Linux; Android 14) MicroMessenger/8.0.50 miniProgram' })
    context = watched.context
    const bridgeRequests: string[] = []
    await context.route('https://res.wx.qq.com/**', async (route) => {
      bridgeRequests.push(route.request().url())
      await route.fulfill({
        contentType: 'text/javascript',
        headers: { 'Access-Control-Allow-Origin': '*' },
        body: 'window.wx = { miniProgram: { redirectTo: function (options) { document.documentElement.dataset.handedOff = options.url } } }',
      })
    })
    const page = await context.newPage()
    const consent = new URLSearchParams({ client_id: 'wx-app', redirect_uri: MINI_PROGRAM_PATH, response_type: 'code', scope: 'profile.default', state: 'policies' })
    const response = await page.goto(`${portal.origin}/oauth2/authorize?${consent}`)
    expectPolicyHeaders(response?.headers() ?? {}, '/oauth2/authorize', 'bge-wechat-bridge')
    await settled(page)
    await page.getByRole('button', { name: 'Authorize' }).click()
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset.handedOff ?? '')).toMatch(/[?&]code=/)
    expect(bridgeRequests).toEqual([BRIDGE_URL])
    expect(watched.violations).toEqual([])
    expect(watched.complaints).toEqual([])
    // The policy passes the configured URL only.
    expect(await page.evaluate(() => {
      try {
        const script = document.createElement('script')
        script.src = 'https://res.wx.qq.com/other.js'
        return 'assigned'
      } catch (error) {
        return (error as Error).name
      }
    })).toBe('TypeError')
  })
})
