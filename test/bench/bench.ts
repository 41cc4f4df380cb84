// `npm run bench`: the performance report of SPEC.md "Quality bars", measured in one run against
// the built portal and its sandbox, in the system Chromium.
//   - JavaScript and CSS (gzip) the browser loads before the consent page is usable,
//   - whether the consent page's API requests start together (no request waterfall),
//   - Lighthouse mobile performance on consent and grants.
// Exits 1 when a budget is missed, so it can gate a change.
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { gzipSync } from 'node:zlib'
import * as chromeLauncher from 'chrome-launcher'
import lighthouse from 'lighthouse'
import { CHROMIUM_FLAGS, launchBrowser, PHONE } from '../support/browser'
import { findChromium } from '../support/chromium-path.mjs'
import { startPortal } from '../support/portal'

const BUDGET = { jsKb: 135, cssKb: 12, lighthouse: 95 }
const repoRoot = resolve(import.meta.dirname, '../..')
const distDir = join(repoRoot, 'dist')

function build(): void {
  const result = spawnSync('npx', ['vite', 'build', '--logLevel', 'warn'], { cwd: repoRoot, stdio: 'inherit' })
  if (result.status !== 0) throw new Error('vite build failed')
}

/** gzip -9 size of a built file, as a server with static compression would send it. */
function gzipKb(urlPath: string): number {
  return gzipSync(readFileSync(join(distDir, urlPath)), { level: 9 }).length / 1024
}

interface Row {
  measure: string
  value: string
  budget: string
  ok: boolean
}

async function signedInCookie(origin: string): Promise<string> {
  const response = await fetch(`${origin}/api/session`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Requested-With': 'fetch', Origin: origin },
    body: JSON.stringify({ user_id: 'u-demo' }),
  })
  if (!response.ok) throw new Error(`sign-in failed: ${response.status}`)
  const cookie = response.headers.get('set-cookie')?.split(';')[0]
  if (!cookie) throw new Error('sign-in set no cookie')
  return cookie
}

function consentUrl(origin: string): string {
  const url = new URL('/oauth2/authorize', origin)
  url.search = new URLSearchParams({
    client_id: 'demo-app',
    redirect_uri: `${origin}/sandbox/callback`,
    response_type: 'code',
    scope: 'profile.default sample.default:read variant.rsid',
    state: 'bench',
  }).toString()
  return url.href
}

async function loadedBeforeUsable(origin: string, cookie: string): Promise<{ js: string[]; css: string[]; api: { path: string; start: number; end: number }[] }> {
  const browser = await launchBrowser()
  try {
    const context = await browser.newContext({ viewport: PHONE })
    const [name, value = ''] = cookie.split('=')
    await context.addCookies([{ name: name ?? '', value, url: origin }])
    const page = await context.newPage()
    const js: string[] = []
    const css: string[] = []
    page.on('requestfinished', (request) => {
      const { pathname } = new URL(request.url())
      if (pathname.endsWith('.js')) js.push(pathname)
      else if (pathname.endsWith('.css')) css.push(pathname)
    })
    // When the app itself asks and hears back, timed in the page: the browser's network timings
    // also count time queued for a socket, which made the waterfall check flap.
    await context.addInitScript(() => {
      const calls: { path: string; start: number; end: number }[] = []
      Object.assign(window, { __apiCalls: calls })
      const original = window.fetch.bind(window)
      window.fetch = async (input, init) => {
        const url = new URL(input instanceof Request ? input.url : String(input), window.location.href)
        if (!url.pathname.startsWith('/api/')) return original(input, init)
        const call = { path: url.pathname + url.search, start: performance.now(), end: Number.POSITIVE_INFINITY }
        calls.push(call)
        try {
          return await original(input, init)
        } finally {
          call.end = performance.now()
        }
      }
    })
    await page.goto(consentUrl(origin))
    // Usable: the decision buttons are on screen.
    await page.getByRole('button', { name: /Authorize|授权|同意/ }).first().waitFor({ timeout: 15_000 })
    const api = await page.evaluate(() => (window as unknown as { __apiCalls: { path: string; start: number; end: number }[] }).__apiCalls)
    return { js: [...new Set(js)], css: [...new Set(css)], api }
  } finally {
    await browser.close()
  }
}

async function lighthouseScore(url: string, cookie: string): Promise<number> {
  const chrome = await chromeLauncher.launch({
    chromePath: findChromium() ?? undefined,
    chromeFlags: CHROMIUM_FLAGS,
  })
  try {
    const result = await lighthouse(url, {
      port: chrome.port,
      output: 'json',
      logLevel: 'error',
      onlyCategories: ['performance'],
      extraHeaders: { Cookie: cookie },
    })
    return Math.round((result?.lhr.categories.performance?.score ?? 0) * 100)
  } finally {
    chrome.kill()
  }
}

async function main(): Promise<void> {
  build()
  const portal = await startPortal()
  const rows: Row[] = []
  try {
    const cookie = await signedInCookie(portal.origin)
    const loaded = await loadedBeforeUsable(portal.origin, cookie)
    const jsKb = loaded.js.reduce((sum, path) => sum + gzipKb(path), 0)
    const cssKb = loaded.css.reduce((sum, path) => sum + gzipKb(path), 0)
    rows.push({ measure: `JS before consent is usable (${loaded.js.length} files)`, value: `${jsKb.toFixed(1)} KB gzip`, budget: `≤ ${BUDGET.jsKb} KB`, ok: jsKb <= BUDGET.jsKb })
    rows.push({ measure: `CSS before consent is usable (${loaded.css.length} files)`, value: `${cssKb.toFixed(1)} KB gzip`, budget: `≤ ${BUDGET.cssKb} KB`, ok: cssKb <= BUDGET.cssKb })

    // No waterfall: every API call of the page starts before the first of them has answered.
    const firstEnd = Math.min(...loaded.api.map((call) => call.end))
    const late = loaded.api.filter((call) => call.start > firstEnd)
    rows.push({
      measure: `consent API calls started together (${loaded.api.length} calls)`,
      value: late.length === 0 ? 'yes' : 'no',
      budget: 'all in parallel',
      ok: loaded.api.length > 0 && late.length === 0,
    })

    const t0 = Math.min(...loaded.api.map((call) => call.start))
    for (const call of loaded.api) {
      console.log(`  ${(call.start - t0).toFixed(1).padStart(6)} → ${(call.end - t0).toFixed(1).padStart(6)} ms  ${call.path.split('?')[0]}`)
    }

    for (const [label, url] of [
      ['consent', consentUrl(portal.origin)],
      ['grants', `${portal.origin}/grants`],
    ] as const) {
      const score = await lighthouseScore(url, cookie)
      rows.push({ measure: `Lighthouse mobile performance, ${label}`, value: String(score), budget: `≥ ${BUDGET.lighthouse}`, ok: score >= BUDGET.lighthouse })
    }
  } finally {
    await portal.stop()
  }

  const width = Math.max(...rows.map((row) => row.measure.length))
  console.log('\nBGE consent portal — performance report\n')
  for (const row of rows) {
    console.log(`${row.ok ? 'PASS' : 'FAIL'}  ${row.measure.padEnd(width)}  ${row.value.padEnd(14)}  ${row.budget}`)
  }
  if (rows.some((row) => !row.ok)) process.exitCode = 1
}

await main()
