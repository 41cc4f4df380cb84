// Checking a receipt end to end (issue 19): a person authorizes an app, downloads the receipt, and
// anyone — signed out — checks it on /verify against the portal's own JWKS: every check passes; the
// same file with one character changed is refused, with the reason. In English and Chinese, on a
// phone and a desktop, with axe finding nothing. The bundled `verify-receipt` says the same offline.
import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { JWKS_PATH } from '../../src/contract/receipts'
import { axeViolations, DESKTOP, describeViolations, launchBrowser, PHONE } from '../support/browser'
import { ALICE } from '../support/fixture-users'
import { sample, webApp } from '../support/fixtures'
import { startPortal, type Portal } from '../support/portal'
import { agreeToGeneticData } from '../support/genetic'

const repoRoot = resolve(import.meta.dirname, '../..')

let portal: Portal
let browser: Browser
let dir: string
/** The receipt JSON as the receipt page downloaded it, and the same with one character changed. */
const files = { good: '', altered: '' }

function world(origin: string) {
  return { users: [{ ...ALICE, biosamples: [sample('E-A0001', 'Lowpass'), sample('E-A0002', 'Full', 2)] }], applications: [webApp(origin)], grants: [] }
}

/**
 * One character of the signed payload changed for another of the same kind: the kind of edit a
 * person might make to a receipt (a date, a letter), which the signature must catch.
 */
function changeOnePayloadCharacter(receipt: string): string {
  const json = JSON.parse(receipt) as { bge: { jws: string } }
  const jws = json.bge.jws
  const at = jws.indexOf('.') + 50
  const original = jws[at] ?? ''
  const replacement = original === 'A' ? 'B' : 'A'
  json.bge.jws = jws.slice(0, at) + replacement + jws.slice(at + 1)
  return `${JSON.stringify(json, null, 2)}\n`
}

beforeAll(async () => {
  ;[portal, browser] = await Promise.all([startPortal({ fixtures: world }), launchBrowser()])
  dir = await mkdtemp(join(tmpdir(), 'bge-verify-'))

  // Alice authorizes the app, opens the receipt of it and downloads its JSON.
  const context = await browser.newContext({ locale: 'en-US', viewport: DESKTOP, acceptDownloads: true })
  await context.addCookies([
    { name: 'bge_auth_token', value: ALICE.auth_token, url: portal.origin, httpOnly: true },
    { name: 'bge_lang', value: 'en', url: portal.origin },
  ])
  const page = await context.newPage()
  const consent = new URLSearchParams({ client_id: 'web-app', redirect_uri: `${portal.origin}/sandbox/callback`, response_type: 'code', scope: 'profile.default sample.default:read', state: 'verify' })
  await page.goto(`${portal.origin}/oauth2/authorize?${consent}`)
  await page.getByRole('checkbox', { name: /E-A0001/ }).check()
  // web-app is registered for variant.rsid: the separate consent for genetic data comes first.
  await agreeToGeneticData(page)
  await page.getByRole('button', { name: 'Authorize' }).click()
  await page.waitForURL((url) => url.pathname === '/sandbox/callback')
  await page.goto(`${portal.origin}/activity`)
  await page.getByRole('list', { name: 'Your decisions' }).getByRole('link').first().click()
  await page.getByRole('heading', { level: 1, name: 'Consent receipt' }).waitFor()
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download JSON' }).click()])
  const receipt = await readFile(await download.path(), 'utf8')
  files.good = join(dir, download.suggestedFilename())
  files.altered = join(dir, 'altered.json')
  await writeFile(files.good, receipt)
  await writeFile(files.altered, changeOnePayloadCharacter(receipt))
  await context.close()
}, 120_000)

afterAll(async () => {
  await browser?.close()
  await portal?.stop()
  if (dir) await rm(dir, { recursive: true, force: true })
})

const TEXTS = {
  en: {
    heading: 'Check a receipt',
    file: 'Receipt file',
    results: 'Result of the check',
    verified: 'Verified: this portal signed this receipt and nothing in it has changed since.',
    refused: 'Not verified: The signature does not match: the receipt was altered or not signed by this portal.',
    facts: 'What the signed receipt says',
  },
  'zh-CN': {
    heading: '核对回执',
    file: '回执文件',
    results: '核对结果',
    verified: '核对通过：这张回执由本门户签名，此后没有任何改动。',
    refused: '核对未通过：签名不匹配：回执被改动过，或不是本门户签发的。',
    facts: '经过签名的回执内容',
  },
} as const

async function expectNoAxeViolations(page: Page, viewport: { width: number }) {
  const violations = await axeViolations(page)
  expect(violations, describeViolations(violations)).toEqual([])
  // Nothing scrolls sideways on a phone.
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(viewport.width)
}

describe('/verify', () => {
  for (const lang of ['en', 'zh-CN'] as const) {
    for (const [sizeName, viewport] of [
      ['phone', PHONE],
      ['desktop', DESKTOP],
    ] as const) {
      test(`signed out, in ${lang} on a ${sizeName}: the downloaded receipt verifies; one changed character is refused with the reason`, async () => {
        const texts = TEXTS[lang]
        // Nobody signed in: a receipt is checked by whoever holds it.
        const context = await browser.newContext({ locale: lang === 'en' ? 'en-US' : 'zh-CN', viewport })
        await context.addCookies([{ name: 'bge_lang', value: lang, url: portal.origin }])
        const page = await context.newPage()
        const errors: string[] = []
        page.on('pageerror', (error) => errors.push(error.message))
        const jwksReads: number[] = []
        const scriptPaths: string[] = []
        page.on('response', (response) => {
          const { pathname } = new URL(response.url())
          if (pathname === JWKS_PATH) jwksReads.push(response.status())
          if (response.request().resourceType() === 'script') scriptPaths.push(pathname)
        })
        await page.goto(`${portal.origin}/verify`)
        await page.getByRole('heading', { level: 1, name: texts.heading }).waitFor()
        await expectNoAxeViolations(page, viewport)

        const results = page.getByRole('region', { name: texts.results })
        await page.getByLabel(texts.file).setInputFiles(files.good)
        await results.getByText(texts.verified).waitFor()
        // Every line of the checklist passed: signature, signed content, words, chain, readable copy.
        const checks = results.getByRole('list', { name: lang === 'en' ? 'Checks' : '核对项目' }).getByRole('listitem')
        expect(await checks.count()).toBe(5)
        expect(await checks.allInnerTexts()).toEqual(expect.arrayContaining([expect.stringMatching(lang === 'en' ? /Signature[\s\S]*Signed by this portal/ : /签名[\s\S]*由本门户用其密钥/)]))
        expect(await results.locator('li .sr-only').allTextContents()).toEqual(Array(5).fill(lang === 'en' ? ': Passed' : ': 通过'))
        // The signed record's facts: the app and the sample chosen.
        const facts = page.getByRole('region', { name: texts.facts })
        expect(await facts.innerText()).toContain('Gene Insight')
        expect(await facts.innerText()).toContain('E-A0001')
        expect(jwksReads).toEqual([200])
        // Chromium has Ed25519: the fallback is never fetched.
        expect(scriptPaths.some((path) => path.includes('/assets/ed25519-'))).toBe(false)
        await expectNoAxeViolations(page, viewport)

        await page.getByLabel(texts.file).setInputFiles(files.altered)
        await results.getByText(texts.refused).waitFor()
        expect(await page.getByRole('region', { name: texts.facts }).count()).toBe(0)
        expect(await results.innerText()).not.toContain('Gene Insight')
        await expectNoAxeViolations(page, viewport)
        expect(errors, errors.join('\n')).toEqual([])
        await context.close()
      })
    }
  }

  test('a file chosen and text pasted before the page’s code has run are taken up once it has', async () => {
    const context = await browser.newContext({ locale: 'en-US', viewport: PHONE })
    // The app's code waits until the person has acted on the painted page.
    let release: () => void = () => undefined
    const released = new Promise<void>((resolve) => (release = resolve))
    await context.route(/\/assets\/.*\.js(\?|$)/, async (route) => {
      await released
      await route.continue()
    })
    const page = await context.newPage()
    const errors: string[] = []
    page.on('pageerror', (error) => errors.push(error.message))
    await page.goto(`${portal.origin}/verify`, { waitUntil: 'commit' })
    // Neither waits for hydration (setInputFiles and focus are not among a person's patched actions).
    await page.getByLabel(TEXTS.en.file).setInputFiles(files.good)
    await page.getByLabel('Or paste the receipt').focus()
    await page.keyboard.insertText(await readFile(files.altered, 'utf8'))
    expect(await page.evaluate(() => document.documentElement.dataset['hydrated'])).toBeUndefined()
    release()
    const results = page.getByRole('region', { name: TEXTS.en.results })
    await results.getByText(TEXTS.en.verified).waitFor()
    // The pasted text is the page's own now: checking it checks the altered receipt.
    await page.getByRole('button', { name: 'Check' }).click()
    await results.getByText(TEXTS.en.refused).waitFor()
    expect(errors).toEqual([])
    await context.close()
  })

  test('a browser without Ed25519 in Web Crypto (older WeChat web-views) loads @noble/ed25519 and verifies just the same', async () => {
    const context = await browser.newContext({ locale: 'en-US', viewport: PHONE })
    // As such a browser answers: Ed25519 is not a recognized algorithm.
    await context.addInitScript(() => {
      const importKey = SubtleCrypto.prototype.importKey
      SubtleCrypto.prototype.importKey = function (this: SubtleCrypto, ...args: Parameters<SubtleCrypto['importKey']>) {
        const algorithm = args[2]
        if ((typeof algorithm === 'string' ? algorithm : algorithm.name) === 'Ed25519') return Promise.reject(new DOMException('Unrecognized name.', 'NotSupportedError'))
        return importKey.apply(this, args)
      } as SubtleCrypto['importKey']
    })
    const page = await context.newPage()
    const scripts: string[] = []
    page.on('request', (request) => {
      if (request.resourceType() === 'script') scripts.push(new URL(request.url()).pathname)
    })
    await page.goto(`${portal.origin}/verify`)
    const results = page.getByRole('region', { name: TEXTS.en.results })
    await page.getByLabel(TEXTS.en.file).setInputFiles(files.good)
    await results.getByText(TEXTS.en.verified).waitFor()
    // The fallback came as its own chunk, only now (a browser with Ed25519 never fetches it).
    expect(scripts.filter((path) => /\/assets\/ed25519-[\w-]+\.js$/.test(path))).toHaveLength(1)
    await page.getByLabel(TEXTS.en.file).setInputFiles(files.altered)
    await results.getByText(TEXTS.en.refused).waitFor()
    await context.close()
  })

  test('npm run verify-receipt, as bundled for production, says the same with the portal’s JWKS URL: exit 0, then 1', async () => {
    const cli = (file: string) =>
      new Promise<{ code: number; stdout: string }>((done) => {
        execFile(process.execPath, [join(repoRoot, 'dist/server/verify-receipt.js'), file, '--jwks', `${portal.origin}${JWKS_PATH}`], (error, stdout) =>
          done({ code: error ? Number(error.code) : 0, stdout }),
        )
      })
    const good = await cli(files.good)
    expect(good.stdout).toContain(TEXTS.en.verified)
    expect(good.code).toBe(0)
    const altered = await cli(files.altered)
    expect(altered.stdout).toContain(TEXTS.en.refused)
    expect(altered.code).toBe(1)
  })
})
