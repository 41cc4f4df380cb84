// The page's data with its HTML (server/pages/page-data.ts): the same consent and grants journeys on a
// portal that streams each page's /api answers inside it (behind a slow platform, so they arrive
// well after the head) and on one with EMBED_PAGE_DATA=false, which fetches them as before.
import type { Browser, BrowserContextOptions, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { DESKTOP, launchBrowser } from '../support/browser'
import { ALICE } from '../support/fixture-users'
import { basicWorld, TRICKY_STATE } from '../support/fixtures'
import { startPortal, type Portal } from '../support/portal'

const LATENCY_MS = 400
const SLOW_MS = 2_000
const HOSTILE = '</script><script>window.__pwned = 1</script><!-- & \u2028'

let embedded: Portal
let quick: Portal
let slow: Portal
let fetched: Portal
let browser: Browser

beforeAll(async () => {
  const world = (origin: string) => {
    const base = basicWorld(origin)
    return { ...base, applications: base.applications.map((app) => ({ ...app, description: HOSTILE })) }
  }
  ;[embedded, quick, slow, fetched, browser] = await Promise.all([
    startPortal({ fixtures: (origin) => ({ ...world(origin), latency_ms: LATENCY_MS }) }),
    startPortal({ fixtures: world }),
    // Far slower than PREPAINT_WAIT_MS plus however long a busy machine takes to run the entry.
    startPortal({ fixtures: (origin) => ({ ...world(origin), latency_ms: SLOW_MS }) }),
    startPortal({ fixtures: world, env: { EMBED_PAGE_DATA: 'false' } }),
    launchBrowser(),
  ])
  // The quick platform's journeys time the first paint against PREPAINT_WAIT_MS: render it once
  // first, so they do not also time the renderer's first, cold run.
  await (await fetch(`${quick.origin}/grants`, { headers: { Cookie: `bge_auth_token=${ALICE.auth_token}` } })).text()
})

afterAll(async () => {
  await browser?.close()
  await Promise.all([embedded?.stop(), quick?.stop(), slow?.stop(), fetched?.stop()])
})

/** A browser context signed in as Alice on `portal` (English and desktop unless told otherwise). */
async function aliceContext(portal: Portal, options: BrowserContextOptions = {}) {
  const context = await browser.newContext({ locale: 'en-US', viewport: DESKTOP, ...options })
  await context.addCookies([{ name: 'bge_auth_token', value: ALICE.auth_token, url: portal.origin, httpOnly: true }])
  return context
}

/** Alice's page, with every GET /api request and every CSP violation it reports recorded. */
async function signedInPage(portal: Portal) {
  const context = await aliceContext(portal)
  await context.addInitScript(() => {
    const seen: string[] = []
    Object.assign(window, { __cspViolations: seen })
    document.addEventListener('securitypolicyviolation', (event) => seen.push(`${event.violatedDirective} ${event.blockedURI}`))
  })
  const page = await context.newPage()
  const apiGets: string[] = []
  const errors: string[] = []
  page.on('request', (request) => {
    const url = new URL(request.url())
    if (request.method() === 'GET' && url.pathname.startsWith('/api/')) apiGets.push(url.pathname)
  })
  page.on('pageerror', (error) => errors.push(error.message))
  page.on('console', (message) => {
    // The sandbox's callback page names no icon, so the browser asks for /favicon.ico: not the portal's pages.
    if (message.location().url.endsWith('/favicon.ico')) return
    if (message.type() === 'error' || /Content Security Policy/i.test(message.text())) errors.push(`${message.text()} ${message.location().url}`)
  })
  return { context, page, apiGets, errors }
}

const cspViolations = (page: Page) => page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations)

function consentUrl(portal: Portal): string {
  const query = new URLSearchParams({
    client_id: 'web-app',
    redirect_uri: `${portal.origin}/sandbox/callback?source=portal`,
    response_type: 'code',
    scope: 'profile.default sample.default:read variant.rsid',
    state: TRICKY_STATE,
  })
  return `${portal.origin}/oauth2/authorize?${query}`
}

describe.each([
  ['embedded', () => embedded, [] as string[]],
  ['fetched (EMBED_PAGE_DATA=false)', () => fetched, null],
])('page data %s', (_, portalOf, expectedFirstLoadGets) => {
  test('consent authorize, then grants: the same journey, the same page', async () => {
    const portal = portalOf()
    const { context, page, apiGets, errors } = await signedInPage(portal)
    try {
      await page.goto(consentUrl(portal))
      await page.getByRole('button', { name: 'Authorize' }).waitFor()
      await expect.poll(() => page.getByText(HOSTILE.trim(), { exact: false }).count()).toBeGreaterThan(0)
      const consentGets = [...apiGets]
      if (expectedFirstLoadGets) expect(consentGets).toEqual(expectedFirstLoadGets)
      else expect(consentGets.sort()).toEqual(['/api/biosamples', '/api/oauth2/application', '/api/oauth2/grants', '/api/session'])

      await page.getByRole('checkbox', { name: /E-A0001/ }).check()
      await page.getByRole('checkbox', { name: /E-A0003/ }).check()
      await page.getByRole('button', { name: 'Authorize' }).click()
      await page.waitForURL((url) => url.pathname === '/sandbox/callback')
      const params = new URL(page.url()).searchParams
      expect(params.get('state')).toBe(TRICKY_STATE)
      expect(params.get('code')).toMatch(/.+/)

      apiGets.length = 0
      await page.goto(`${portal.origin}/grants`)
      const card = page.getByRole('list', { name: 'Authorized apps' }).getByRole('heading', { level: 2 })
      await expect.poll(() => card.allInnerTexts()).toEqual(['Gene Insight'])
      await page.getByText(/2 samples/).first().waitFor()
      if (expectedFirstLoadGets) expect(apiGets).toEqual(expectedFirstLoadGets)
      else expect([...apiGets].sort()).toEqual(['/api/biosamples', '/api/oauth2/grants', '/api/records', '/api/session'])

      expect(await cspViolations(page)).toEqual([])
      expect(await page.evaluate(() => 'pwned' in window || '__pwned' in window)).toBe(false)
      expect(errors).toEqual([])
    } finally {
      await context.close()
    }
  })
})

test('embedded: the head arrives before the slow platform answers; the entry script runs once the data is in', async () => {
  const { context, page, apiGets, errors } = await signedInPage(embedded)
  try {
    await page.goto(`${embedded.origin}/grants`)
    await page.getByRole('list', { name: 'Authorized apps' }).or(page.getByRole('heading', { level: 1 })).first().waitFor()
    const timing = await page.evaluate(() => {
      const navigation = performance.getEntriesByType('navigation').find((entry) => entry instanceof PerformanceNavigationTiming)
      return { firstByte: (navigation?.responseStart ?? 0) - (navigation?.requestStart ?? 0), streamed: (navigation?.responseEnd ?? 0) - (navigation?.responseStart ?? 0) }
    })
    // The first byte came before the upstream round was over, and the document ended only after
    // it. (Not `streamed ≥ LATENCY_MS`: on a busy machine the head can reach the browser 130 ms late.)
    expect(timing.firstByte).toBeLessThan(LATENCY_MS)
    expect(timing.firstByte + timing.streamed).toBeGreaterThanOrEqual(LATENCY_MS * 0.9)
    // Module scripts run after the whole document is parsed: every answer was there for the loader.
    expect(apiGets).toEqual([])
    expect(await cspViolations(page)).toEqual([])
    expect(errors).toEqual([])
  } finally {
    await context.close()
  }
})

describe('embedded: the page is painted from its HTML, then the SPA takes its place', () => {
  const PAGES = [
    ['consent', consentUrl, 'Gene Insight would like to access your BGE account', 'Gene Insight 申请访问你的 BGE 账户'],
    ['grants', (portal: Portal) => `${portal.origin}/grants`, 'My authorizations', '我的授权'],
  ] as const

  test.each(PAGES)('%s: without JavaScript the BFF’s first paint is the page, in the reader’s language', async (_, urlOf, english, chinese) => {
    for (const [locale, heading] of [['en-US', english], ['zh-CN', chinese]] as const) {
      const context = await aliceContext(embedded, { locale, javaScriptEnabled: false })
      try {
        const page = await context.newPage()
        await page.goto(urlOf(embedded))
        expect(await page.locator('#bge-first-paint h1').innerText()).toBe(heading)
        expect(await page.locator('#bge-first-paint').getAttribute('inert')).toBe('')
        // A picture of the page: nothing in it can be focused or chosen before the SPA is there.
        await page.keyboard.press('Tab')
        expect(await page.evaluate(() => document.activeElement === document.body)).toBe(true)
      } finally {
        await context.close()
      }
    }
  })

  test.each(PAGES)('%s: the SPA paints the same heading in the same place, and the first paint is gone', async (_, urlOf) => {
    const boxes = []
    for (const javaScriptEnabled of [false, true]) {
      const context = await aliceContext(embedded, { javaScriptEnabled })
      try {
        const page = await context.newPage()
        await page.goto(urlOf(embedded))
        if (javaScriptEnabled) {
          await page.locator('#root h1').waitFor()
          await expect.poll(() => page.locator('#bge-first-paint').count()).toBe(0)
          expect(await page.locator('h1').count()).toBe(1)
        }
        boxes.push(await page.locator('h1').first().boundingBox())
      } finally {
        await context.close()
      }
    }
    expect(boxes[1]).toEqual(boxes[0])
  })

  test('the page fetched without data carries no first paint', async () => {
    const html = await (await fetch(consentUrl(fetched), { headers: { Cookie: `bge_auth_token=${ALICE.auth_token}` } })).text()
    expect(html).not.toContain('bge-first-paint')
  })
})

/** Alice's page on `portal`, and everything its #root has shown so far, from its first child on. */
async function rootWatchedPage(portal: Portal) {
  const context = await aliceContext(portal)
  await context.addInitScript(() => {
    const shown: string[] = []
    Object.assign(window, { __rootShown: shown })
    new MutationObserver(() => {
      const root = document.getElementById('root')
      if (root?.firstElementChild) shown.push(root.querySelector('.motion-safe\\:animate-pulse') ? 'skeleton' : root.querySelector('h1') ? 'page' : 'other')
    }).observe(document, { childList: true, subtree: true })
  })
  const page = await context.newPage()
  const shown = () => page.evaluate(() => (window as unknown as { __rootShown: string[] }).__rootShown)
  return { context, page, shown }
}

test('embedded: a page painted before its JavaScript ran goes straight to the live page, never a skeleton in between', async () => {
  const { context, page, shown: rootShown } = await rootWatchedPage(embedded)
  try {
    // The scripts come after the page's answers and its first paint (LATENCY_MS), as on a phone.
    await page.route('**/assets/*.js', async (route) => {
      await new Promise((resolve) => setTimeout(resolve, LATENCY_MS * 3))
      await route.continue()
    })
    await page.goto(`${embedded.origin}/grants`)
    await page.locator('#root h1').waitFor()
    const shown = await rootShown()
    expect(shown[0]).toBe('page')
    expect(shown).not.toContain('skeleton')
    expect(await page.locator('#bge-first-paint').count()).toBe(0)
  } finally {
    await context.close()
  }
})

describe('the app’s code waits for the first paint (src/main.tsx)', () => {
  /** When the first paint entered the document and the frame after, and when the app's code was asked for. */
  async function timeline(portal: Portal) {
    const context = await aliceContext(portal)
    try {
      await context.addInitScript(() => {
        const times: { painted?: number; frame?: number } = {}
        Object.assign(window, { __firstPaint: times })
        const observer = new MutationObserver(() => {
          if (!document.getElementById('bge-first-paint')) return
          observer.disconnect()
          times.painted = performance.now()
          requestAnimationFrame(() => (times.frame = performance.now()))
        })
        observer.observe(document, { childList: true, subtree: true })
      })
      const page = await context.newPage()
      await page.goto(`${portal.origin}/grants`)
      await page.locator('#root h1').waitFor()
      return await page.evaluate(() => {
        const app = performance.getEntriesByType('resource').filter((entry) => /\/assets\/shared-[^/]*\.js$/.test(entry.name))
        return { ...(window as unknown as { __firstPaint: { painted?: number; frame?: number } }).__firstPaint, app: app.map((entry) => entry.startTime) }
      })
    } finally {
      await context.close()
    }
  }

  test('from a quick platform: asked for only once the painted page has had its frame', async () => {
    const { painted, frame, app } = await timeline(quick)
    expect(painted).toBeDefined()
    expect(frame).toBeDefined()
    expect(app).toHaveLength(1)
    expect(app[0]).toBeGreaterThanOrEqual(frame ?? Infinity)
  })

  test('a second visit, its code cached, still shows the painted page first and never a skeleton', async () => {
    const { context, page, shown: rootShown } = await rootWatchedPage(quick)
    try {
      for (const visit of [1, 2]) {
        await page.goto(`${quick.origin}/grants`)
        await page.locator('#root h1').waitFor()
        const shown = await rootShown()
        expect(shown[0], `visit ${visit}`).toBe('page')
        expect(shown, `visit ${visit}`).not.toContain('skeleton')
      }
      // The second visit's code came from the cache (`immutable`), not the network.
      const cached = await page.evaluate(() =>
        performance.getEntriesByType('resource').filter((entry) => entry instanceof PerformanceResourceTiming && /\/assets\/shared-/.test(entry.name) && entry.transferSize === 0),
      )
      expect(cached).toHaveLength(1)
    } finally {
      await context.close()
    }
  })

  test('from a slow one: asked for without waiting for it (PREPAINT_WAIT_MS), so the app’s own loading state shows', async () => {
    const { painted, app } = await timeline(slow)
    // It came all the same (`goto` waits for the document's end), later than the app.
    expect(painted).toBeDefined()
    expect(app).toHaveLength(1)
    expect(app[0]).toBeLessThan(painted ?? Infinity)
  })
})
