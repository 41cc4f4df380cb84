// One render path (server/pages/spa.ts, src/entry-server.tsx, src/main.tsx, src/start.tsx): every page arrives rendered
// by the BFF with the state its render read, and the browser hydrates it without asking again; a
// mismatch between the two renders is a console error, which fails these journeys.
import { readFileSync } from 'node:fs'
import type { Browser, BrowserContextOptions, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { DESKTOP, launchBrowser } from '../support/browser'
import { ALICE } from '../support/fixture-users'
import { basicWorld, TRICKY_STATE } from '../support/fixtures'
import { startPortal, type Portal } from '../support/portal'
import { agreeToGeneticData } from '../support/genetic'

const LATENCY_MS = 400
const HOSTILE = '</script><script>window.__pwned = 1</script><!-- & \u2028'

let slow: Portal
let quick: Portal
let browser: Browser

beforeAll(async () => {
  const world = (origin: string) => {
    const base = basicWorld(origin)
    return { ...base, applications: base.applications.map((app) => ({ ...app, description: HOSTILE })) }
  }
  ;[slow, quick, browser] = await Promise.all([
    startPortal({ fixtures: (origin) => ({ ...world(origin), latency_ms: LATENCY_MS }) }),
    startPortal({ fixtures: world }),
    launchBrowser(),
  ])
})

afterAll(async () => {
  await browser?.close()
  await Promise.all([slow?.stop(), quick?.stop()])
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
  const scripts: string[] = []
  const errors: string[] = []
  page.on('request', (request) => {
    const url = new URL(request.url())
    if (request.method() === 'GET' && url.pathname.startsWith('/api/')) apiGets.push(url.pathname)
    if (url.pathname.endsWith('.js')) scripts.push(url.pathname)
  })
  page.on('pageerror', (error) => errors.push(error.message))
  page.on('console', (message) => {
    // A page that names no icon makes the browser ask for /favicon.ico: not the portal's pages.
    if (message.location().url.endsWith('/favicon.ico')) return
    if (message.type() === 'error' || /Content Security Policy/i.test(message.text())) errors.push(`${message.text()} ${message.location().url}`)
  })
  return { context, page, apiGets, scripts, errors }
}

/** Vite's manifest of the build under test: each source's built file and the chunks it imports. */
function buildManifest(): Record<string, { file: string; imports?: string[] }> {
  return JSON.parse(readFileSync(new URL('../../dist/.vite/manifest.json', import.meta.url), 'utf8')) as Record<string, { file: string; imports?: string[] }>
}

/**
 * The built files that hold zod and the schemas (src/lib/schemas.ts and what it imports that no
 * page loads anyway), from the build's manifest: the browser loads them with its first request.
 */
function schemaFiles(): string[] {
  const manifest = buildManifest()
  const entry = manifest['src/lib/schemas.ts']
  if (!entry) throw new Error('the build has no src/lib/schemas.ts chunk')
  // The entry, the app (src/start.tsx) and what they import: every page loads them.
  const everyPage = new Set(['index.html', 'src/start.tsx'].flatMap((key) => [key, ...(manifest[key]?.imports ?? [])]).map((key) => manifest[key]?.file))
  return [entry.file, ...(entry.imports ?? []).map((key) => manifest[key]?.file ?? key)].filter((file) => !everyPage.has(file)).map((file) => `/${file}`)
}

/** index.html's own script (src/main.tsx as built). */
function entryFile(): string {
  const entry = buildManifest()['index.html']
  if (!entry) throw new Error('the build has no index.html entry')
  return `/${entry.file}`
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
  ['a quick platform', () => quick],
  ['a slow platform', () => slow],
])('behind %s', (_, portalOf) => {
  test('consent authorize, then grants: each page arrives rendered and hydrates without asking /api again', async () => {
    const portal = portalOf()
    const { context, page, apiGets, scripts, errors } = await signedInPage(portal)
    const schemas = schemaFiles()
    try {
      const consentDocument = await page.goto(consentUrl(portal))
      // Rendered by the server: the heading and the samples are in the HTML itself.
      // Upstream texts sit in their own isolating elements: read the markup's text.
      const consentHtml = ((await consentDocument?.text()) ?? '').replace(/<[^>]*>/g, '')
      expect(consentHtml).toContain('Gene Insight would like to access your BGE account')
      expect(consentHtml).toContain('E-A0001')
      await page.getByRole('button', { name: 'Authorize' }).waitFor()
      await expect.poll(() => page.getByText(HOSTILE.trim(), { exact: false }).count()).toBeGreaterThan(0)
      expect(apiGets).toEqual([])
      // Hydrated without zod: nothing was checked yet (docs/performance.md, the 135 KB budget).
      await page.locator('html[data-hydrated]').waitFor({ state: 'attached' })
      expect(scripts.filter((path) => schemas.includes(path))).toEqual([])
      // Nothing but the entry shared the connection with the HTML: the app was asked for once the
      // whole page was parsed and painted (src/main.tsx).
      const beforeParsed = await page.evaluate(() => {
        const parsed = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming
        const scripts = performance.getEntriesByType('resource').filter((entry) => new URL(entry.name).pathname.endsWith('.js'))
        return scripts.filter((entry) => entry.startTime < parsed.domInteractive).map((entry) => new URL(entry.name).pathname)
      })
      expect(beforeParsed).toEqual([entryFile()])

      await page.getByRole('checkbox', { name: /E-A0001/ }).check()
      await page.getByRole('checkbox', { name: /E-A0003/ }).check()
      await agreeToGeneticData(page)
      await page.getByRole('button', { name: 'Authorize' }).click()
      await page.waitForURL((url) => url.pathname === '/sandbox/callback')
      const params = new URL(page.url()).searchParams
      expect(params.get('state')).toBe(TRICKY_STATE)
      expect(params.get('code')).toMatch(/.+/)
      // The decision's answer was checked: the schemas came with that request.
      expect(scripts).toEqual(expect.arrayContaining(schemas))

      apiGets.length = 0
      const grantsDocument = await page.goto(`${portal.origin}/grants`)
      expect(await grantsDocument?.text()).toContain('Gene Insight')
      const card = page.getByRole('list', { name: 'Authorized apps' }).getByRole('heading', { level: 2 })
      await expect.poll(() => card.allInnerTexts()).toEqual(['Gene Insight'])
      await page.getByText(/2 samples/).first().waitFor()
      expect(apiGets).toEqual([])

      expect(await cspViolations(page)).toEqual([])
      expect(await page.evaluate(() => 'pwned' in window || '__pwned' in window)).toBe(false)
      expect(errors).toEqual([])
    } finally {
      await context.close()
    }
  })
})


describe('without JavaScript, the page is there, in the reader’s language', () => {
  const PAGES = [
    ['consent', consentUrl, 'Gene Insight would like to access your BGE account', 'Gene Insight 申请访问你的 BGE 账户'],
    ['grants', (portal: Portal) => `${portal.origin}/grants`, 'My authorizations', '我的授权'],
    ['activity', (portal: Portal) => `${portal.origin}/activity`, 'Activity', '授权记录'],
  ] as const

  test.each(PAGES)('%s', async (_, urlOf, english, chinese) => {
    for (const [locale, heading] of [['en-US', english], ['zh-CN', chinese]] as const) {
      const context = await aliceContext(quick, { locale, javaScriptEnabled: false })
      try {
        const page = await context.newPage()
        await page.goto(urlOf(quick))
        expect(await page.locator('#root h1').innerText()).toBe(heading)
        expect(await page.locator('html').getAttribute('lang')).toBe(locale === 'en-US' ? 'en' : 'zh-CN')
      } finally {
        await context.close()
      }
    }
  })

  test('signed out, a page is an HTTP redirect to sign-in, which comes back to it', async () => {
    const answer = await fetch(`${quick.origin}/grants`, { redirect: 'manual' })
    expect(answer.status).toBe(302)
    expect(answer.headers.get('Location')).toBe(`/signin?next=${encodeURIComponent('/grants')}`)
  })

  test('a request that must go back to the app with an error is an HTTP redirect there, with the state byte for byte', async () => {
    const url = new URL(consentUrl(quick))
    url.searchParams.set('response_type', 'token')
    const answer = await fetch(url, { redirect: 'manual', headers: { Cookie: `bge_auth_token=${ALICE.auth_token}` } })
    expect(answer.status).toBe(302)
    const location = new URL(answer.headers.get('Location') ?? '')
    expect(location.pathname).toBe('/sandbox/callback')
    expect(location.searchParams.get('error')).toBe('unsupported_response_type')
    expect(location.searchParams.get('state')).toBe(TRICKY_STATE)
  })
})

/** Alice's page on `portal`, and everything its #root has shown so far, from its first child on. */
async function rootWatchedPage(portal: Portal) {
  const context = await aliceContext(portal)
  await context.addInitScript(() => {
    const shown: string[] = []
    Object.assign(window, { __rootShown: shown })
    const showing = () => {
      const root = document.getElementById('root')
      return root?.querySelector('.motion-safe\\:animate-pulse') ? 'skeleton' : root?.querySelector('h1') ? 'page' : 'other'
    }
    // What the server rendered, once the document is parsed and before any script has run (module
    // scripts run after 'interactive'); a parser that yields mid-page shows only part of it before.
    document.addEventListener('readystatechange', () => {
      if (document.readyState === 'interactive') shown.unshift(showing())
    })
    // And whatever #root shows from then on: never a skeleton.
    new MutationObserver(() => {
      if (document.readyState !== 'loading' && document.getElementById('root')?.firstElementChild) shown.push(showing())
    }).observe(document, { childList: true, subtree: true })
  })
  const page = await context.newPage()
  const shown = () => page.evaluate(() => (window as unknown as { __rootShown: string[] }).__rootShown)
  return { context, page, shown }
}

test('with JavaScript held back, the rendered page is what shows, and the live page takes it over in place: never a skeleton', async () => {
  const { context, page, shown: rootShown } = await rootWatchedPage(quick)
  try {
    await page.route('**/assets/*.js', async (route) => {
      await new Promise((resolve) => setTimeout(resolve, LATENCY_MS * 3))
      await route.continue()
    })
    await page.goto(`${quick.origin}/grants`)
    const before = await page.locator('#root h1').boundingBox()
    // Hydrated: React has taken the rendered markup as its own.
    // The app's code is asked for only once the page is painted (src/main.tsx): two held-back rounds.
    await page.waitForFunction(() => Object.keys(document.getElementById('root') ?? {}).some((key) => key.startsWith('__reactContainer')), undefined, { timeout: 30_000 })
    expect(await page.locator('#root h1').boundingBox()).toEqual(before)
    const shown = await rootShown()
    expect(shown[0]).toBe('page')
    expect(shown).not.toContain('skeleton')
  } finally {
    await context.close()
  }
})
