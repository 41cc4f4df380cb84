// Hostile input, the browser's half (the BFF's: server/hostile-input.test.ts). Script and HTML in
// every text the platform sends, logos that are not https, redirect URIs and sign-in return paths
// built to leave the portal, and a `state` built to break an encoder. Every page is watched
// (test/support/watch.ts): no dialog, no script error, no console error, no CSP violation, and
// no document but the portal's own and the one validated redirect.
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { launchBrowser } from '../support/browser'
import { ALICE } from '../support/fixture-users'
import { sample, webApp } from '../support/fixtures'
import { startPortal, type Portal } from '../support/portal'
import { signIn, upstreamCalls, watchedPage, type WatchedPage } from '../support/watch'

const IMG = '<img src=x onerror=alert(1)>'
const SCRIPT = '<script>alert(2)</script>'
const SVG = '"><svg onload=alert(3)>'
const HOSTILE = `${IMG}${SCRIPT}${SVG}`
const APP_NAME = `Gene ${IMG}`
const USER_NAME = `Alice ${SVG}`
const LOGOS = ['javascript:alert(1)', 'data:image/svg+xml,<svg onload=alert(4)>', 'VBScript:msgbox(5)', '//evil.example/logo.png', 'http://evil.example/logo.png']

function hostileWorld(origin: string) {
  return {
    scopes: [
      { scope: 'profile.default', title: `基本信息 ${IMG}`, message: `读取 ${SCRIPT}` },
      { scope: 'sample.default:read', title: `样本 ${SVG}`, message: HOSTILE },
      { scope: 'custom.hostile', title: `Custom ${SCRIPT}`, message: `Reads ${IMG}` },
    ],
    users: [
      {
        ...ALICE,
        name: USER_NAME,
        biosamples: [sample('E-A0001'), sample(`E-${IMG}`, SCRIPT, 1, HOSTILE)],
      },
    ],
    applications: [
      webApp(origin, { name: APP_NAME, description: HOSTILE, logo: LOGOS[0], scopes: ['profile.default', 'sample.default:read', 'custom.hostile'] }),
      ...LOGOS.map((logo, i) => webApp(origin, { client_id: `logo-${i}`, name: `Logo ${i}`, logo, scopes: ['profile.default'] })),
    ],
    grants: [],
  }
}

let portal: Portal
let browser: Browser

beforeAll(async () => {
  ;[portal, browser] = await Promise.all([startPortal({ fixtures: hostileWorld }), launchBrowser()])
})

afterAll(async () => {
  await browser?.close()
  await portal?.stop()
})

function consentPath(params: Record<string, string> = {}): string {
  const query = new URLSearchParams({
    client_id: 'web-app',
    redirect_uri: `${portal.origin}/sandbox/callback`,
    response_type: 'code',
    scope: 'profile.default sample.default:read custom.hostile',
    state: 'hostile',
    ...params,
  })
  return `/oauth2/authorize?${query}`
}

/** Nothing ran and nothing was blocked; only the portal's pages (and `allowed`) were shown. */
async function expectQuiet(watched: WatchedPage, allowed: string[] = []) {
  expect(watched.problems).toEqual([])
  expect(watched.cspViolations()).toEqual([])
  const elsewhere = watched.visited.filter((url) => new URL(url).origin !== portal.origin && !allowed.includes(url))
  expect(elsewhere).toEqual([])
  // No element the hostile markup would have made, had it been parsed as HTML. The page's own
  // answers (`application/json`, never run) may still wait in it for the app to take them.
  const injected = await watched.page.evaluate(
    () => document.querySelectorAll('img[src="x"], img[onerror], svg[onload], body script:not([type="module"], [type="application/json"], [src])').length,
  )
  expect(injected).toBe(0)
}

test('the watch sees what it looks for: a dialog, a blocked handler and image, an injected element', async () => {
  const watched = await watchedPage(browser)
  await watched.page.goto(`${portal.origin}/nowhere`)
  await watched.page.getByRole('heading', { level: 1 }).waitFor()
  await watched.page.evaluate(() => {
    const img = document.createElement('img')
    img.src = 'http://evil.example/x.png'
    try {
      // An inline handler from a string: Trusted Types refuses the assignment itself.
      img.setAttribute('onerror', '')
    } catch {
      // Reported as a violation, which is what the watch must see.
    }
    document.body.append(img)
    alert('caught')
  })
  await expect.poll(() => watched.cspViolations().length).toBeGreaterThanOrEqual(2)
  expect(watched.problems.some((problem) => problem.startsWith('dialog (alert): caught'))).toBe(true)
  // The handler is refused by Trusted Types, the http image by img-src.
  expect(watched.cspViolations()).toEqual(
    expect.arrayContaining([expect.stringMatching(/^require-trusted-types-for /), expect.stringMatching(/^img-src http:\/\/evil\.example\/x\.png /)]),
  )
  await expect(expectQuiet(watched)).rejects.toThrow()
  await watched.context.close()
})

describe('hostile texts render as text', () => {
  for (const locale of ['en-US', 'zh-CN']) {
    test(`consent (${locale}): app, description, scope texts, user name and sample fields, then authorize`, async () => {
      const watched = await watchedPage(browser, { locale })
      const { page, context } = watched
      await signIn(context, portal.origin, ALICE.id)
      await page.goto(portal.origin + consentPath({ state: `hostile ${locale}` }))
      const main = page.getByRole('main')
      await main.getByText(HOSTILE).first().waitFor()
      expect(await main.getByText(APP_NAME, { exact: false }).count()).toBeGreaterThan(0)
      expect(await page.getByText(USER_NAME, { exact: false }).count()).toBeGreaterThan(0)
      expect(await main.getByText(`E-${IMG}`, { exact: false }).count()).toBeGreaterThan(0)
      // The English page shows the platform's text for a scope it has no words of its own for;
      // the Chinese page shows the platform's texts for every scope.
      expect(await main.getByText(`Custom ${SCRIPT}`).count()).toBe(1)
      if (locale === 'zh-CN') expect(await main.getByText(`基本信息 ${IMG}`).count()).toBe(1)
      // A javascript: logo is never an image: the monogram stands in.
      expect(await main.locator('img').count()).toBe(0)

      await page.getByRole('checkbox', { name: /E-A0001/ }).check()
      await page.getByRole('button', { name: locale === 'zh-CN' ? '授权' : 'Authorize' }).click()
      await page.waitForURL((url) => url.pathname === '/sandbox/callback')
      expect(new URL(page.url()).searchParams.get('state')).toBe(`hostile ${locale}`)
      await expectQuiet(watched)
      await context.close()
    })
  }

  test('grants, preview and sign-in show the same texts as text', async () => {
    const watched = await watchedPage(browser)
    const { page, context } = watched
    await page.goto(`${portal.origin}/signin?next=${encodeURIComponent('/grants')}`)
    await page.getByRole('button', { name: `Sign in as ${USER_NAME}` }).click()
    await page.waitForURL(`${portal.origin}/grants`)
    // The consent journeys above granted the hostile app.
    await page.getByRole('main').getByText(APP_NAME).first().waitFor()
    expect(await page.getByRole('banner').getByText(USER_NAME).count()).toBeGreaterThan(0)
    await expectQuiet(watched)

    await page.goto(`${portal.origin}/developer/preview?${new URLSearchParams({ client_id: 'web-app', redirect_uri: `${portal.origin}/sandbox/callback` })}`)
    await page.getByRole('main').getByText(HOSTILE).first().waitFor()
    expect(await page.getByRole('main').getByText(APP_NAME, { exact: false }).count()).toBeGreaterThan(0)
    await expectQuiet(watched)
    await context.close()
  })

  test('a logo that is not https (javascript:, data:, vbscript:, protocol-relative, http) shows the monogram', async () => {
    const watched = await watchedPage(browser)
    const { page, context } = watched
    await signIn(context, portal.origin, ALICE.id)
    for (const [i, logo] of LOGOS.entries()) {
      await page.goto(portal.origin + consentPath({ client_id: `logo-${i}`, scope: 'profile.default', state: `logo ${i}` }))
      await page.getByRole('heading', { level: 1, name: `Logo ${i} would like to access your BGE account` }).waitFor()
      expect(await page.locator('img').count(), logo).toBe(0)
    }
    await expectQuiet(watched)
    await context.close()
  })
})

describe('redirects go only where the platform validated', () => {
  const forbidden = ['javascript:alert(1)', 'JaVaScRiPt:alert(1)', ' javascript:alert(1)', 'java\tscript:alert(1)', '\u0001javascript:alert(1)', 'java\nscript:alert(1)']
  test.each(forbidden)('redirect_uri %j ends on the portal’s error page', async (redirectUri) => {
    const watched = await watchedPage(browser)
    const { page, context } = watched
    await signIn(context, portal.origin, ALICE.id)
    const before = upstreamCalls(portal.output(), '/openbge/oauth2/application')
    await page.goto(portal.origin + consentPath({ redirect_uri: redirectUri }))
    await page.getByRole('heading', { level: 1, name: 'This link isn’t safe' }).waitFor()
    expect(await page.getByRole('button', { name: 'Authorize' }).count()).toBe(0)
    expect(upstreamCalls(portal.output(), '/openbge/oauth2/application')).toBe(before)
    await expectQuiet(watched)
    await context.close()
  })

  test('look-alike hosts, userinfo and path tricks end on the portal’s error page', async () => {
    const watched = await watchedPage(browser)
    const { page, context } = watched
    await signIn(context, portal.origin, ALICE.id)
    const { host } = new URL(portal.origin)
    for (const redirectUri of [
      `http://${host}.evil.example/sandbox/callback`,
      `http://${host}@evil.example/sandbox/callback`,
      `https://evil.example/sandbox/callback`,
      `${portal.origin}/sandbox/../sandbox/callback`,
      `${portal.origin}/sandbox/%2e%2e/sandbox/callback`,
      `${portal.origin}/SANDBOX/callback`,
      `${portal.origin}/sandbox/callback/`,
    ]) {
      await page.goto(portal.origin + consentPath({ redirect_uri: redirectUri }))
      await page.getByRole('heading', { level: 1 }).waitFor()
      expect(await page.getByText('For the app’s developer').count(), redirectUri).toBe(1)
      expect(await page.getByRole('button', { name: 'Authorize' }).count(), redirectUri).toBe(0)
    }
    await expectQuiet(watched)
    await context.close()
  })

  test('a state with CRLF, &code=, # and other tricky text comes back byte for byte, with one code', async () => {
    const state = 'line1\r\nline2 &code=forged&state=x #frag ?q=1 %00 %25 + \u2028 "\'<>` 中文 🧬'
    const watched = await watchedPage(browser)
    const { page, context } = watched
    await signIn(context, portal.origin, ALICE.id)
    await page.goto(portal.origin + consentPath({ state }))
    await page.getByRole('checkbox', { name: /E-A0001/ }).check()
    await page.getByRole('button', { name: 'Authorize' }).click()
    await page.waitForURL((url) => url.pathname === '/sandbox/callback')
    const params = new URL(page.url()).searchParams
    expect(params.get('state')).toBe(state)
    expect(params.getAll('code')).toHaveLength(1)
    expect(params.get('code')).not.toBe('forged')
    await expectQuiet(watched, [page.url()])
    await context.close()
  })
})

describe('sign-in returns only to the portal', () => {
  test.each(['//evil.example', '/\\evil.example', 'https://evil.example', 'javascript:alert(1)', ' //evil.example', '/\t/evil.example'])(
    'next=%j lands on /grants',
    async (next) => {
      const watched = await watchedPage(browser)
      const { page, context } = watched
      await page.goto(`${portal.origin}/signin?next=${encodeURIComponent(next)}`)
      await page.getByRole('button', { name: `Sign in as ${USER_NAME}` }).click()
      await page.waitForURL((url) => url.pathname === '/grants')
      expect(new URL(page.url()).origin).toBe(portal.origin)
      await expectQuiet(watched)
      await context.close()
    },
  )
})

describe('nothing secret in browser storage', () => {
  test('after a whole journey, storage and script-visible cookies hold no token and no code', async () => {
    const watched = await watchedPage(browser)
    const { page, context } = watched
    await page.goto(`${portal.origin}/signin?next=${encodeURIComponent(consentPath({ state: 'storage' }))}`)
    await page.getByRole('button', { name: `Sign in as ${USER_NAME}` }).click()
    await page.getByRole('checkbox', { name: /E-A0001/ }).check()
    await page.getByRole('button', { name: 'Authorize' }).click()
    await page.waitForURL((url) => url.pathname === '/sandbox/callback')
    const code = new URL(page.url()).searchParams.get('code') ?? ''
    expect(code).toMatch(/.+/)
    await page.goto(`${portal.origin}/grants`)
    await page.getByRole('main').getByText(APP_NAME).first().waitFor()
    const stored = await page.evaluate(() => {
      const all = (storage: Storage) => Array.from({ length: storage.length }, (_, i) => `${storage.key(i)}=${storage.getItem(storage.key(i) ?? '')}`)
      return [...all(localStorage), ...all(sessionStorage), document.cookie].join('\n')
    })
    expect(stored).not.toContain(ALICE.auth_token)
    expect(stored).not.toContain(code)
    expect(stored).not.toMatch(/ticket|redirect_to|auth_token/)
    await context.close()
  })
})
