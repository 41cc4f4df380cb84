// Every page rendered on the server the way the BFF serves it: the SPA's real router, loaders and
// components (src/entry-server.tsx) over the in-process BFF and sandbox, in Node with no browser
// globals. The dates on those pages are the person's, whatever zone the server process runs in
// (issue #17: a sample "taken Mar 19" must not become "Mar 20" on another server).
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest'
import { RENDER_STATE_ID } from '../../src/contract/render-state'
import { PAGE_ROUTES, type PageName } from '../../src/contract/routes'
import { PLATFORM_TIME_ZONE } from '../../src/contract/time-zone'
import { testWorld, useBff, WEB_APP, type Bff } from '../../test/support/bff'

// 00:30 on March 20 in Shanghai (the platform's zone), 16:30 on March 19 in UTC, 12:30 on March 19
// in New York: one instant, three calendar dates, so a date shown in the wrong zone shows.
const TAKEN = '2024-03-19T16:30:00Z'
// The pages are read three days later.
const READ_AT = Date.parse('2024-03-22T17:00:00Z')

/** The world of the other BFF tests, with Alice's samples taken at that instant. */
function world() {
  const fixtures = testWorld()
  return { ...fixtures, users: fixtures.users.map((user) => ({ ...user, biosamples: (user.biosamples ?? []).map((sample) => ({ ...sample, sample_time: TAKEN })) })) }
}

interface RenderedPage {
  status: number
  location: string | null
  html: string
  state: { timeZone: string; now: number; lang: string } | undefined
}

/** A page as the server answers it, for Alice, with the server process in `processZone`. */
async function page(bff: Bff, path: string, options: { processZone: string; cookie?: string }): Promise<RenderedPage> {
  process.env.TZ = options.processZone
  // Node follows TZ at once; were it not to, this test would prove nothing.
  expect(new Intl.DateTimeFormat().resolvedOptions().timeZone).toBe(options.processZone)
  const headers: Record<string, string> = { 'Accept-Language': 'en', Cookie: `${bff.config.authCookie}=tok-alice-3f9c2a7e51d84b06${options.cookie ? `; ${options.cookie}` : ''}` }
  const response = await bff.request(path, { headers })
  const html = await response.text()
  const state = new RegExp(`<script type="application/json" id="${RENDER_STATE_ID}">([^<]*)</script>`).exec(html)?.[1]
  return { status: response.status, location: response.headers.get('Location'), html, state: state ? (JSON.parse(state) as RenderedPage['state']) : undefined }
}

/** The page's text as a reader gets it, tags dropped. */
function text(html: string): string {
  const root = html.slice(html.indexOf('<div id="root">'), html.indexOf(`id="${RENDER_STATE_ID}"`))
  return root.replace(/<!-- -->/g, '').replace(/<[^>]+>/g, ' ').replace(/&#x27;/g, "'").replace(/&amp;/g, '&').replace(/\s+/g, ' ')
}

/**
 * Every date on the page ("Mar 20, 2024", "March 20, 2024 at 12:30 AM GMT+8"), to the minute: the
 * platform's answer is recorded a second after the attempt.
 */
function datesOn(html: string): string[] {
  const dates = text(html).match(/\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]* \d{1,2}, \d{4}(?: at [\d:]+ [AP]M [A-Z]{3}[+-]?\d*)?/g) ?? []
  return dates.map((date) => date.replace(/(\d:\d\d):\d\d /, '$1 '))
}

let savedZone: string | undefined
beforeEach(() => {
  savedZone = process.env.TZ
  vi.useFakeTimers({ toFake: ['Date'] })
})
afterEach(() => {
  vi.useRealTimers()
  if (savedZone === undefined) delete process.env.TZ
  else process.env.TZ = savedZone
})

/** A BFF where Alice authorized the web app at TAKEN, read at READ_AT; the receipt's path. */
async function aliceAuthorizedAtTaken(): Promise<{ bff: Bff; receipt: string }> {
  vi.setSystemTime(Date.parse(TAKEN))
  const bff = useBff({
    fixtures: world(),
    // The platform takes a second to answer, so the record of its answer is newer than the attempt
    // (records are ordered by time), as on any real clock.
    wrapUpstream: (client) => ({
      ...client,
      authorize: async (p, call) => {
        const answer = await client.authorize(p, call)
        vi.setSystemTime(Date.now() + 1000)
        return answer
      },
    }),
  })
  const held = await bff.consent('alice', WEB_APP, 'en')
  const decision = await bff.request('/api/oauth2/authorize', {
    method: 'POST',
    as: 'alice',
    json: { ...held, ...WEB_APP, state: 'st', separate_consent: true, biosample_ids: [{ biosample_id: 'E-A0001', type: 'Lowpass' }] },
  })
  expect(decision.status).toBe(200)
  const { records } = (await (await bff.request('/api/records', { as: 'alice' })).json()) as { records: { id: string; at: string; resolves: string | null }[] }
  // The attempt, and the record that it was granted.
  const attempts = records.filter((record) => record.resolves === null)
  expect(attempts.map((record) => record.at)).toEqual(['2024-03-19T16:30:00.000Z'])
  vi.setSystemTime(READ_AT)
  return { bff, receipt: `/activity/${attempts[0]?.id}` }
}

const consentPath = `/oauth2/authorize?${new URLSearchParams({ ...WEB_APP, response_type: 'code', state: 'st' })}`
const previewPath = `/developer/preview?${new URLSearchParams({ client_id: WEB_APP.client_id, redirect_uri: WEB_APP.redirect_uri })}`

describe('the server render', () => {
  test('runs in Node with no browser globals', () => {
    expect(typeof window).toBe('undefined')
    expect(typeof document).toBe('undefined')
    expect(typeof localStorage).toBe('undefined')
  })

  test('renders every page of the route list: its status, its key text, dates in the platform’s zone', async () => {
    const { bff, receipt } = await aliceAuthorizedAtTaken()
    const paths: Record<PageName, string> = {
      home: '/',
      consent: consentPath,
      grants: '/grants',
      preview: previewPath,
      signin: '/signin',
      activity: '/activity',
      receipt,
      revoke: '/grants/web-app/revoke',
      verify: '/verify',
    }
    const expected: Record<PageName, { status: number; text?: RegExp[]; dates?: string[] }> = {
      home: { status: 302 },
      consent: {
        status: 200,
        text: [/Gene Insight/, /Authorize/, /Deny/, /E-A0001 Lowpass · Status 1 · sampled Mar 20, 2024 · Healthy Gut/, /Signed in as Alice Chen|Alice Chen/],
        // The grant, what changed since the last agreement (on the same day), and the three samples.
        dates: ['Mar 20, 2024', 'Mar 20, 2024', 'Mar 20, 2024', 'Mar 20, 2024', 'Mar 20, 2024'],
      },
      grants: { status: 200, text: [/My authorizations/, /Gene Insight/, /Authorized Mar 20, 2024 · 3 days ago/, /E-A0001/] },
      // The preview's loader reads its app, so the pane and the checklist come with the page.
      preview: { status: 200, text: [/Consent page preview/, /Show preview/, /Gene Insight would like to access your BGE account/, /Checklist/] },
      signin: { status: 200, text: [/Sign in as Alice Chen/, /Sign in as Bob Wang/] },
      activity: { status: 200, text: [/Activity/, /Gene Insight/, /Mar 20, 2024 · 3 days ago/] },
      receipt: { status: 200, text: [/Consent receipt/, /Gene Insight/, /March 20, 2024 at 12:30:00 AM GMT\+8/, /2024-03-19T16:30:00\.000Z/] },
      revoke: { status: 200, text: [/Revoke Gene Insight ?’s access\?/, /E-A0001/, /Cancel/] },
      verify: { status: 200, text: [/Check a receipt/, /Receipt file/, /Or paste the receipt/, /npm run verify-receipt FILE/] },
    }
    for (const name of Object.keys(PAGE_ROUTES) as PageName[]) {
      const rendered = await page(bff, paths[name], { processZone: 'UTC' })
      const want = expected[name]
      expect(rendered.status, name).toBe(want.status)
      if (want.status === 302) {
        expect(rendered.location, name).toBe(PAGE_ROUTES.grants.path)
        continue
      }
      expect(rendered.state, name).toMatchObject({ timeZone: PLATFORM_TIME_ZONE, now: READ_AT, lang: 'en' })
      for (const pattern of want.text ?? []) expect(text(rendered.html), `${name}: ${pattern}`).toMatch(pattern)
      if (want.dates) expect(datesOn(rendered.html), name).toEqual(want.dates)
    }
    expect(text((await page(bff, previewPath, { processZone: 'UTC' })).html)).not.toMatch(/Loading the app/)
  })

  test.each([
    ['no zone remembered: the platform’s', undefined, 'Asia/Shanghai', 'Mar 20, 2024', 'March 20, 2024 at 12:30 AM GMT+8'],
    ['the zone the browser reported', 'bge_tz=America%2FNew_York', 'America/New_York', 'Mar 19, 2024', 'March 19, 2024 at 12:30 PM EDT'],
    ['a cookie naming no zone: the platform’s', 'bge_tz=Mars%2FOlympus', 'Asia/Shanghai', 'Mar 20, 2024', 'March 20, 2024 at 12:30 AM GMT+8'],
  ])('%s: the same dates from a server in UTC and one in Asia/Shanghai', async (_, cookie, zone, date, dateTime) => {
    const { bff, receipt } = await aliceAuthorizedAtTaken()
    for (const [path, dates] of [
      [consentPath, [date, date, date, date, date]],
      ['/grants', [date, date]],
      ['/activity', [date]],
      // When it was decided (twice: beside the app and in the details) and when the platform confirmed it.
      [receipt, [dateTime, dateTime, dateTime]],
    ] as const) {
      const fromUtc = await page(bff, path, { processZone: 'UTC', ...(cookie && { cookie }) })
      const fromShanghai = await page(bff, path, { processZone: 'Asia/Shanghai', ...(cookie && { cookie }) })
      expect(fromUtc.state?.timeZone, path).toBe(zone)
      expect(datesOn(fromUtc.html), `${path} from UTC: ${text(fromUtc.html)}`).toEqual(dates)
      expect(datesOn(fromShanghai.html), `${path} from Shanghai: ${text(fromShanghai.html)}`).toEqual(dates)
    }
  })
})
