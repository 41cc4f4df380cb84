// The biosample picker over many samples, as the person tapping it feels it: from the input to the
// next frame, timed inside the page. Event Timing's `duration` (the input's timestamp to the next
// paint after its handlers) is the measure; it only reports inputs of 16 ms and more, so a faster
// one is timed by hand instead: the event's timestamp to a task queued from the next frame's
// requestAnimationFrame, which runs once that frame has been painted.
import type { Locator, Page } from 'playwright-core'
import { launchBrowser, PHONE } from '../support/browser'
import { biosamples } from './worlds'

/** The person the picker is timed with (test/bench/worlds.ts): 1,000 samples, the first pre-selected. */
export const MANY_SAMPLES = 1000
const TRIALS = 5

export interface InteractionTimes {
  /** Milliseconds from the input to the next frame, one per trial. */
  trials: number[]
  median: number
  /** How many trials Event Timing timed; the others were under its 16 ms floor and timed by hand. */
  byEventTiming: number
}

export interface PickerTimes {
  selectAll: InteractionTimes
  toggle: InteractionTimes
  filter: InteractionTimes
}

interface BenchWindow {
  __bench: {
    events: { name: string; start: number; duration: number }[]
    frames: { type: string; start: number; ms: number }[]
  }
}

/** Installed before the page's own scripts, so it sees every input from the first. */
function recordInputs(): void {
  const bench: BenchWindow['__bench'] = { events: [], frames: [] }
  Object.assign(window, { __bench: bench })
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) bench.events.push({ name: entry.name, start: entry.startTime, duration: entry.duration })
  }).observe({ type: 'event', durationThreshold: 16, buffered: true } as PerformanceObserverInit)
  for (const type of ['click', 'keydown']) {
    // Capture on window: this runs before the page's handlers, so the frame callback below is
    // queued ahead of whatever they schedule and fires at the first frame after them.
    window.addEventListener(
      type,
      (event) => {
        if (!event.isTrusted) return
        const start = event.timeStamp
        requestAnimationFrame(() => setTimeout(() => bench.frames.push({ type, start, ms: performance.now() - start }), 0))
      },
      true,
    )
  }
}

/** Waits until the page has nothing left to do for a moment: deferred renders done, entries delivered. */
async function settle(page: Page): Promise<void> {
  await page.evaluate(
    () =>
      new Promise<void>((done) => {
        let quiet = 0
        let last = performance.now()
        const frame = (now: number) => {
          // Three frames in a row without a long gap between them: the main thread is free.
          quiet = now - last < 40 ? quiet + 1 : 0
          last = now
          if (quiet >= 3) setTimeout(done, 50)
          else requestAnimationFrame(frame)
        }
        requestAnimationFrame(frame)
      }),
  )
}

const EVENT_NAMES = {
  click: ['pointerdown', 'pointerup', 'mousedown', 'mouseup', 'click'],
  keydown: ['keydown', 'keypress', 'beforeinput', 'input', 'keyup'],
} as const

async function timeOnce(page: Page, kind: 'click' | 'keydown', act: () => Promise<void>): Promise<{ ms: number; eventTiming: boolean }> {
  await settle(page)
  const since = await page.evaluate(() => performance.now())
  await act()
  await page.waitForFunction(
    ({ since, kind }) => (window as unknown as BenchWindow).__bench.frames.some((frame) => frame.type === kind && frame.start >= since),
    { since, kind },
  )
  await settle(page)
  const names: readonly string[] = EVENT_NAMES[kind]
  const { events, frames } = await page.evaluate(() => (window as unknown as BenchWindow).__bench)
  const timed = events.filter((event) => event.start >= since && names.includes(event.name))
  const frame = frames.find((candidate) => candidate.type === kind && candidate.start >= since)
  if (timed.length > 0) return { ms: Math.max(...timed.map((event) => event.duration)), eventTiming: true }
  if (!frame) throw new Error(`no frame followed the ${kind}`)
  return { ms: frame.ms, eventTiming: false }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2
}

async function timeTrials(page: Page, kind: 'click' | 'keydown', act: (trial: number) => Promise<void>, reset: () => Promise<void>): Promise<InteractionTimes> {
  const results: { ms: number; eventTiming: boolean }[] = []
  for (let trial = 0; trial < TRIALS; trial += 1) {
    await reset()
    results.push(await timeOnce(page, kind, () => act(trial)))
  }
  const trials = results.map((result) => result.ms)
  return { trials, median: median(trials), byEventTiming: results.filter((result) => result.eventTiming).length }
}

async function expectText(locator: Locator): Promise<void> {
  await locator.waitFor({ timeout: 15_000 })
}

/** A number as the English page writes it ("1,000"). */
function inWords(count: number): string {
  return count.toLocaleString('en-US')
}

/**
 * Opens `consentUrl` in Chromium on a phone viewport, signed in with `cookie` as the person with
 * MANY_SAMPLES samples (in English, so the controls are found by their English names), shows all
 * of them, and times Select all, one checkbox and one character typed into the filter, TRIALS
 * times each.
 */
export async function timePicker(origin: string, consentUrl: string, cookie: string): Promise<PickerTimes> {
  const browser = await launchBrowser()
  try {
    const context = await browser.newContext({ viewport: PHONE, locale: 'en-US' })
    const [name, value = ''] = cookie.split('=')
    await context.addCookies([{ name: name ?? '', value, url: origin }])
    // tsx compiles with esbuild's keepNames, which wraps named functions in a `__name` helper
    // that functions sent into the page would otherwise miss.
    await context.addInitScript({ content: 'window.__name = (fn) => fn' })
    await context.addInitScript(recordInputs)
    const page = await context.newPage()
    await page.goto(consentUrl)
    const selectAll = page.getByRole('checkbox', { name: 'Select all' })
    await selectAll.waitFor({ timeout: 30_000 })
    const count = (selected: number) => expectText(page.getByText(`${inWords(selected)} of ${inWords(MANY_SAMPLES)} selected`, { exact: true }))

    // The page starts with the first rows only (src/components/consent/biosample-picker.tsx); what
    // is timed is the picker with every row rendered, as someone who pressed Show all has it.
    await page.getByRole('button', { name: `Show all ${inWords(MANY_SAMPLES)} samples` }).click()
    await page.waitForFunction((rows) => document.querySelectorAll('input[name="biosample"]').length === rows, MANY_SAMPLES, { timeout: 30_000 })

    // On, off, on…: both directions change every row.
    const selectAllTimes = await timeTrials(
      page,
      'click',
      async (trial) => {
        await selectAll.click()
        await count(trial % 2 === 0 ? MANY_SAMPLES : 0)
      },
      async () => undefined,
    )
    if (await selectAll.isChecked()) {
      await selectAll.click()
      await count(0)
    }

    // A row halfway down the list, as someone scrolling would reach it.
    const row = page.getByRole('checkbox', { name: new RegExp(biosamples(MANY_SAMPLES)[MANY_SAMPLES / 2]?.biosample_id ?? '') })
    await row.scrollIntoViewIfNeeded()
    const toggleTimes = await timeTrials(
      page,
      'click',
      async (trial) => {
        await row.click()
        await count(trial % 2 === 0 ? 1 : 0)
      },
      async () => undefined,
    )

    const filter = page.getByRole('searchbox', { name: 'Filter samples' })
    const filterTimes = await timeTrials(
      page,
      'keydown',
      async () => {
        await filter.press('7')
      },
      async () => {
        await filter.fill('')
        await filter.focus()
      },
    )
    return { selectAll: selectAllTimes, toggle: toggleTimes, filter: filterTimes }
  } finally {
    await browser.close()
  }
}
