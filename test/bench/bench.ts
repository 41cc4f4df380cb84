// `npm run bench`: the performance report of SPEC.md "Quality bars" and issue 17, measured in one run
// against the built portal (`npm run build`) and its sandbox, in the system Chromium, with people
// who have 3, 60 and 1,000 samples and an earlier grant (test/bench/worlds.ts):
//   - the consent page's HTML for each, raw and as sent (gzip), with brotli for comparison,
//   - JavaScript and CSS (gzip) the browser loads before the consent page is hydrated, in Chinese
//     (the default language) and in English,
//   - no request waterfall: consent's data comes with its HTML, and any API call starts together,
//   - on a throttled phone (CPU ×4, 150 ms round trip, 1.6 Mbit/s, DevTools protocol): tapping
//     Authorize every 100 ms from the moment it is painted, the first tap that works (test/bench/phone.ts),
//     and, loaded without any input, its LCP and when the app's code had taken it over,
//   - Lighthouse mobile on consent (3, 60, 1,000 samples) and grants: score, FCP, LCP, TBT and CLS,
//     each the median of LIGHTHOUSE_RUNS runs (one run is not a measurement: the score moves by
//     several points), with Lighthouse's simulated throttling (its default), and LCP and TBT again
//     with the same throttling applied to the real load,
//   - Select all, one checkbox and one character of filter over 1,000 samples, every row shown (Show all
//     first): input to next frame.
// Prints a table and writes it with every run's figures to test/bench/results/ (not committed).
// Exits 1 when a budget is missed, so it can gate a change; stops itself after BENCH_TIMEOUT_MIN
// minutes. Timings vary with the machine's load (printed with them); `npm test` runs none of this.
import { spawnSync } from 'node:child_process'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import { join, resolve } from 'node:path'
import { brotliCompressSync, gzipSync } from 'node:zlib'
import * as chromeLauncher from 'chrome-launcher'
import lighthouse from 'lighthouse'
import { CHROMIUM_FLAGS, launchBrowser, PHONE } from '../support/browser'
import { findChromium } from '../support/chromium-path.mjs'
import { startPortal, type Portal } from '../support/portal'
import { MANY_SAMPLES, timePicker, type InteractionTimes } from './interactions'
import { PHONE_PROFILE, tapRuns, type TapRun } from './phone'
import { benchFixtures, SAMPLE_COUNTS, userIdWith, type SampleCount } from './worlds'

const BUDGET = { jsKb: 135, jsAimKb: 124, cssKb: 12, lighthouse: 95, lcpMs: 1500, tbtMs: 150, nextFrameMs: 50, tapMs: 100 }
const LIGHTHOUSE_RUNS = 3
const TAP_RUNS = 3
const TIMEOUT_MIN = Number(process.env.BENCH_TIMEOUT_MIN ?? 30)
const repoRoot = resolve(import.meta.dirname, '../..')
const distDir = join(repoRoot, 'dist')

function build(): void {
  const result = spawnSync('npm', ['run', 'build', '--silent'], { cwd: repoRoot, stdio: 'inherit' })
  if (result.status !== 0) throw new Error('npm run build failed')
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

/** Every run's own figures, written beside the table. */
const details: Record<string, unknown> = {}

function uptime(): string {
  return loadavg()
    .map((value) => value.toFixed(2))
    .join(', ')
}

async function signedInCookie(origin: string, userId: string): Promise<string> {
  const response = await fetch(`${origin}/api/session`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Requested-With': 'fetch', Origin: origin },
    body: JSON.stringify({ user_id: userId }),
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

interface ApiCall {
  path: string
  start: number
  end: number
}

interface Loaded {
  js: string[]
  css: string[]
  /** Stylesheets inside the page (server/pages/inline-style.ts): their text. */
  inlineCss: string[]
}

async function loadedBeforeHydrated(origin: string, cookie: string, locale: string): Promise<Loaded & { api: ApiCall[] }> {
  const browser = await launchBrowser()
  try {
    const context = await browser.newContext({ viewport: PHONE, locale })
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
    // Hydrated: React has taken over the server's Authorize (its props are on the element). What
    // loaded by then is what the first working tap waited for.
    await page.waitForFunction(
      () => [...document.querySelectorAll('button[type="submit"], button')].some((button) => Object.keys(button).some((key) => key.startsWith('__reactProps$'))),
      undefined,
      { timeout: 30_000, polling: 50 },
    )
    const inlineCss = await page.evaluate(() => [...document.querySelectorAll('style')].map((style) => style.textContent))
    const loaded = { js: [...new Set(js)], css: [...new Set(css)], inlineCss }
    const api = await page.evaluate(() => (window as unknown as { __apiCalls: ApiCall[] }).__apiCalls)
    return { ...loaded, api }
  } finally {
    await browser.close()
  }
}

interface LighthouseRun {
  score: number
  fcpMs: number
  lcpMs: number
  tbtMs: number
  cls: number
  /** Lighthouse's time to interactive: the page's code has run and the main thread is quiet. */
  ttiMs: number
}

/**
 * `simulate` is Lighthouse's default: one fast load, replayed on a model of a slow phone (150 ms ×
 * 3.75 per request, 1.6 Mbit/s, CPU ×4); the model counts every request that finished before the
 * observed paint as needed for it. `devtools` slows the real load down instead and reports the
 * paints that happened (on a busy machine, slower than the simulation).
 */
type Throttling = 'simulate' | 'devtools'

/**
 * Lighthouse's own advice on a trace it could not record (NO_NAVSTART, seen on a busy machine) is
 * to run it again: once more, in a fresh browser, before the bench gives up.
 */
async function lighthouseRun(url: string, cookie: string, throttlingMethod: Throttling): Promise<LighthouseRun> {
  try {
    return await lighthouseOnce(url, cookie, throttlingMethod)
  } catch (error) {
    if (!(error instanceof LighthouseRuntimeError)) throw error
    console.log(`  (Lighthouse: ${error.message}; running it again)`)
    return lighthouseOnce(url, cookie, throttlingMethod)
  }
}

class LighthouseRuntimeError extends Error {}

async function lighthouseOnce(url: string, cookie: string, throttlingMethod: Throttling): Promise<LighthouseRun> {
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
    }, { extends: 'lighthouse:default', settings: { throttlingMethod } })
    const lhr = result?.lhr
    if (!lhr) throw new Error(`Lighthouse returned no report for ${url}`)
    if (lhr.runtimeError) throw new LighthouseRuntimeError(`Lighthouse: ${lhr.runtimeError.message}`)
    const metric = (id: string) => {
      const value = lhr.audits[id]?.numericValue
      if (value === undefined) throw new Error(`Lighthouse reported no ${id}`)
      return value
    }
    return {
      score: Math.round((lhr.categories.performance?.score ?? 0) * 100),
      fcpMs: metric('first-contentful-paint'),
      lcpMs: metric('largest-contentful-paint'),
      tbtMs: metric('total-blocking-time'),
      cls: metric('cumulative-layout-shift'),
      ttiMs: metric('interactive'),
    }
  } finally {
    chrome.kill()
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2
}

function files(count: number): string {
  return `${count} file${count === 1 ? '' : 's'}`
}

function loadRows(label: string, loaded: Loaded): Row[] {
  const jsKb = loaded.js.reduce((sum, path) => sum + gzipKb(path), 0)
  const inlineKb = loaded.inlineCss.reduce((sum, text) => sum + gzipSync(text, { level: 9 }).length / 1024, 0)
  const cssKb = loaded.css.reduce((sum, path) => sum + gzipKb(path), 0) + inlineKb
  details[`loaded before hydrated, ${label}`] = { js: loaded.js, css: loaded.css, inlineCss: loaded.inlineCss.length, jsKb, cssKb }
  return [
    {
      measure: `JS before consent is hydrated, ${label} (${files(loaded.js.length)})`,
      value: `${jsKb.toFixed(1)} KB gzip`,
      budget: `≤ ${BUDGET.jsKb} KB (aim ${BUDGET.jsAimKb})`,
      ok: jsKb <= BUDGET.jsKb,
    },
    { measure: `CSS before consent is hydrated, ${label} (${files(loaded.css.length)}, ${loaded.inlineCss.length} in the page)`, value: `${cssKb.toFixed(1)} KB gzip`, budget: `≤ ${BUDGET.cssKb} KB`, ok: cssKb <= BUDGET.cssKb },
  ]
}

function interactionRow(label: string, times: InteractionTimes): Row {
  console.log(`  ${label}: ${times.trials.map((ms) => ms.toFixed(0)).join(', ')} ms (${times.byEventTiming} of ${times.trials.length} by Event Timing)`)
  details[`picker: ${label}`] = times
  return {
    measure: `${label}, ${MANY_SAMPLES} samples, to next frame (median of ${times.trials.length})`,
    value: `${times.median.toFixed(0)} ms`,
    budget: `≤ ${BUDGET.nextFrameMs} ms`,
    ok: times.median <= BUDGET.nextFrameMs,
  }
}

/** The consent page's HTML for a person, raw and as the portal sends it to a browser that takes gzip. */
async function pageSizeRows(portal: Portal, count: SampleCount): Promise<Row[]> {
  const cookie = await signedInCookie(portal.origin, userIdWith(count))
  const asked = (encoding: string) => fetch(consentUrl(portal.origin), { headers: { Cookie: cookie, 'Accept-Encoding': encoding, 'Accept-Language': 'en' } })
  const raw = Buffer.from(await (await asked('identity')).arrayBuffer())
  // Node's fetch decodes what it receives; the bytes on the wire are the length of the encoded body.
  const sent = await asked('gzip, deflate, br')
  const encoding = sent.headers.get('Content-Encoding') ?? 'identity'
  const wire = encoding === 'gzip' ? gzipSync(Buffer.from(await sent.arrayBuffer())).length : raw.length
  const brotli = brotliCompressSync(raw).length
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`
  // At 1.6 Mbit/s, 200 KB take a second.
  const seconds = (bytes: number) => `${((bytes * 8) / (PHONE_PROFILE.kbitPerSecond * 1000)).toFixed(2)} s`
  details[`consent HTML, ${count} samples`] = { raw: raw.length, sent: wire, encoding, brotli }
  console.log(`  consent HTML, ${count} samples: ${kb(raw.length)} raw (${seconds(raw.length)} at 1.6 Mbit/s), ${kb(wire)} sent as ${encoding} (${seconds(wire)}), ${kb(brotli)} brotli q11`)
  return [
    { measure: `consent HTML, ${count} samples, sent (${encoding})`, value: kb(wire), budget: '', ok: true },
    { measure: `  raw / brotli q11 for comparison`, value: `${kb(raw.length)} / ${kb(brotli)}`, budget: '', ok: true },
  ]
}

function tapRows(label: string, runs: TapRun[]): Row[] {
  const delays = runs.map((run) => (run.workingTapMs === null ? Number.POSITIVE_INFINITY : run.workingTapMs - run.paintedMs))
  const show = (ms: number | null) => (ms === null || !Number.isFinite(ms) ? 'never' : `${ms.toFixed(0)} ms`)
  for (const run of runs) {
    console.log(
      `  tap, ${label}: painted ${show(run.paintedMs)} (FCP ${show(run.fcpMs)}), first tap +${show(run.firstTapMs === null ? null : run.firstTapMs - run.paintedMs)}, ` +
        `LCP ${show(run.lcpMs)}, hydrated ${show(run.hydratedMs)}, working tap #${run.workingTapIndex ?? '-'} at ${show(run.workingTapMs)} (its request left at ${show(run.requestLeftMs)}) by ${run.workedBy ?? 'nothing'}, long tasks ${run.longTasks.length} (${run.blockingMs.toFixed(0)} ms over 50 ms)`,
    )
  }
  details[`tap, ${label}`] = runs
  const value = median(delays)
  const lag = median(runs.map((run) => (run.firstTapMs ?? run.paintedMs) - run.paintedMs))
  return [
    {
      measure: `paint → first working tap, ${label} (median of ${runs.length})`,
      value: show(value),
      // What the issue asks is that the first tap on the painted Authorize works; the 100 ms is
      // that tap under its every-100-ms beat. The bench hears of the paint through the page's
      // console, which on the throttled CPU can take a frame of 100 ms or more (its own lag,
      // below): a page whose every run took the bench's first tap has met it, whatever that lag.
      budget: `≤ ${BUDGET.tapMs} ms, or tap #1 in every run`,
      ok: value <= BUDGET.tapMs || runs.every((run) => run.workingTapIndex === 1),
    },
    { measure: `  first tap after the paint (the bench's own lag)`, value: `+${lag.toFixed(0)} ms`, budget: '', ok: true },
    // A tap sent while the main thread is busy is handled when it is free: what the person waits for.
    {
      measure: `  paint → that tap's request left`,
      value: show(median(runs.map((run) => (run.requestLeftMs === null ? Number.POSITIVE_INFINITY : run.requestLeftMs - run.paintedMs)))),
      budget: '',
      ok: true,
    },
    { measure: `  which tap worked (median)`, value: `#${median(runs.map((run) => run.workingTapIndex ?? Number.POSITIVE_INFINITY))}`, budget: '', ok: true },
    // The LCP budget on the phone the issue describes, as the page itself saw it (not Lighthouse's
    // model of it, below, whose simulation charges the app's scripts to the paint).
    {
      measure: `  LCP on that phone (the page's own PerformanceObserver)`,
      value: show(median(runs.map((run) => run.lcpMs ?? Number.POSITIVE_INFINITY))),
      budget: `≤ ${(BUDGET.lcpMs / 1000).toFixed(1)} s`,
      ok: median(runs.map((run) => run.lcpMs ?? Number.POSITIVE_INFINITY)) <= BUDGET.lcpMs,
    },
  ]
}

/**
 * The same phone, a person who reads before touching anything: when the page was painted in full
 * (LCP, which no input cut short) and when the app's code had taken it over (hydrated), which
 * src/main.tsx starts once the page is painted. No budget for the second: the page's forms work
 * from the paint.
 */
function readingRows(label: string, runs: TapRun[]): Row[] {
  const show = (ms: number) => (Number.isFinite(ms) ? `${ms.toFixed(0)} ms` : 'never')
  for (const run of runs) console.log(`  reading, ${label}: FCP ${show(run.fcpMs ?? Number.NaN)}, LCP ${show(run.lcpMs ?? Number.NaN)}, hydrated ${show(run.hydratedMs ?? Number.NaN)}`)
  details[`reading, ${label}`] = runs
  const lcp = median(runs.map((run) => run.lcpMs ?? Number.POSITIVE_INFINITY))
  const hydrated = median(runs.map((run) => run.hydratedMs ?? Number.POSITIVE_INFINITY))
  return [
    { measure: `LCP, ${label} (median of ${runs.length})`, value: show(lcp), budget: `≤ ${(BUDGET.lcpMs / 1000).toFixed(1)} s`, ok: lcp <= BUDGET.lcpMs },
    { measure: `  hydrated (the app's code has taken the page over)`, value: show(hydrated), budget: '', ok: Number.isFinite(hydrated) },
  ]
}

async function lighthouseRows(label: string, url: string, cookie: string): Promise<Row[]> {
  const runs: LighthouseRun[] = []
  const applied: LighthouseRun[] = []
  for (let run = 0; run < LIGHTHOUSE_RUNS; run += 1) {
    runs.push(await lighthouseRun(url, cookie, 'simulate'))
    applied.push(await lighthouseRun(url, cookie, 'devtools'))
  }
  for (const [mode, list] of [['simulated', runs], ['applied  ', applied]] as const) {
    const seconds = (pick: (run: LighthouseRun) => number) => list.map((run) => (pick(run) / 1000).toFixed(2)).join(' / ')
    console.log(
      `  Lighthouse ${label}, ${mode}: scores ${list.map((run) => run.score).join(' / ')}, FCP ${seconds((run) => run.fcpMs)} s, LCP ${seconds((run) => run.lcpMs)} s, ` +
        `TBT ${list.map((run) => run.tbtMs.toFixed(0)).join(' / ')} ms (load ${uptime()})`,
    )
  }
  details[`lighthouse, ${label}`] = { simulated: runs, applied }
  const of = (list: LighthouseRun[], pick: (run: LighthouseRun) => number) => median(list.map(pick))
  const score = of(runs, (run) => run.score)
  const lcpMs = of(runs, (run) => run.lcpMs)
  const tbtMs = of(runs, (run) => run.tbtMs)
  const appliedLcpMs = of(applied, (run) => run.lcpMs)
  const appliedTbtMs = of(applied, (run) => run.tbtMs)
  return [
    { measure: `Lighthouse mobile performance, ${label} (median of ${LIGHTHOUSE_RUNS})`, value: String(score), budget: `≥ ${BUDGET.lighthouse}`, ok: score >= BUDGET.lighthouse },
    { measure: `  FCP, ${label}`, value: `${(of(runs, (run) => run.fcpMs) / 1000).toFixed(2)} s`, budget: '', ok: true },
    { measure: `  LCP, ${label}`, value: `${(lcpMs / 1000).toFixed(2)} s`, budget: `≤ ${(BUDGET.lcpMs / 1000).toFixed(1)} s`, ok: lcpMs <= BUDGET.lcpMs },
    { measure: `  TBT, ${label}`, value: `${tbtMs.toFixed(0)} ms`, budget: `≤ ${BUDGET.tbtMs} ms`, ok: tbtMs <= BUDGET.tbtMs },
    { measure: `  CLS, ${label}`, value: of(runs, (run) => run.cls).toFixed(3), budget: '', ok: true },
    // No budget of their own: the budgets are Lighthouse's default mode; these say what the real load did.
    { measure: `  LCP / TBT, ${label}, throttling applied`, value: `${(appliedLcpMs / 1000).toFixed(2)} s / ${appliedTbtMs.toFixed(0)} ms`, budget: '', ok: true },
  ]
}

async function main(): Promise<void> {
  const began = Date.now()
  const startLoad = uptime()
  build()
  const portal = await startPortal({ fixtures: benchFixtures })
  // Bounded: whatever hangs, the portal is stopped and the run ends with what it has not measured said.
  const watchdog = setTimeout(() => {
    console.error(`\nbench: still running after ${TIMEOUT_MIN} min (load ${uptime()}); stopping.`)
    portal.kill('SIGKILL')
    process.exit(2)
  }, TIMEOUT_MIN * 60_000)
  watchdog.unref()
  const rows: Row[] = []
  try {
    for (const count of SAMPLE_COUNTS) rows.push(...(await pageSizeRows(portal, count)))

    const cookie = await signedInCookie(portal.origin, userIdWith(3))
    const chinese = await loadedBeforeHydrated(portal.origin, cookie, 'zh-CN')
    const english = await loadedBeforeHydrated(portal.origin, cookie, 'en-US')
    rows.push(...loadRows('zh-CN', chinese), ...loadRows('en', english))

    // No waterfall. The BFF renders consent with its data, so the page should need no API round
    // at all; any call it still makes must start before the first of them has answered.
    const { api } = chinese
    const firstEnd = Math.min(...api.map((call) => call.end))
    const late = api.filter((call) => call.start > firstEnd)
    rows.push({
      measure: `consent API calls after the HTML (${api.length} calls)`,
      value: api.length === 0 ? 'none (data embedded)' : late.length === 0 ? 'all in parallel' : `${late.length} waited`,
      budget: 'none, or all in parallel',
      ok: late.length === 0,
    })
    const t0 = Math.min(...api.map((call) => call.start))
    for (const call of api) {
      console.log(`  ${(call.start - t0).toFixed(1).padStart(6)} → ${(call.end - t0).toFixed(1).padStart(6)} ms  ${call.path.split('?')[0]}`)
    }

    for (const count of [3, 1000] as const) {
      const runs = await tapRuns(portal.origin, consentUrl(portal.origin), await signedInCookie(portal.origin, userIdWith(count)), TAP_RUNS)
      rows.push(...tapRows(`${count} samples, one pre-selected, throttled phone`, runs))
      const reading = await tapRuns(portal.origin, consentUrl(portal.origin), await signedInCookie(portal.origin, userIdWith(count)), TAP_RUNS, { tap: false })
      rows.push(...readingRows(`${count} samples, throttled phone, no input`, reading))
    }

    for (const count of SAMPLE_COUNTS) {
      rows.push(...(await lighthouseRows(`consent, ${count} samples`, consentUrl(portal.origin), await signedInCookie(portal.origin, userIdWith(count)))))
    }
    rows.push(...(await lighthouseRows('grants', `${portal.origin}/grants`, await signedInCookie(portal.origin, userIdWith(60)))))

    const picker = await timePicker(portal.origin, consentUrl(portal.origin), await signedInCookie(portal.origin, userIdWith(1000)))
    rows.push(interactionRow('Select all', picker.selectAll), interactionRow('one checkbox', picker.toggle), interactionRow('one character of filter', picker.filter))
  } finally {
    clearTimeout(watchdog)
    await portal.stop()
  }

  const endLoad = uptime()
  const width = Math.max(...rows.map((row) => row.measure.length))
  const conditions =
    `${((Date.now() - began) / 1000).toFixed(0)} s; ${cpus().length} CPUs; load average ${startLoad} at the start, ${endLoad} at the end; ` +
    `phone: CPU ×${PHONE_PROFILE.cpuSlowdown}, ${PHONE_PROFILE.rttMs} ms RTT, ${PHONE_PROFILE.kbitPerSecond / 1000} Mbit/s`
  console.log(`\nBGE consent portal — performance report (${conditions})\n`)
  for (const row of rows) {
    const verdict = row.budget ? (row.ok ? 'PASS' : 'FAIL') : '    '
    console.log(`${verdict}  ${row.measure.padEnd(width)}  ${row.value.padEnd(16)}  ${row.budget}`)
  }
  const resultsDir = join(repoRoot, 'test', 'bench', 'results')
  mkdirSync(resultsDir, { recursive: true })
  const file = join(resultsDir, `bench-${new Date(began).toISOString().replace(/[:.]/g, '-')}.json`)
  writeFileSync(file, `${JSON.stringify({ at: new Date(began).toISOString(), conditions, rows, details }, null, 2)}\n`)
  console.log(`\nEvery run's figures: ${file}`)
  const missed = rows.filter((row) => !row.ok)
  if (missed.length > 0) {
    console.log(`\nOver budget: ${missed.map((row) => row.measure.trim()).join('; ')}`)
    process.exitCode = 1
  }
}

await main()
