// Issue 19 items 2 and 5 in Chromium: a second consent for an app registered since with one more
// scope lists exactly what changed; a revoke is confirmed by BGE's grants read back, which the
// grants page and the revoke's receipt say.
//
// "Registered since with one more scope": the sandbox takes its world only at start, so the portal
// is started again on the same port (cookies and callback addresses stay valid) and the same
// portal store file (the first consents' records stay), with the app's scopes changed.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { axeViolations, describeViolations, DESKTOP, launchBrowser, PHONE } from '../support/browser'
import { sample, webApp } from '../support/fixtures'
import { freePort, startPortal, type Portal } from '../support/portal'

type Lang = 'en' | 'zh-CN'
type Viewport = { width: number; height: number }

/** One person per journey, so each first consent is theirs alone. */
const PEOPLE = [
  { id: 'u-en-phone', name: 'Ada Phone', auth_token: 'tok-changes-en-phone-5d1c', lang: 'en', viewport: PHONE },
  { id: 'u-en-desk', name: 'Ada Desk', auth_token: 'tok-changes-en-desk-8a2f', lang: 'en', viewport: DESKTOP },
  { id: 'u-zh-phone', name: '陈手机', auth_token: 'tok-changes-zh-phone-3b7e', lang: 'zh-CN', viewport: PHONE },
  { id: 'u-zh-desk', name: '陈桌面', auth_token: 'tok-changes-zh-desk-9c4a', lang: 'zh-CN', viewport: DESKTOP },
] as const satisfies readonly { id: string; name: string; auth_token: string; lang: Lang; viewport: Viewport }[]
type Person = (typeof PEOPLE)[number]

const FIRST_SCOPES = ['profile.default', 'sample.default:read']
/** The one scope the app is registered for by the second consent. */
const ADDED = 'survey.default'

/**
 * The sandbox's world; `granted`: with each person's grant of the first consent (a restarted
 * sandbox keeps none), so each journey below stands on its own.
 */
function world(origin: string, scopes: string[], granted = false) {
  return {
    users: PEOPLE.map(({ id, name, auth_token }) => ({ id, name, auth_token, biosamples: [sample(`E-${id}-1`), sample(`E-${id}-2`, 'Full')] })),
    applications: [webApp(origin, { scopes })],
    grants: granted ? PEOPLE.map(({ id }) => ({ user_id: id, client_id: 'web-app', grant_time: '2024-05-02 08:30:00', biosample_ids: [{ biosample_id: `E-${id}-1`, type: 'Lowpass' }] })) : [],
  }
}

let dir: string
let port: number
let portal: Portal
let browser: Browser

function start(scopes: string[], granted = false): Promise<Portal> {
  return startPortal({ port, fixtures: (origin) => world(origin, scopes, granted), env: { PORTAL_DB: join(dir, 'portal.sqlite') } })
}

async function pageOf(person: Person, options: { javaScriptEnabled?: boolean } = {}) {
  const context = await browser.newContext({ locale: person.lang === 'en' ? 'en-US' : 'zh-CN', viewport: person.viewport, ...options })
  await context.addCookies([
    { name: 'bge_auth_token', value: person.auth_token, url: portal.origin, httpOnly: true },
    { name: 'bge_lang', value: person.lang, url: portal.origin },
  ])
  // A step that cannot happen fails with its own name well within the test's time.
  context.setDefaultTimeout(15_000)
  const page = await context.newPage()
  const errors: string[] = []
  page.on('pageerror', (error) => errors.push(error.message))
  return { context, page, errors }
}

function consentUrl(state: string): string {
  // No `scope`: the app asks for every scope it is registered for.
  return `${portal.origin}/oauth2/authorize?${new URLSearchParams({ client_id: 'web-app', redirect_uri: `${portal.origin}/sandbox/callback`, response_type: 'code', state })}`
}

const TEXT = {
  en: { authorize: 'Authorize', scopes: 'It will be able to', region: 'What changed since you last agreed', added: 'Now also asks for 1 permission', addedScope: 'Phenotype information', samplesThen: 'The 1 sample you shared then', since: /^Since you last agreed on .+:$/, nothing: /^Nothing changed since you last agreed on / },
  'zh-CN': { authorize: '授权', scopes: '授权后，它将可以', region: '自上次同意以来的变化', added: '新增 1 项权限', addedScope: '表型信息', samplesThen: '当时共享的 1 个样品', since: /^自你于 .+ 上次同意以来：$/, nothing: /^自你于 .+ 上次同意以来没有变化/ },
} as const

/** Consents through the page with the person's first sample, and waits for the app's callback. */
async function consent(page: Page, person: Person, state: string) {
  await page.goto(consentUrl(state))
  await page.getByRole('checkbox', { name: new RegExp(`E-${person.id}-1`) }).check()
  await page.getByRole('button', { name: TEXT[person.lang].authorize, exact: true }).click()
  await page.waitForURL((url) => url.pathname === '/sandbox/callback')
  expect(new URL(page.url()).searchParams.get('code')).toMatch(/.+/)
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'bge-changes-'))
  port = await freePort()
  ;[portal, browser] = await Promise.all([start(FIRST_SCOPES), launchBrowser()])
  // The first consents, while the app has two scopes.
  for (const person of PEOPLE) {
    const { context, page } = await pageOf(person)
    await consent(page, person, 'first')
    await context.close()
  }
  await portal.stop()
  portal = await start([...FIRST_SCOPES, ADDED], true)
}, 180_000)

afterAll(async () => {
  await browser?.close()
  await portal?.stop()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

describe('a second consent, the app now registered with one more scope', () => {
  test.each(PEOPLE.map((person) => [person.lang, person.viewport === PHONE ? 'phone' : 'desktop', person] as const))(
    'lists exactly what changed (%s, %s), axe finds nothing; once agreed again, nothing changed',
    async (lang, _size, person) => {
      const { context, page, errors } = await pageOf(person)
      await page.goto(consentUrl('second'))
      const region = page.getByRole('region', { name: TEXT[lang].region })
      await region.waitFor()
      expect(await page.getAttribute('html', 'lang')).toBe(lang)
      expect(await region.getByText(TEXT[lang].since).count()).toBe(1)
      // Exactly one scope added, nothing removed or reworded: the added list and the samples then, no other list.
      expect(await region.getByRole('list').count()).toBe(2)
      const added = region.getByRole('list', { name: TEXT[lang].added })
      expect(await added.getByRole('listitem').count()).toBe(1)
      expect(await added.innerText()).toContain(TEXT[lang].addedScope)
      expect(await region.getByRole('list', { name: TEXT[lang].samplesThen }).innerText()).toContain(`E-${person.id}-1`)
      // Above the scopes, where it is read first.
      const headings = await page.getByRole('heading', { level: 2 }).allInnerTexts()
      expect(headings.indexOf(TEXT[lang].region)).toBeGreaterThanOrEqual(0)
      expect(headings.indexOf(TEXT[lang].region)).toBeLessThan(headings.indexOf(TEXT[lang].scopes))
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(person.viewport.width)
      const violations = await axeViolations(page)
      expect(violations, describeViolations(violations)).toEqual([])

      await consent(page, person, 'second')
      await page.goto(consentUrl('third'))
      await region.waitFor()
      expect(await region.getByText(TEXT[lang].nothing).count()).toBe(1)
      const unchanged = await axeViolations(page)
      expect(unchanged, describeViolations(unchanged)).toEqual([])
      expect(errors).toEqual([])
      await context.close()
    },
  )
})

describe('a withdrawal is confirmed', () => {
  /** The revoke's receipt: its link on the grants page, then its "Confirmed by BGE" line and the authorization it ends. */
  async function checkReceipt(page: Page, lang: Lang) {
    await page.getByRole('link', { name: lang === 'en' ? 'View the receipt of this revoke' : '查看这次撤销的回执' }).click()
    await page.waitForURL((url) => url.pathname.startsWith('/activity/'))
    const confirmed = page.locator('dt', { hasText: lang === 'en' ? 'Confirmed by BGE' : 'BGE 的确认' }).locator('xpath=following-sibling::dd[1]')
    expect(await confirmed.innerText()).toContain(lang === 'en' ? 'no longer included this app' : '已不再有此应用')
    const ends = page.getByRole('link', { name: lang === 'en' ? 'The authorization this revoke ends' : '这次撤销所结束的授权' })
    expect(await ends.getAttribute('href')).toMatch(/^\/activity\/.+/)
    const violations = await axeViolations(page)
    expect(violations, describeViolations(violations)).toEqual([])
  }

  test('with script (en, desktop): the grants page says BGE confirmed it, and so does the revoke’s receipt', async () => {
    const person = PEOPLE[1]
    const { context, page, errors } = await pageOf(person)
    await page.goto(`${portal.origin}/grants`)
    await page.getByRole('button', { name: 'Revoke Gene Insight' }).click()
    await page.getByRole('dialog').getByRole('button', { name: 'Revoke', exact: true }).click()
    await expect
      .poll(() => page.getByRole('status').filter({ hasText: 'Gene Insight' }).innerText(), { timeout: 15_000 })
      .toBe('Gene Insight can no longer access your data. BGE confirmed that Gene Insight no longer has access.')
    const violations = await axeViolations(page)
    expect(violations, describeViolations(violations)).toEqual([])
    await checkReceipt(page, 'en')
    expect(errors).toEqual([])
    await context.close()
  })

  test('without script (zh-CN, phone): the form’s answer says BGE confirmed it, and so does the receipt', async () => {
    const person = PEOPLE[2]
    const { context, page } = await pageOf(person, { javaScriptEnabled: false })
    await page.goto(`${portal.origin}/grants/web-app/revoke`)
    await page.getByRole('button', { name: '撤销授权：Gene Insight' }).click()
    await page.waitForURL((url) => url.pathname === '/grants' && url.searchParams.get('outcome') === 'revoked')
    const answer = page.url()
    expect(await page.getByRole('main').innerText()).toContain('BGE 已确认“Gene Insight”不再拥有访问权限。')
    await context.close()

    // The same answer with script (axe runs as a script): it reads the confirmation from the records too.
    const scripted = await pageOf(person)
    await scripted.page.goto(answer)
    await scripted.page.getByText('BGE 已确认“Gene Insight”不再拥有访问权限。', { exact: true }).waitFor()
    expect(await scripted.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width)
    const violations = await axeViolations(scripted.page)
    expect(violations, describeViolations(violations)).toEqual([])
    await checkReceipt(scripted.page, 'zh-CN')
    expect(scripted.errors).toEqual([])
    await scripted.context.close()
  })
})
