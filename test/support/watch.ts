// A browser page under watch, for the hostile-input and duplicate journeys: every dialog, script
// error, console error and CSP violation it meets is kept, and so is every document it shows, so a
// test can say "nothing ran, nothing was blocked, it went nowhere else".
import type { RenderState } from '../../src/app/hydration'
import { RENDER_STATE_ID } from '../../src/contract/render-state'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { DESKTOP } from './browser'

export interface WatchedTab {
  page: Page
  /** Dialogs, uncaught errors and console errors, in order; should stay empty. */
  problems: string[]
  /** Every URL the main frame showed, in order. */
  visited: string[]
}

export interface WatchedPage extends WatchedTab {
  context: BrowserContext
  /** CSP violations seen by any document of the context (`securitypolicyviolation`). */
  cspViolations: () => string[]
}

/**
 * Console errors the browser writes for an HTTP status the page expected (a signed-out 401, a
 * refused request's 4xx): the page's handling is what the test checks, not the browser's note.
 */
const EXPECTED_STATUS_NOTE = /^Failed to load resource: the server responded with a status of 4\d\d/

/** A fresh context (its own cookies) with one watched tab; `watchTab` opens more. */
export async function watchedPage(browser: Browser, options: { locale?: string } = {}): Promise<WatchedPage> {
  const context = await browser.newContext({ locale: options.locale ?? 'en-US', viewport: DESKTOP })
  const violations: string[] = []
  // Each document reports through a binding, so violations outlive the document that saw them.
  await context.exposeBinding('__reportCspViolation', (_source, text: string) => violations.push(text))
  await context.addInitScript(() => {
    const report = (window as unknown as { __reportCspViolation?: (text: string) => void }).__reportCspViolation
    document.addEventListener('securitypolicyviolation', (event) => {
      report?.(`${event.violatedDirective} ${event.blockedURI} at ${event.documentURI}`)
    })
  })
  return { context, ...(await watchTab(context)), cspViolations: () => [...violations] }
}

/** Another tab of the context, watched the same way. */
export async function watchTab(context: BrowserContext): Promise<WatchedTab> {
  const page = await context.newPage()
  const problems: string[] = []
  const visited: string[] = []
  page.on('dialog', (dialog) => {
    problems.push(`dialog (${dialog.type()}): ${dialog.message()}`)
    void dialog.dismiss()
  })
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`))
  page.on('console', (message) => {
    if (message.type() === 'error' && !EXPECTED_STATUS_NOTE.test(message.text())) problems.push(`console error: ${message.text()}`)
  })
  page.on('framenavigated', (frame) => {
    if (frame === page.mainFrame()) visited.push(frame.url())
  })
  return { page, problems, visited }
}

/** Signs the context in as a fixture user through the BFF, as the sandbox sign-in page does. */
export async function signIn(context: BrowserContext, origin: string, userId: string): Promise<void> {
  const response = await context.request.post(`${origin}/api/session`, {
    headers: { 'Content-Type': 'application/json', 'X-Requested-With': 'fetch', Origin: origin },
    data: { user_id: userId },
  })
  if (!response.ok()) throw new Error(`sign-in as ${userId} failed: ${response.status()}`)
}

/** How many times the BFF called the sandbox's `path` (e.g. `/openbge/oauth2/authorize`), from the portal's request log. */
export function upstreamCalls(output: string, path: string): number {
  return requestLines(output).filter((line) => line.method === 'POST' && line.route === `/sandbox/private-api${path}`).length
}

/** The request lines (JSON, server/http/log.ts) in a portal's output. */
export function requestLines(output: string): { method?: string; route?: string; status?: number }[] {
  return output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { msg?: string; method?: string; route?: string; status?: number })
    .filter((line) => line.msg === 'request')
}

/**
 * The state a server-rendered page hands the browser (src/app/hydration.ts), read from its HTML: what
 * the render read, e.g. the consent page's application answer and its ticket.
 */
export function renderStateOf(html: string): RenderState {
  const json = new RegExp(`<script type="application/json" id="${RENDER_STATE_ID}">([^<]*)</script>`).exec(html)?.[1]
  if (json === undefined) throw new Error('The page carries no render state')
  return JSON.parse(json) as RenderState
}

/** The data of the query whose key starts with `prefix` in a page's render state. */
export function renderedQuery(state: RenderState, ...prefix: unknown[]): unknown {
  return state.queries.queries.find((query) => prefix.every((part, index) => query.queryKey[index] === part))?.state.data
}
