// A person with many samples (issue 17): the consent page starts with the first rows of the list and
// every chosen sample after them, and "Show all" brings the rest, with JavaScript (in place) and
// without (the form posts, and the page comes back with every row and the boxes as they were).
// What is decided is what is chosen, shown or not.
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { axeViolations, describeViolations, DESKTOP, launchBrowser, PHONE, untilHydrated } from '../support/browser'
import { ALICE } from '../support/fixture-users'
import { manySamples, webApp } from '../support/fixtures'
import { agreeToGeneticData } from '../support/genetic'
import { startPortal, type Portal } from '../support/portal'

const SCOPE = 'profile.default sample.default:read variant.rsid'
const COUNT = 1000

type Lang = 'en' | 'zh-CN'

/** What the page says, in each language. */
const WORDS = {
  en: {
    showing: (shown: number) => `Showing ${shown} of 1,000 samples`,
    showAll: 'Show all 1,000 samples',
    shownAll: 'Showing all 1,000 samples',
    selected: (count: string) => `${count} of 1,000 selected`,
    selectAll: 'Select all',
    authorize: 'Authorize',
  },
  'zh-CN': {
    showing: (shown: number) => `已显示 ${shown} 个样品，共 1,000 个`,
    showAll: '显示全部 1,000 个样品',
    shownAll: '已显示全部 1,000 个样品',
    selected: (count: string) => `已选 ${count} 个，共 1,000 个`,
    selectAll: '全选',
    authorize: '授权',
  },
} as const

let portal: Portal
let browser: Browser

/** Alice with 1,000 samples; one app per journey, so no journey's grant pre-selects another's samples. */
function world(origin: string) {
  const apps = ['no-js-en', 'no-js-zh-CN', 'axe-no-js', 'returning', 'js-zh-CN', 'hydrating', 'filtering', 'filtering-no-js']
  return {
    users: [{ ...ALICE, biosamples: manySamples(COUNT) }],
    applications: apps.map((client_id) => webApp(origin, { client_id })),
    // An earlier grant of a sample far down the list: it must be on the page from the start.
    grants: [{ user_id: ALICE.id, client_id: 'returning', grant_time: '2024-05-02 08:30:00', biosample_ids: [{ biosample_id: 'E-M0500', type: 'Full' }] }],
  }
}

beforeAll(async () => {
  ;[portal, browser] = await Promise.all([startPortal({ fixtures: world }), launchBrowser()])
})

afterAll(async () => {
  await browser?.close()
  await portal?.stop()
})

function consentUrl(clientId: string): string {
  const query = new URLSearchParams({
    client_id: clientId,
    redirect_uri: `${portal.origin}/sandbox/callback?source=portal`,
    response_type: 'code',
    scope: SCOPE,
    state: `many ${clientId}`,
  })
  return `${portal.origin}/oauth2/authorize?${query}`
}

/**
 * Signed in as Alice. `script: 'off'`: JavaScript off. `script: 'held'`: JavaScript on but the
 * portal's own held back (aborted) until `release`, so the page is what shows before it hydrates
 * (and axe, which Chromium cannot run with script off, can read it).
 */
async function alicePage(options: { lang: Lang; viewport?: { width: number; height: number }; script?: 'on' | 'off' | 'held' }) {
  const script = options.script ?? 'on'
  const context = await browser.newContext({ javaScriptEnabled: script !== 'off', locale: options.lang === 'en' ? 'en-US' : 'zh-CN', viewport: options.viewport ?? DESKTOP })
  const hold = /\/assets\/.*\.js(\?|$)/
  if (script === 'held') await context.route(hold, (route) => route.abort())
  await context.addCookies([
    { name: 'bge_auth_token', value: ALICE.auth_token, url: portal.origin, httpOnly: true },
    { name: 'bge_lang', value: options.lang, url: portal.origin },
  ])
  const page = await context.newPage()
  const errors: string[] = []
  page.on('pageerror', (error) => errors.push(error.message))
  // A hydration mismatch is a console error (src/main.tsx).
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`${message.text()} (${message.location().url})`)
  })
  return { context, page, errors, release: () => context.unroute(hold) }
}

/** The ids of the sample rows on the page, and which of them are ticked. */
async function rows(page: Page): Promise<{ ids: string[]; ticked: string[] }> {
  return page.evaluate(() => {
    const boxes = [...document.querySelectorAll<HTMLInputElement>('input[name="biosample"]')]
    return { ids: boxes.map((box) => box.dataset['id'] ?? ''), ticked: boxes.filter((box) => box.checked).map((box) => box.dataset['id'] ?? '') }
  })
}

function firstIds(count: number): string[] {
  return manySamples(count).map((sample) => sample.biosample_id)
}

/**
 * Presses Show all from the keyboard: a pointer aimed at a button below 31 rows can land elsewhere
 * while the rows scrolled into view take their real height (content-visibility), which a busy
 * machine shows.
 */
async function pressShowAll(page: Page, name: string): Promise<void> {
  await page.getByRole('button', { name }).focus()
  await page.keyboard.press('Enter')
}

/** Presses a control the way a page without its script has it: natively, without waiting for hydration. */
async function pressNatively(page: Page, selector: string): Promise<void> {
  await page.evaluate((target) => document.querySelector<HTMLElement>(target)?.click(), selector)
}

async function axeClean(page: Page): Promise<void> {
  const violations = await axeViolations(page)
  expect(violations, describeViolations(violations)).toEqual([])
}

interface RecordSeen {
  decision: string
  client_id: string
  biosamples: { biosample_id: string }[]
}

async function latestRecord(context: BrowserContext, clientId: string): Promise<RecordSeen | undefined> {
  const response = await context.request.get(`${portal.origin}/api/records?client_id=${clientId}`)
  expect(response.status()).toBe(200)
  return ((await response.json()) as { records: RecordSeen[] }).records[0]
}

async function grantedIds(context: BrowserContext, clientId: string): Promise<string[]> {
  const response = await context.request.get(`${portal.origin}/api/oauth2/grants?client_id=${clientId}`)
  const grants = ((await response.json()) as { grants: { client_id: string; biosample_ids: { biosample_id: string }[] }[] }).grants
  return (grants.find((grant) => grant.client_id === clientId)?.biosample_ids ?? []).map((ref) => ref.biosample_id)
}

describe('without JavaScript', () => {
  test.each(['en', 'zh-CN'] as const)('(%s) a tick, Show all: every row, the tick kept, nothing decided; Authorize: the record holds the samples chosen', async (lang) => {
    const words = WORDS[lang]
    const clientId = `no-js-${lang}`
    const { context, page } = await alicePage({ lang, script: 'off' })
    await page.goto(consentUrl(clientId))
    expect((await rows(page)).ids).toEqual(firstIds(30))
    await page.getByText(words.showing(30), { exact: true }).waitFor()
    await page.getByRole('checkbox', { name: /E-M0002/ }).check()

    const [answer] = await Promise.all([
      page.waitForResponse((response) => response.request().method() === 'POST'),
      pressShowAll(page, words.showAll),
    ])
    expect(answer.status()).toBe(200)
    await page.getByText(words.shownAll, { exact: true }).waitFor()
    const shown = await rows(page)
    expect(shown.ids).toEqual(firstIds(COUNT))
    expect(shown.ticked).toEqual(['E-M0002'])
    expect(await page.getByRole('button', { name: words.showAll }).count()).toBe(0)
    expect(await page.getByRole('alert').count()).toBe(0)
    // Showing all decided nothing.
    expect(await latestRecord(context, clientId)).toBeUndefined()

    await page.getByRole('checkbox', { name: /E-M0999/ }).check()
    await agreeToGeneticData(page)
    await page.getByRole('button', { name: words.authorize }).click()
    await page.waitForURL((url) => url.pathname === '/sandbox/callback')
    expect(new URL(page.url()).searchParams.get('code')).toMatch(/.+/)
    const record = await latestRecord(context, clientId)
    expect([record?.decision, record?.biosamples.map((sample) => sample.biosample_id)]).toEqual(['authorize', ['E-M0002', 'E-M0999']])
    await context.close()
  })

  test.each([
    ['en', PHONE],
    ['zh-CN', DESKTOP],
  ] as const)('(%s) axe finds nothing on the first rows, nor with every row shown', async (lang, viewport) => {
    const { context, page } = await alicePage({ lang, viewport, script: 'held' })
    await page.goto(consentUrl('axe-no-js'))
    await page.getByText(WORDS[lang].showing(30), { exact: true }).waitFor()
    await axeClean(page)
    await Promise.all([page.waitForResponse((response) => response.request().method() === 'POST'), pressNatively(page, 'button[name="samples_shown"]')])
    await page.getByText(WORDS[lang].shownAll, { exact: true }).waitFor()
    expect((await rows(page)).ids).toHaveLength(COUNT)
    await axeClean(page)
    await context.close()
  })
})

describe('with JavaScript', () => {
  test('(en, phone) the granted sample far down is shown ticked, Authorize is on the first screen; Show all brings the rest and the focus to the first new row; Select all selects 1,000; axe finds nothing', async () => {
    const words = WORDS.en
    const { context, page, errors } = await alicePage({ lang: 'en', viewport: PHONE })
    await page.goto(consentUrl('returning'))
    await untilHydrated(page)
    const first = await rows(page)
    expect(first.ids).toEqual([...firstIds(30), 'E-M0500'])
    expect(first.ticked).toEqual(['E-M0500'])
    await page.getByText(words.showing(31), { exact: true }).waitFor()
    // The sticky Deny / Authorize bar is on the phone's first screen, as with a short list.
    const authorize = await page.getByRole('button', { name: words.authorize }).boundingBox()
    expect(authorize && authorize.y + authorize.height).toBeLessThanOrEqual(PHONE.height)
    await axeClean(page)

    await pressShowAll(page, words.showAll)
    await page.getByText(words.shownAll, { exact: true }).waitFor()
    const all = await rows(page)
    expect(all.ids).toEqual(firstIds(COUNT))
    expect(all.ticked).toEqual(['E-M0500'])
    expect(await page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.dataset['id'])).toBe('E-M0031')
    expect(await page.getByRole('button', { name: words.showAll }).count()).toBe(0)

    await page.getByRole('checkbox', { name: words.selectAll }).check()
    await page.getByText(words.selected('1,000'), { exact: true }).waitFor()
    expect((await rows(page)).ticked).toHaveLength(COUNT)
    await axeClean(page)
    expect(errors).toEqual([])
    await context.close()
  })

  test('(zh-CN, desktop) Select all on the first rows, then Authorize: the grant holds every sample, the ones not shown too', async () => {
    const words = WORDS['zh-CN']
    const { context, page, errors } = await alicePage({ lang: 'zh-CN' })
    await page.goto(consentUrl('js-zh-CN'))
    await page.getByRole('checkbox', { name: words.selectAll }).check()
    await page.getByText(words.selected('1,000'), { exact: true }).waitFor()
    expect((await rows(page)).ids).toHaveLength(30)
    await agreeToGeneticData(page)
    await page.getByRole('button', { name: words.authorize }).click()
    await page.waitForURL((url) => url.pathname === '/sandbox/callback')
    expect(await grantedIds(context, 'js-zh-CN')).toEqual(firstIds(COUNT))
    expect(errors).toEqual([])
    await context.close()
  })

  test('Enter in the filter box filters and presses nothing: neither Show all nor Deny', async () => {
    const { context, page, errors } = await alicePage({ lang: 'en', viewport: PHONE })
    await page.goto(consentUrl('filtering'))
    const filter = page.getByRole('searchbox', { name: 'Filter samples' })
    await filter.press('Enter')
    await filter.fill('M0777')
    await filter.press('Enter')
    await expect.poll(async () => (await rows(page)).ids).toEqual(['E-M0777'])
    await filter.fill('')
    await filter.press('Enter')
    await expect.poll(async () => (await rows(page)).ids).toEqual(firstIds(30))
    expect(new URL(page.url()).pathname).toBe('/oauth2/authorize')
    expect(await latestRecord(context, 'filtering')).toBeUndefined()
    expect(errors).toEqual([])
    await context.close()
  })

  test('without JavaScript too, Enter in the filter box submits nothing: the next post is the Show all pressed after it', async () => {
    const { context, page } = await alicePage({ lang: 'en', script: 'off' })
    await page.goto(consentUrl('filtering-no-js'))
    const posts: string[] = []
    page.on('request', (request) => {
      if (request.method() === 'POST') posts.push(request.postData() ?? '')
    })
    const filter = page.getByRole('searchbox', { name: 'Filter samples' })
    await filter.fill('M0777')
    await filter.press('Enter')
    await Promise.all([page.waitForResponse((response) => response.request().method() === 'POST'), pressShowAll(page, 'Show all 1,000 samples')])
    expect(posts).toHaveLength(1)
    expect(new URLSearchParams(posts[0]).get('samples_shown')).toBe('all')
    expect(new URLSearchParams(posts[0]).get('decision')).toBeNull()
    expect(await latestRecord(context, 'filtering-no-js')).toBeUndefined()
    await context.close()
  })

  test('Show all pressed before the script ran: the page comes back with every row, hydrates as the server rendered it, and works', async () => {
    const words = WORDS.en
    const { context, page, errors, release } = await alicePage({ lang: 'en', script: 'held' })
    await page.goto(consentUrl('hydrating'))
    await page.getByText(words.showing(30), { exact: true }).waitFor()
    await pressNatively(page, 'input[data-id="E-M0003"]')
    await release()
    await Promise.all([page.waitForResponse((response) => response.request().method() === 'POST'), pressNatively(page, 'button[name="samples_shown"]')])
    await untilHydrated(page)
    const all = await rows(page)
    expect(all.ids).toEqual(firstIds(COUNT))
    expect(all.ticked).toEqual(['E-M0003'])
    await page.getByText(words.selected('1'), { exact: true }).waitFor()
    await page.getByRole('checkbox', { name: /E-M0700/ }).check()
    await page.getByText(words.selected('2'), { exact: true }).waitFor()
    // Aborted scripts of the held page are console errors of that page, not of this one.
    expect(errors.filter((error) => !/Failed to load resource/.test(error))).toEqual([])
    await context.close()
  })
})
