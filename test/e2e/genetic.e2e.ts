// The separate consent for genetic data in Chromium (issue 19 item 1; PIPL Art. 29, HGR Regulations
// Art. 12): in both languages, on a phone and a desktop, with JavaScript and without, the genetic
// step blocks Authorize until it is ticked, says why, and is recorded with its exact words.
import type { Browser, BrowserContext, Page, Request } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { axeViolations, describeViolations, DESKTOP, launchBrowser, PHONE } from '../support/browser'
import { sample, webApp } from '../support/fixtures'
import { GENETIC_AGREE } from '../support/genetic'
import { startPortal, type Portal } from '../support/portal'

type Lang = 'en' | 'zh-CN'

/** One person per journey, so no journey's grant pre-selects another's samples. */
const PEOPLE = ['js-en-phone', 'js-en-desktop', 'js-zh-phone', 'js-zh-desktop', 'nojs-en', 'nojs-zh', 'nojs-blocked', 'axe-en', 'axe-zh'].map((key) => ({
  id: `u-${key}`,
  name: `Person ${key}`,
  auth_token: `tok-${key}-0123456789abcdef`,
  biosamples: [sample(`E-${key}-1`, 'Lowpass'), sample(`E-${key}-2`, 'Full', 2)],
}))
type Person = (typeof PEOPLE)[number]

const TEXT = {
  en: {
    authorize: 'Authorize',
    label: 'I agree that Gene Insight may read my genetic data',
    reason: 'Tick “I agree” for your genetic data to authorize.',
    refused: /The law asks for your separate agreement before an app reads genetic data/,
  },
  'zh-CN': {
    authorize: '授权',
    label: '我同意 Gene Insight 读取我的基因数据',
    reason: '请勾选基因数据的“我同意”后再授权。',
    refused: /应用读取基因数据前，法律要求你单独同意/,
  },
} as const

let portal: Portal
let browser: Browser

beforeAll(async () => {
  ;[portal, browser] = await Promise.all([
    startPortal({ fixtures: (origin) => ({ users: PEOPLE, applications: [webApp(origin)], grants: [] }) }),
    launchBrowser(),
  ])
})

afterAll(async () => {
  await browser?.close()
  await portal?.stop()
})

function consentUrl(): string {
  const query = new URLSearchParams({
    client_id: 'web-app',
    redirect_uri: `${portal.origin}/sandbox/callback`,
    response_type: 'code',
    scope: 'profile.default sample.default:read variant.rsid',
    state: 'genetic',
  })
  return `${portal.origin}/oauth2/authorize?${query}`
}

/**
 * Signed in as `person`, the page in `lang`. `script`: `on`, `off` (Chromium's own switch), or
 * `portal-off` (script on for axe, but the portal's own never loads: the page a browser without it shows).
 */
async function contextFor(person: Person, lang: Lang, viewport: { width: number; height: number }, script: 'on' | 'off' | 'portal-off'): Promise<BrowserContext> {
  const context = await browser.newContext({ javaScriptEnabled: script !== 'off', locale: lang === 'en' ? 'en-US' : 'zh-CN', viewport })
  if (script === 'portal-off') await context.route(/\.js(\?|$)/, (route) => route.abort())
  await context.addCookies([
    { name: 'bge_auth_token', value: person.auth_token, url: portal.origin, httpOnly: true },
    { name: 'bge_lang', value: lang, url: portal.origin },
  ])
  return context
}

/**
 * The consent page as a browser that does not check `required` would post it (older ones, or a
 * person's tools): the step's `required` taken out of the HTML, so the server's own check answers.
 */
async function withoutBrowserValidation(context: BrowserContext): Promise<void> {
  await context.route(
    (url) => url.pathname === '/oauth2/authorize',
    async (route) => {
      // Only the page: the form's post goes out as Chromium sends it (its Origin and Sec-Fetch-Site
      // are what the page-form check reads), and the page it answers with comes back as served.
      if (route.request().method() !== 'GET') return route.continue()
      const response = await route.fetch()
      const html = (await response.text()).replace(/<input[^>]*name="separate_consent"[^>]*>/, (tag) => tag.replace(' required=""', ''))
      // The body is decoded here: its length and encoding headers no longer apply.
      const headers = Object.fromEntries(Object.entries(response.headers()).filter(([name]) => name !== 'content-encoding' && name !== 'content-length'))
      await route.fulfill({ status: response.status(), headers, body: html })
    },
  )
}

interface RecordSeen {
  decision: string
  outcome: string
  language: string
  separate_consent: { given: boolean; words: string[] } | null
}

async function latestRecord(context: BrowserContext): Promise<RecordSeen | undefined> {
  const response = await context.request.get(`${portal.origin}/api/records`)
  expect(response.status()).toBe(200)
  const { records } = (await response.json()) as { records: RecordSeen[] }
  return records.find((record) => record.decision === 'authorize')
}

function decisionPosts(page: Page): Request[] {
  const posts: Request[] = []
  page.on('request', (request) => {
    if (request.method() === 'POST') posts.push(request)
  })
  return posts
}

async function focusedIsClearOfActionBar(page: Page): Promise<boolean> {
  return page.evaluate(() => {
    const bar = document.querySelector('[data-sticky-action-bar]')
    const focused = document.activeElement
    if (!bar || !focused) return false
    return focused.getBoundingClientRect().bottom <= bar.getBoundingClientRect().top
  })
}

async function expectGranted(page: Page, context: BrowserContext, lang: Lang): Promise<void> {
  await page.waitForURL((url) => url.pathname === '/sandbox/callback')
  expect(new URL(page.url()).searchParams.get('code')).toMatch(/.+/)
  const record = await latestRecord(context)
  expect([record?.outcome, record?.language]).toEqual(['granted', lang])
  expect(record?.separate_consent?.given).toBe(true)
  // The checkbox's label, then the five items, exactly as the page showed them.
  expect(record?.separate_consent?.words[0]).toBe(TEXT[lang].label)
  expect(record?.separate_consent?.words).toHaveLength(6)
}

describe('with JavaScript', () => {
  for (const [lang, size, viewport, key] of [
    ['en', 'phone', PHONE, 'js-en-phone'],
    ['en', 'desktop', DESKTOP, 'js-en-desktop'],
    ['zh-CN', 'phone', PHONE, 'js-zh-phone'],
    ['zh-CN', 'desktop', DESKTOP, 'js-zh-desktop'],
  ] as const) {
    test(`${lang} on a ${size}: Authorize unticked says why beside the button and sends nothing; ticked, granted and recorded; axe finds nothing`, async () => {
      const person = PEOPLE.find((p) => p.id === `u-${key}`) as Person
      const context = await contextFor(person, lang, viewport, 'on')
      const page = await context.newPage()
      const errors: string[] = []
      page.on('pageerror', (error) => errors.push(error.message))
      const posts = decisionPosts(page)
      await page.goto(consentUrl())
      const box = page.getByRole('checkbox', { name: TEXT[lang].label })
      await box.waitFor()
      expect(await box.isChecked()).toBe(false)
      await page.getByRole('checkbox', { name: new RegExp(`E-${key}-1`) }).check()

      await page.getByRole('button', { name: TEXT[lang].authorize }).click()
      await page.getByRole('alert').filter({ hasText: TEXT[lang].reason }).waitFor()
      expect(await box.evaluate((element) => element === document.activeElement)).toBe(true)
      // On a phone the box it focused is not under the sticky action bar.
      expect(await focusedIsClearOfActionBar(page)).toBe(true)
      expect(posts).toEqual([])
      const violations = await axeViolations(page)
      expect(violations, describeViolations(violations)).toEqual([])

      await box.check()
      await page.getByRole('button', { name: TEXT[lang].authorize }).click()
      await expectGranted(page, context, lang)
      expect(errors).toEqual([])

      // Consent again for the same app in a new tab (re-consent): the granted samples come back
      // chosen, the step never ticked.
      const again = await context.newPage()
      await again.goto(consentUrl())
      await again.getByRole('checkbox', { name: new RegExp(`E-${key}-1`) }).waitFor()
      expect(await again.getByRole('checkbox', { name: new RegExp(`E-${key}-1`) }).isChecked()).toBe(true)
      expect(await again.getByRole('checkbox', { name: GENETIC_AGREE }).isChecked()).toBe(false)
      await context.close()
    })
  }
})

describe('without JavaScript', () => {
  test('the browser itself will not send Authorize with the step unticked (it is required)', async () => {
    const person = PEOPLE.find((p) => p.id === 'u-nojs-blocked') as Person
    const context = await contextFor(person, 'en', PHONE, 'off')
    const page = await context.newPage()
    const posts = decisionPosts(page)
    await page.goto(consentUrl())
    await page.getByRole('checkbox', { name: /E-nojs-blocked-1/ }).check()
    expect(await page.locator('input[name="separate_consent"]:invalid').count()).toBe(1)
    await page.getByRole('button', { name: 'Authorize' }).click()
    // Nothing to wait for but time: a blocked submit makes no event a test could see.
    await page.waitForTimeout(500)
    expect(posts).toEqual([])
    expect(new URL(page.url()).pathname).toBe('/oauth2/authorize')
    await context.close()
  })

  for (const [lang, key] of [
    ['en', 'nojs-en'],
    ['zh-CN', 'nojs-zh'],
  ] as const) {
    test(`${lang}: posted unticked, the server refuses and the page says why; ticked, granted and recorded`, async () => {
      const person = PEOPLE.find((p) => p.id === `u-${key}`) as Person
      const context = await contextFor(person, lang, DESKTOP, 'off')
      await withoutBrowserValidation(context)
      const page = await context.newPage()
      await page.goto(consentUrl())
      await page.getByRole('checkbox', { name: new RegExp(`E-${key}-1`) }).check()
      const [answer] = await Promise.all([
        page.waitForResponse((response) => response.request().method() === 'POST'),
        page.getByRole('button', { name: TEXT[lang].authorize }).click(),
      ])
      expect(answer.status()).toBe(400)
      await page.waitForLoadState()
      await expect.poll(() => page.getByRole('alert').filter({ hasText: TEXT[lang].refused }).count()).toBe(1)
      expect(await latestRecord(context)).toBeUndefined()

      // The page again, its step unticked: the person ticks it and authorizes.
      const box = page.getByRole('checkbox', { name: TEXT[lang].label })
      expect(await box.isChecked()).toBe(false)
      await page.getByRole('checkbox', { name: new RegExp(`E-${key}-1`) }).check()
      await box.check()
      await page.getByRole('button', { name: TEXT[lang].authorize }).click()
      await expectGranted(page, context, lang)
      await context.close()
    })
  }

  for (const [lang, viewport, key] of [
    ['en', PHONE, 'axe-en'],
    ['zh-CN', DESKTOP, 'axe-zh'],
  ] as const) {
    test(`${lang}: the refused page, axe finds nothing`, async () => {
      const person = PEOPLE.find((p) => p.id === `u-${key}`) as Person
      const context = await contextFor(person, lang, viewport, 'portal-off')
      await withoutBrowserValidation(context)
      const page = await context.newPage()
      await page.goto(consentUrl())
      // Script is on but the portal's never runs, so the page never hydrates: the journeys' actions
      // would wait for it (test/support/browser.ts). Plain DOM clicks tick and submit, as a person's would.
      await page.getByRole('checkbox', { name: new RegExp(`E-${key}-1`) }).dispatchEvent('click')
      await Promise.all([
        page.waitForResponse((response) => response.request().method() === 'POST'),
        page.getByRole('button', { name: TEXT[lang].authorize }).dispatchEvent('click'),
      ])
      await page.getByRole('alert').filter({ hasText: TEXT[lang].refused }).waitFor()
      const violations = await axeViolations(page)
      expect(violations, describeViolations(violations)).toEqual([])
      await context.close()
    })
  }
})
