// The consent page on a throttled phone, through the DevTools protocol: CPU ×4, 150 ms round trip,
// 1.6 Mbit/s each way, a 360 px touch screen. What a person feels when they tap Authorize as soon as
// it appears: Authorize is tapped every TAP_EVERY_MS from the moment it is painted, and the first
// tap that does anything (a decision request leaves: the JSON API's fetch, or the form's own POST)
// is compared with when the button was painted. The same load also gives the first contentful
// paint, the main thread's long tasks and the moment React has hydrated the page.
import type { CDPSession, ConsoleMessage, Page } from 'playwright-core'
import { launchBrowser, PHONE } from '../support/browser'

/** Lighthouse's "slow 4G" figures, applied as they are rather than simulated. */
export const PHONE_PROFILE = { cpuSlowdown: 4, rttMs: 150, kbitPerSecond: 1600 } as const
const TAP_EVERY_MS = 100
/** A page whose Authorize never works gives up after this long, and says so. */
const GIVE_UP_MS = 20_000

export interface TapRun {
  /** performance.now() when the frame that first showed Authorize was painted (first contentful paint, when it was in it). */
  paintedMs: number
  /** When the first tap was sent, after the paint (the bench notices the paint through the page's console). */
  firstTapMs: number | null
  /** The tap that first made a decision request leave; null when none did within GIVE_UP_MS. */
  workingTapMs: number | null
  /** When its request left: a tap sent while the main thread was busy is handled later. */
  requestLeftMs: number | null
  /** Which tap that was, counting from 1. */
  workingTapIndex: number | null
  /** How that tap worked: the enhanced page's fetch, or the form posting itself. */
  workedBy: 'fetch' | 'form' | null
  /** React had hydrated the page (its props are on Authorize). */
  hydratedMs: number | null
  fcpMs: number | null
  /**
   * Largest contentful paint, as the page's own PerformanceObserver reports it: the last candidate
   * before the first tap (input ends LCP), so it is the page's LCP on the throttled phone.
   */
  lcpMs: number | null
  /** Main-thread time over 50 ms in each long task, summed from first paint to the working tap (a TBT stand-in). */
  blockingMs: number
  /** Every long task's start and duration, ms. */
  longTasks: [number, number][]
}

interface PageEvent {
  kind: 'painted' | 'tap' | 'worked' | 'hydrated' | 'fcp' | 'lcp' | 'longtask'
  t: number
  /** For `worked`: when the request left (the tap's own time is `t`). */
  at?: number
  x?: number
  y?: number
  by?: 'fetch' | 'form'
  duration?: number
}

const EVENT_PREFIX = 'bge-bench '

/**
 * Installed before the page's own scripts. Speaks through the console, which the DevTools protocol
 * delivers even when the page is about to navigate away (the form's POST). Times are the page's
 * performance.now(); an input event's timeStamp is when the input was sent.
 */
function watchPage(prefix: string): void {
  const say = (event: Record<string, unknown>) => console.log(prefix + JSON.stringify(event))
  const authorize = () => [...document.querySelectorAll('button')].find((button) => button.textContent.trim().startsWith('Authorize'))
  let lastClick = -1
  let fcp: number | undefined
  /** Authorize was laid out in a frame at this time, at (x, y); said once that frame has been painted. */
  let seen: { t: number; x: number; y: number } | undefined
  let painted = false
  let hydrated = false
  const sayPainted = (t: number) => {
    if (painted || !seen) return
    painted = true
    say({ kind: 'painted', t, x: seen.x, y: seen.y })
  }
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      if (entry.name !== 'first-contentful-paint') continue
      fcp = entry.startTime
      say({ kind: 'fcp', t: fcp })
      // Authorize was in the first frame with content: it was painted when that frame was.
      if (seen) sayPainted(Math.max(seen.t, fcp))
    }
  }).observe({ type: 'paint', buffered: true })
  const frame = (now: number) => {
    const button = authorize()
    if (button && !seen) {
      const box = button.getBoundingClientRect()
      if (box.width > 0 && box.top >= 0 && box.bottom <= window.innerHeight) {
        seen = { t: now, x: box.left + box.width / 2, y: box.top + box.height / 2 }
        // The demo app reads genetic data, so a person ticks its separate consent before Authorize
        // (issue 19). A native checkbox works from the first paint and the page reads it from the
        // DOM on submit, so it is ticked here at once, as by a person who already did: what is
        // measured stays the tap on Authorize.
        const step = document.querySelector<HTMLInputElement>('input[name="separate_consent"]')
        if (step) step.checked = true
        // A frame after the first content: a task queued from the next frame runs once this one has
        // been painted. (rAF runs before its frame is drawn, which on a slow CPU takes a while.)
        if (fcp !== undefined) requestAnimationFrame(() => setTimeout(() => sayPainted(performance.now()), 0))
      }
    }
    if (button && !hydrated && Object.keys(button).some((key) => key.startsWith('__reactProps$'))) {
      hydrated = true
      say({ kind: 'hydrated', t: performance.now() })
    }
    if (!seen || !hydrated) requestAnimationFrame(frame)
  }
  requestAnimationFrame(frame)
  window.addEventListener('pointerdown', (event) => event.isTrusted && say({ kind: 'tap', t: event.timeStamp }), true)
  window.addEventListener('click', (event) => {
    if (event.isTrusted) lastClick = event.timeStamp
  }, true)
  // Bubbling on window runs after React's listener on the root: a submit still not prevented here is
  // the browser posting the form itself.
  window.addEventListener('submit', (event) => {
    if (!event.defaultPrevented) say({ kind: 'worked', t: lastClick, at: performance.now(), by: 'form' })
  })
  const original = window.fetch.bind(window)
  window.fetch = (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input), window.location.href)
    const method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase()
    if (method === 'POST' && /^\/api\/oauth2\/(authorize|deny)$/.test(url.pathname)) {
      // Only a hydrated page sends this; the frame that would have noticed may not have come yet.
      if (!hydrated) {
        hydrated = true
        say({ kind: 'hydrated', t: performance.now() })
      }
      say({ kind: 'worked', t: lastClick, at: performance.now(), by: 'fetch' })
    }
    return original(input, init)
  }
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) say({ kind: 'longtask', t: entry.startTime, duration: entry.duration })
  }).observe({ type: 'longtask', buffered: true })
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) say({ kind: 'lcp', t: entry.startTime })
  }).observe({ type: 'largest-contentful-paint', buffered: true })
}

export async function throttle(cdp: CDPSession): Promise<void> {
  const bytesPerSecond = (PHONE_PROFILE.kbitPerSecond * 1000) / 8
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: PHONE_PROFILE.cpuSlowdown })
  await cdp.send('Network.enable')
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: PHONE_PROFILE.rttMs,
    downloadThroughput: bytesPerSecond,
    uploadThroughput: bytesPerSecond,
  })
  // A first visit: nothing cached.
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true })
}

function tapAt(cdp: CDPSession, x: number, y: number): void {
  // Sent without waiting for the page to take them, as a finger does not wait: a busy main thread
  // queues them, which is the point.
  void cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [{ x, y }] }).catch(() => undefined)
  void cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] }).catch(() => undefined)
}

/**
 * One load of `url`. `tap`: tap Authorize every TAP_EVERY_MS from its paint until a tap works; without
 * it, no input at all until the page has hydrated (a person reading first).
 */
async function oneRun(page: Page, cdp: CDPSession, url: string, tap: boolean): Promise<TapRun> {
  const events: PageEvent[] = []
  let timer: ReturnType<typeof setInterval> | undefined
  let done: () => void = () => undefined
  const finished = new Promise<void>((resolve) => (done = resolve))
  const onConsole = (message: ConsoleMessage) => {
    const text = message.text()
    if (!text.startsWith(EVENT_PREFIX)) return
    const event = JSON.parse(text.slice(EVENT_PREFIX.length)) as PageEvent
    events.push(event)
    if (tap && event.kind === 'painted' && timer === undefined && event.x !== undefined && event.y !== undefined) {
      const { x, y } = event
      tapAt(cdp, x, y)
      timer = setInterval(() => tapAt(cdp, x, y), TAP_EVERY_MS)
    }
    if (event.kind === (tap ? 'worked' : 'hydrated')) done()
  }
  page.on('console', onConsole)
  const giveUp = setTimeout(done, GIVE_UP_MS)
  try {
    await page.goto(url, { waitUntil: 'commit' })
    await finished
  } finally {
    clearInterval(timer)
    clearTimeout(giveUp)
    page.off('console', onConsole)
  }
  const first = (kind: PageEvent['kind']) => events.find((event) => event.kind === kind)
  const painted = first('painted')
  if (!painted) throw new Error(`Authorize was never painted on ${url}`)
  const worked = first('worked')
  const taps = events.filter((event) => event.kind === 'tap' && event.t >= painted.t).map((event) => event.t)
  const fcp = first('fcp')
  const lcp = events.filter((event) => event.kind === 'lcp').at(-1)
  const longTasks = events.filter((event) => event.kind === 'longtask').map((event): [number, number] => [event.t, event.duration ?? 0])
  const from = fcp?.t ?? 0
  const until = worked?.t ?? Number.POSITIVE_INFINITY
  return {
    paintedMs: painted.t,
    firstTapMs: taps[0] ?? null,
    workingTapMs: worked ? worked.t : null,
    requestLeftMs: worked?.at ?? null,
    workingTapIndex: worked ? taps.filter((t) => t <= worked.t).length : null,
    workedBy: worked?.by ?? null,
    hydratedMs: first('hydrated')?.t ?? null,
    fcpMs: fcp?.t ?? null,
    lcpMs: lcp?.t ?? null,
    blockingMs: longTasks.filter(([start]) => start >= from && start < until).reduce((sum, [, duration]) => sum + Math.max(0, duration - 50), 0),
    longTasks,
  }
}

/**
 * `runs` loads of `url` (signed in with `cookie`) on the throttled phone, each in a fresh context
 * (nothing cached), after one unmeasured load that warms the server and leaves the person's records
 * as every measured run then finds them.
 */
export async function tapRuns(origin: string, url: string, cookie: string, runs: number, options: { tap: boolean } = { tap: true }): Promise<TapRun[]> {
  const browser = await launchBrowser()
  try {
    const results: TapRun[] = []
    for (let run = 0; run <= runs; run += 1) {
      const context = await browser.newContext({ viewport: PHONE, isMobile: true, hasTouch: true, deviceScaleFactor: 2, locale: 'en-US' })
      try {
        const [name, value = ''] = cookie.split('=')
        await context.addCookies([{ name: name ?? '', value, url: origin }])
        // tsx compiles with esbuild's keepNames, which wraps named functions in a `__name` helper
        // that functions sent into the page would otherwise miss.
        await context.addInitScript({ content: 'window.__name = (fn) => fn' })
        await context.addInitScript(watchPage, EVENT_PREFIX)
        const page = await context.newPage()
        const cdp = await context.newCDPSession(page)
        await throttle(cdp)
        const result = await oneRun(page, cdp, url, options.tap)
        if (run > 0) results.push(result)
      } finally {
        await context.close()
      }
    }
    return results
  } finally {
    await browser.close()
  }
}
