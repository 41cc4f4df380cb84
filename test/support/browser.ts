// Launches the system Chromium through playwright-core with the flags this workplace needs.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core'
import { RENDER_STATE_ID } from '../../src/contract/render-state'
import { findChromium } from './chromium-path.mjs'

/** Headless, and no background traffic: this machine's network is closed to all but registries. */
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
]

export async function launchBrowser(): Promise<Browser> {
  const executablePath = findChromium()
  if (!executablePath) throw new Error('No Chromium found: run `node test/support/ensure-chromium.mjs`.')
  const browser = await chromium.launch({
    executablePath,
    args: CHROMIUM_FLAGS,
  })
  const newContext = browser.newContext.bind(browser)
  browser.newContext = async (options) => {
    const context = await newContext(options)
    if (options?.javaScriptEnabled === false) scriptless.add(context)
    return context
  }
  await actLikeAPerson(browser)
  return browser
}

/** Contexts with JavaScript off: their pages never hydrate, and their controls are plain HTML. */
const scriptless = new WeakSet<BrowserContext>()

/** What a locator does to a page: the actions a person takes. */
const ACTIONS = ['click', 'dblclick', 'check', 'uncheck', 'setChecked', 'fill', 'press', 'pressSequentially', 'selectOption', 'tap'] as const
let patched = false

/**
 * A server-rendered page is painted before its script has hydrated it, and a control that only
 * script makes work does nothing until then (a person sees it and waits; the bench measures that
 * window, `npm run bench`). So a journey's every action on such a page first waits for
 * `<html data-hydrated>` (src/start.tsx), an event, never a clock. Pages without the render state
 * (the sandbox's callback page) and contexts without JavaScript act at once.
 */
async function actLikeAPerson(browser: Browser): Promise<void> {
  if (patched) return
  patched = true
  const context = await browser.newContext()
  const prototype = Object.getPrototypeOf((await context.newPage()).locator('body')) as Record<string, unknown>
  await context.close()
  for (const action of ACTIONS) {
    const original = prototype[action] as (this: Locator, ...args: unknown[]) => Promise<unknown>
    prototype[action] = async function (this: Locator, ...args: unknown[]) {
      await untilHydrated(this.page())
      return original.apply(this, args)
    }
  }
}

/**
 * Resolves once the page's script has hydrated it (at once for a page without the render state, or
 * with JavaScript off). Locator actions wait by themselves; `page.keyboard` does not, so a journey
 * that types on a page it just opened waits with this first.
 */
export async function untilHydrated(page: Page): Promise<void> {
  if (scriptless.has(page.context())) return
  // Parsed first: the render state sits at the end of the body, so a page still arriving (a form's
  // answer of 1,000 rows) has none yet and would pass for a page without it.
  await page.waitForFunction(
    (stateId) => document.readyState !== 'loading' && (document.getElementById(stateId) === null || document.documentElement.dataset['hydrated'] === 'true'),
    RENDER_STATE_ID,
  )
}

export const PHONE = { width: 360, height: 740 } as const
export const DESKTOP = { width: 1280, height: 800 } as const

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')

export interface AxeViolation {
  id: string
  impact: string | null
  help: string
  nodes: { target: string[]; failureSummary?: string }[]
}

/**
 * Runs axe-core (WCAG 2.0/2.1/2.2 A and AA rules) in the page. Injected through the DevTools
 * protocol, which the page's CSP does not govern, so the page keeps its real policy.
 */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(axeSource)
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: Document, opts: unknown) => Promise<{ violations: AxeViolation[] }> } }).axe
    const result = await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] },
    })
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target, failureSummary: n.failureSummary })),
    }))
  })
}

export function describeViolations(violations: AxeViolation[]): string {
  return violations
    .map((v) => `${v.id} (${v.impact}): ${v.help}\n${v.nodes.map((n) => `  ${n.target.join(' ')}: ${n.failureSummary ?? ''}`).join('\n')}`)
    .join('\n')
}
