// `npx tsx test/bench/screenshots.ts [dir]`: the consent page of the person with 1,000 samples, at 360 px
// and on a desktop, in English and Chinese, as screenshots in `dir` (screenshots/ by default, not
// committed), for a person to look at: as it opens (the first rows) and with every row shown.
// Runs against the built portal (`npm run build` first).
import { mkdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { DESKTOP, launchBrowser, PHONE } from '../support/browser'
import { startPortal } from '../support/portal'
import { benchFixtures, userIdWith } from './worlds'

const repoRoot = resolve(import.meta.dirname, '../..')
const outDir = resolve(process.argv[2] ?? join(repoRoot, 'screenshots'))

const portal = await startPortal({ fixtures: benchFixtures })
const browser = await launchBrowser()
try {
  mkdirSync(outDir, { recursive: true })
  const signIn = await fetch(`${portal.origin}/api/session`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Requested-With': 'fetch', Origin: portal.origin },
    body: JSON.stringify({ user_id: userIdWith(1000) }),
  })
  const [name = '', value = ''] = signIn.headers.get('set-cookie')?.split(';')[0]?.split('=') ?? []
  const url = new URL('/oauth2/authorize', portal.origin)
  url.search = new URLSearchParams({
    client_id: 'demo-app',
    redirect_uri: `${portal.origin}/sandbox/callback`,
    response_type: 'code',
    scope: 'profile.default sample.default:read variant.rsid',
    state: 'screenshots',
  }).toString()
  for (const [size, viewport] of [['360', PHONE], ['desktop', DESKTOP]] as const) {
    for (const locale of ['en', 'zh-CN'] as const) {
      const context = await browser.newContext({ viewport, locale, deviceScaleFactor: 1 })
      await context.addCookies([{ name, value, url: portal.origin }, { name: 'bge_lang', value: locale, url: portal.origin }])
      const page = await context.newPage()
      await page.goto(url.href)
      await page.getByRole('button', { name: /Authorize|授权|同意/ }).first().waitFor({ timeout: 30_000 })
      // The first screen as a person sees it, the picker's head, and the page's end (the buttons after 1,000 rows).
      await page.screenshot({ path: join(outDir, `consent-1000-${size}-${locale}-top.png`) })
      // The picker's head: the filter, Select all and the count above the first rows.
      await page.evaluate(() => document.querySelector('fieldset')?.scrollIntoView({ behavior: 'instant', block: 'start' }))
      await page.waitForTimeout(200)
      await page.screenshot({ path: join(outDir, `consent-1000-${size}-${locale}-picker.png`) })
      // Instant, not the page's smooth scrolling, and again until the end stays put: rows off screen
      // are laid out at an estimated height (content-visibility) until first seen.
      const toTheEnd = () =>
        page.evaluate(async () => {
          let y = -1
          while (y !== window.scrollY) {
            y = window.scrollY
            window.scrollTo({ top: document.documentElement.scrollHeight, behavior: 'instant' })
            await new Promise((frame) => setTimeout(frame, 200))
          }
        })
      // The first rows end with "Show all"; shown all, the list ends with the buttons after 1,000 rows.
      await toTheEnd()
      await page.screenshot({ path: join(outDir, `consent-1000-${size}-${locale}-end.png`) })
      const showAll = page.getByRole('button', { name: /Show all|显示全部/ })
      await showAll.scrollIntoViewIfNeeded()
      await page.screenshot({ path: join(outDir, `consent-1000-${size}-${locale}-show-all.png`) })
      await showAll.click()
      await page.waitForFunction(() => document.querySelectorAll('input[name="biosample"]').length === 1000)
      await page.waitForTimeout(200)
      // Where the focus went: the first row Show all brought.
      await page.screenshot({ path: join(outDir, `consent-1000-${size}-${locale}-shown-all.png`) })
      await toTheEnd()
      await page.screenshot({ path: join(outDir, `consent-1000-${size}-${locale}-shown-all-end.png`) })
      const width = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth])
      console.log(`${size} ${locale}: scrollWidth ${width[0]} of ${width[1]}`)
      await context.close()
    }
  }
  console.log(`screenshots in ${outDir}`)
} finally {
  await browser.close()
  await portal.stop()
}
