import { randomBytes } from 'node:crypto'
import { describe, expect, onTestFinished, test } from 'vitest'
import type { Scope } from '../../src/contract/api'
import type { ConsentRecord } from '../../src/contract/records'
import { sinceLastSchema } from '../../src/contract/since-last'
import { consentRecord } from '../../test/support/fixture-records'
import { testWorld, useBff, WEB_APP, type Bff } from '../../test/support/bff'
import { parseFixtures } from '../sandbox/fixtures'
import { PLATFORM_SCOPES } from '../sandbox/platform-scopes'
import { openPortalStore, type PortalStore } from '../store/portal-store'
import { displayedScopes } from './shown-texts'
import { compareWithPrevious, latestAgreed, sinceLastOf } from './since-last'
import { ConsentTickets } from './ticket'
import { testReceiptKeys } from '../../test/support/receipt-keys'

/** A scope as the platform registers it (its Chinese words), from the sandbox's own list. */
function platform(name: string): Scope {
  const found = PLATFORM_SCOPES.find((scope) => scope.scope === name)
  if (!found) throw new Error(`no platform scope ${name}`)
  return { scope: found.scope, title: found.title, message: found.message }
}

/** An authorize recorded in `language` with the words a page in it showed for `scopes`. */
function agreedTo(scopes: Scope[], language: 'zh-CN' | 'en', overrides: Partial<ConsentRecord> = {}): ConsentRecord {
  return consentRecord({ language, scopes: displayedScopes(scopes, language).map((s) => ({ ...s, tier: 'basic' })), ...overrides })
}

describe('compareWithPrevious: what the page grants now against the latest authorize', () => {
  const profile = platform('profile.default')
  const samples = platform('sample.default:read')
  const survey = platform('survey.default')

  test('the same scopes in the same words: nothing changed, and the samples shared then', () => {
    const previous = agreedTo([profile, samples], 'zh-CN')
    const since = compareWithPrevious(previous, [profile, samples])
    expect(since).toEqual({
      status: 'compared',
      receipt: previous.id,
      at: previous.at,
      language: 'zh-CN',
      added: [],
      removed: [],
      changed: [],
      samples_then: previous.biosamples,
    })
    expect(() => sinceLastSchema.parse(since)).not.toThrow()
  })

  test('a scope the app is registered for since: added, with the platform’s words, in the app’s order', () => {
    const since = compareWithPrevious(agreedTo([profile, samples], 'en'), [profile, survey, samples])
    expect(since.added).toEqual([survey])
    expect(since.removed).toEqual([])
    expect(since.changed).toEqual([])
  })

  test('a scope the app no longer has: removed, in the words agreed then', () => {
    const previous = agreedTo([profile, samples], 'en')
    const since = compareWithPrevious(previous, [profile])
    const [, agreedSamples] = previous.scopes
    expect(since.removed).toEqual([{ scope: 'sample.default:read', title: agreedSamples?.title, message: agreedSamples?.message }])
    // The English words shown then, not the platform's Chinese ones.
    expect(since.removed[0]?.title).not.toBe(samples.title)
    expect(since.added).toEqual([])
  })

  test('words the platform changed: then and now, both as a page in the record’s language shows them', () => {
    const previous = agreedTo([profile, samples], 'zh-CN')
    const reworded = { ...samples, message: `${samples.message}（含原始数据）` }
    const since = compareWithPrevious(previous, [profile, reworded])
    expect(since.changed).toEqual([
      { scope: 'sample.default:read', then: { title: samples.title, message: samples.message }, now: { title: samples.title, message: reworded.message } },
    ])
    expect(since.added).toEqual([])
    expect(since.removed).toEqual([])
  })

  test('words are compared in the record’s language: a Chinese rewording of a known scope changes nothing an English reader saw', () => {
    const reworded = { ...samples, title: `${samples.title}（新）` }
    // Agreed in English: the English page shows the catalogue's words for a known scope, which did not change.
    expect(compareWithPrevious(agreedTo([profile, samples], 'en'), [profile, reworded]).changed).toEqual([])
    // Agreed in Chinese: the same rewording is what that reader would now read.
    expect(compareWithPrevious(agreedTo([profile, samples], 'zh-CN'), [profile, reworded]).changed).toEqual([
      expect.objectContaining({ scope: 'sample.default:read', then: expect.objectContaining({ title: samples.title }), now: expect.objectContaining({ title: reworded.title }) }),
    ])
  })

  test('an English record is not "changed" merely because Chinese words differ from it', () => {
    const since = compareWithPrevious(agreedTo([profile, samples], 'en'), [profile, samples])
    expect(since.language).toBe('en')
    expect(since.changed).toEqual([])
  })

  test('no authorize: no comparison; a store that did not answer: unavailable', () => {
    expect(sinceLastOf(null, [profile])).toBeNull()
    expect(sinceLastOf('unavailable', [profile])).toEqual({ status: 'unavailable' })
  })
})

describe('latestAgreed: the store read behind the comparison never fails the page', () => {
  function memoryStore(): PortalStore {
    const store = openPortalStore({ engine: 'sqlite', path: ':memory:' }, { receipts: testReceiptKeys })
    onTestFinished(() => store.close())
    return store
  }

  test('the latest granted authorize of that app, not a deny, another app’s or a failed one', async () => {
    const store = memoryStore()
    const granted = consentRecord({ id: 'old-granted', at: '2024-01-01T00:00:00.000Z' })
    await store.writeRecord(granted)
    await store.writeRecord(consentRecord({ id: 'denied', decision: 'deny', at: '2024-02-01T00:00:00.000Z' }))
    await store.writeRecord(consentRecord({ id: 'failed', outcome: 'failed', at: '2024-03-01T00:00:00.000Z' }))
    await store.writeRecord(consentRecord({ id: 'other-app', client_id: 'gut-check', at: '2024-04-01T00:00:00.000Z' }))
    expect((await latestAgreed(store, Promise.resolve(granted.user_id), 'web-app')) as ConsentRecord).toMatchObject({ id: 'old-granted' })
    expect(await latestAgreed(store, Promise.resolve(granted.user_id), 'never-agreed')).toBeNull()
  })

  test('a store that fails, one that hangs, and a person who cannot be read: unavailable, logged', async () => {
    const lines: string[] = []
    const log = (line: string) => void lines.push(line)
    const failing = { listRecords: () => Promise.reject(new Error('connection refused')) } as unknown as PortalStore
    expect(await latestAgreed(failing, Promise.resolve('u'), 'web-app', { log })).toBe('unavailable')
    const hanging = { listRecords: () => new Promise(() => undefined) } as unknown as PortalStore
    const started = Date.now()
    expect(await latestAgreed(hanging, Promise.resolve('u'), 'web-app', { log, waitMs: 50 })).toBe('unavailable')
    expect(Date.now() - started).toBeLessThan(1_000)
    expect(await latestAgreed(memoryStore(), Promise.reject(new Error('40008')), 'web-app', { log })).toBe('unavailable')
    expect(lines).toEqual([
      expect.stringMatching(/^warn: since-last comparison unavailable for web-app: .*connection refused/),
      expect.stringMatching(/^warn: since-last comparison unavailable for web-app: the portal store did not answer within 50 ms/),
      expect.stringMatching(/^warn: since-last comparison unavailable for web-app: 40008/),
    ])
  })
})

// Through the BFF: the application answer carries the comparison, and decisions record the receipt it compared against.
const ALICE_SAMPLES = [{ biosample_id: 'E-A0001', type: 'Lowpass' }]

async function application(bff: Bff) {
  const query = new URLSearchParams({ ...WEB_APP, response_type: 'code' })
  const response = await bff.request(`/api/oauth2/application?${query}`, { as: 'alice' })
  expect(response.status).toBe(200)
  return (await response.json()) as { ticket: string | null; since_last?: unknown }
}

async function decide(bff: Bff, path: 'authorize' | 'deny', ticket: string, language: 'zh-CN' | 'en' = 'zh-CN') {
  const response = await bff.request(`/api/oauth2/${path}`, {
    method: 'POST',
    as: 'alice',
    json: { ticket, language, ...WEB_APP, state: 's', ...(path === 'authorize' && { separate_consent: true, biosample_ids: ALICE_SAMPLES }) },
  })
  expect(response.status).toBe(200)
}

async function records(bff: Bff): Promise<ConsentRecord[]> {
  return ((await (await bff.request('/api/records?client_id=web-app', { as: 'alice' })).json()) as { records: ConsentRecord[] }).records
}

/** The sandbox's world again, with the web app registered for `scopes`: what "now registered with one more scope" means. */
function registerWebApp(bff: Bff, scopes: string[]) {
  const world = testWorld()
  bff.store.replaceWith(
    parseFixtures({ ...world, applications: world.applications?.map((app) => (app.client_id === WEB_APP.client_id ? { ...app, scopes } : app)) }),
  )
}

describe('GET /api/oauth2/application: since_last', () => {
  test('none before the first authorize; after it, the scope the app was registered for since, and the samples shared then', async () => {
    const bff = useBff()
    const first = await application(bff)
    expect(first.since_last).toBeNull()
    await decide(bff, 'authorize', first.ticket ?? '')
    const [agreed] = (await records(bff)).filter((r) => r.decision === 'authorize' && r.resolves === null)
    expect(agreed?.previous_receipt).toBeNull()

    registerWebApp(bff, ['profile.default', 'profile.advanced', 'sample.default:read', 'variant.rsid', 'survey.default'])
    const second = await application(bff)
    expect(second.since_last).toEqual({
      status: 'compared',
      receipt: agreed?.id,
      at: agreed?.at,
      language: 'zh-CN',
      added: [platform('survey.default')],
      removed: [],
      changed: [],
      samples_then: ALICE_SAMPLES,
    })
    // Deny and authorize on the new page both point back at the receipt it compared against.
    await decide(bff, 'deny', second.ticket ?? '')
    await decide(bff, 'authorize', (await application(bff)).ticket ?? '', 'en')
    const attempts = (await records(bff)).filter((r) => r.resolves === null)
    expect(attempts.map((r) => [r.decision, r.previous_receipt])).toEqual([
      ['authorize', agreed?.id],
      ['deny', agreed?.id],
      ['authorize', null],
    ])
  })

  test('nothing changed: an empty comparison, still with the date and receipt', async () => {
    const bff = useBff()
    await decide(bff, 'authorize', (await application(bff)).ticket ?? '')
    expect((await application(bff)).since_last).toMatchObject({ status: 'compared', added: [], removed: [], changed: [] })
  })

  test('signed out (the preview): no ticket and no comparison at all', async () => {
    const bff = useBff()
    const response = await bff.request(`/api/oauth2/application?${new URLSearchParams(WEB_APP)}`)
    const body = await response.json()
    expect(body.ticket).toBeNull()
    expect(body).not.toHaveProperty('since_last')
  })

  test('a store that cannot answer: the page still comes, saying the comparison is unavailable; the decision looks the receipt up itself', async () => {
    const real = openPortalStore({ engine: 'sqlite', path: ':memory:' }, { receipts: testReceiptKeys })
    onTestFinished(() => real.close())
    let down = false
    const portalStore: PortalStore = { ...real, listRecords: (...args) => (down ? Promise.reject(new Error('connection refused')) : real.listRecords(...args)) }
    const bff = useBff({ portalStore })
    await decide(bff, 'authorize', (await application(bff)).ticket ?? '')
    const agreed = (await records(bff)).find((r) => r.decision === 'authorize' && r.resolves === null)

    down = true
    const page = await application(bff)
    expect(page.since_last).toEqual({ status: 'unavailable' })
    expect(page.ticket).toEqual(expect.any(String))
    expect(bff.logEntries().some((entry) => entry.level === 'warn' && entry.msg.startsWith('since-last comparison unavailable for web-app'))).toBe(true)

    down = false
    await decide(bff, 'deny', page.ticket ?? '')
    expect((await records(bff))[0]).toMatchObject({ decision: 'deny', previous_receipt: agreed?.id })
  })
})

test('the ticket carries the receipt the page compared against: an id, null for none, nothing when the page could not compare', () => {
  const tickets = new ConsentTickets([randomBytes(32)])
  const request = { authToken: 'tok-1', clientId: 'app', redirectUri: 'https://a.example/cb', scope: '' }
  const issue = (previousReceipt: string | null | undefined) =>
    tickets.issue({ ...request, requiresSamples: false, wxmpAppId: '', appName: 'App', appLogo: '', textDigests: { 'zh-CN': '1', en: '2' }, previousReceipt })
  const carried = (ticket: string) => {
    const result = tickets.verify(ticket, request)
    if (!result.ok) throw new Error(result.problem)
    return 'pr' in result.ticket ? result.ticket.pr : 'absent'
  }
  expect(carried(issue('rec-1'))).toBe('rec-1')
  expect(carried(issue(null))).toBeNull()
  expect(carried(issue(undefined))).toBe('absent')
})
