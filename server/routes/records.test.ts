import { createHash } from 'node:crypto'
import { describe, expect, test } from 'vitest'
import type { Language } from '../../src/contract/languages'
import { CHAIN_START, canonicalConsentText, foldAttempts, type ConsentRecord } from '../../src/contract/records'
import { ALICE, BOB, useBff, WEB_APP, WX_APP, type Bff, type UserKey } from '../../test/support/bff'
import { openPortalStore, StoreUnavailableError, type PortalStore } from '../store/portal-store'
import { testReceiptKeys } from '../../test/support/receipt-keys'

const AUTHORIZE_PATH = '/openbge/oauth2/authorize'
const REVOKE_PATH = '/openbge/oauth2/revoke_grant'
const ALICE_SAMPLES = [
  { biosample_id: 'E-A0001', type: 'Lowpass' },
  { biosample_id: 'E-A0003', type: '16S' },
]
const BOB_SAMPLES = [{ biosample_id: 'E-B0001', type: 'Lowpass' }]

interface Consent {
  client_id: string
  redirect_uri: string
  scope?: string
}

function decide(bff: Bff, path: 'authorize' | 'deny', held: { ticket: string; language: Language }, consent: Consent, as: UserKey = 'alice', samples = ALICE_SAMPLES) {
  return bff.request(`/api/oauth2/${path}`, {
    method: 'POST',
    as,
    json: { ...held, ...consent, state: 'st', ...(path === 'authorize' && { biosample_ids: samples }) },
  })
}

/** The person's decision attempts, newest first, each with its current outcome (resolutions folded in). */
async function records(bff: Bff, as: UserKey, query = ''): Promise<ConsentRecord[]> {
  return foldAttempts(await rawRecords(bff, as, query)).map(({ record, outcome }) => ({ ...record, outcome }))
}

/** The records as stored: attempts and the records that resolve them. */
async function rawRecords(bff: Bff, as: UserKey, query = ''): Promise<ConsentRecord[]> {
  const response = await bff.request(`/api/records${query}`, { as })
  expect(response.status).toBe(200)
  return (await response.json()).records
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex')
}

describe('a record for each decision', () => {
  test('authorize: who, what app, where they were sent, the words shown in their language, the samples, the hash', async () => {
    const bff = useBff()
    const before = new Date().toISOString()
    const held = await bff.consent('alice', WEB_APP, 'en')
    expect((await decide(bff, 'authorize', held, WEB_APP)).status).toBe(200)
    const [record, ...rest] = await records(bff, 'alice')
    expect(rest).toEqual([])
    // Every scope the app is registered for, profile.advanced too although the link did not name it:
    // the platform grants them all, and the record says no less than the grant.
    const scopes = [
      { scope: 'profile.default', title: 'Basic profile', message: 'Read your avatar, user name, nickname, gender and other basic profile details', tier: 'basic' },
      { scope: 'profile.advanced', title: 'Extended profile', message: 'Read your user number and other profile details', tier: 'basic' },
      { scope: 'sample.default:read', title: 'Read sample details', message: 'Read sample numbers, sample status, sampling times and similar details', tier: 'basic' },
      { scope: 'variant.rsid', title: 'Genomic variants (by RS number)', message: 'Read your genotype at every dbSNP RS number', tier: 'genetic' },
    ]
    expect(record).toEqual({
      id: expect.stringMatching(/^[A-Za-z0-9_-]{24}$/),
      decision: 'authorize',
      outcome: 'granted',
      resolves: null,
      at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
      user_id: ALICE.id,
      client_id: 'web-app',
      app_name: 'Gene Insight',
      app_logo: 'https://app.example/logo.png',
      redirect_host: 'app.example',
      mini_program_name: null,
      language: 'en',
      scopes,
      biosamples: ALICE_SAMPLES,
      text_sha256: sha256(canonicalConsentText({ language: 'en', app_name: 'Gene Insight', scopes })),
      text_version: 2,
      separate_consent: null,
      previous_receipt: null,
      confirms: null,
      // Alice's first record: the start of her chain (the store chains and signs it).
      chain_seq: 1,
      previous_sha256: CHAIN_START,
    })
    const at = record?.at ?? ''
    expect(at >= before && at <= new Date().toISOString()).toBe(true)
    // The canonical form a receipt's reader recomputes, spelled out once.
    expect(canonicalConsentText({ language: 'en', app_name: 'A "b"', scopes: [{ scope: 's', title: 't', message: '中' }] }, 1)).toBe(
      '["en","A \\"b\\"",[["s","t","中"]]]',
    )
    expect(canonicalConsentText({ language: 'en', app_name: 'A "b"', scopes: [{ scope: 's', title: 't', message: '中' }], separate_consent: { words: ['I agree'] } })).toBe(
      '[2,"en","A \\"b\\"",[["s","t","中"]],["I agree"]]',
    )
    // The attempt as stored was written before the platform was asked, so its own outcome is unknown.
    expect(await (await bff.request(`/api/records/${record?.id}`, { as: 'alice' })).json()).toEqual({ ...record, outcome: 'unknown' })
  })

  test('deny: the platform’s own words in Chinese, no samples; a mini program is named, not a host', async () => {
    const bff = useBff()
    const consent = { client_id: WX_APP.client_id, redirect_uri: WX_APP.redirect_uri }
    expect((await decide(bff, 'deny', await bff.consent('alice', consent), consent)).status).toBe(200)
    expect(await records(bff, 'alice')).toEqual([
      expect.objectContaining({
        decision: 'deny',
        client_id: 'wx-app',
        app_name: 'App wx-app',
        redirect_host: null,
        mini_program_name: 'App wx-app',
        language: 'zh-CN',
        scopes: [
          { scope: 'profile.default', title: '基本信息', message: '读取头像、用户名、昵称以及性别等基本用户信息', tier: 'basic' },
          { scope: 'sample.default:read', title: '读取样品信息', message: '读取样品编号、样品状态、采样时间等信息', tier: 'basic' },
        ],
        biosamples: [],
      }),
    ])
  })

  test('a repeat of the same ticket gets the first answer and writes no second record', async () => {
    const bff = useBff()
    const held = await bff.consent('alice', WEB_APP)
    const answers = await Promise.all([decide(bff, 'authorize', held, WEB_APP), decide(bff, 'authorize', held, WEB_APP)])
    const again = await decide(bff, 'authorize', held, WEB_APP)
    const bodies = await Promise.all([...answers, again].map((response) => response.json()))
    expect(new Set(bodies.map((body) => JSON.stringify(body))).size).toBe(1)
    expect(await records(bff, 'alice')).toHaveLength(1)
    expect(bff.callsTo(AUTHORIZE_PATH)).toHaveLength(1)
  })

  test('newest first, and narrowed to one app with client_id', async () => {
    const bff = useBff()
    const profile = { client_id: 'profile-app', redirect_uri: 'https://profile.example/cb' }
    await decide(bff, 'deny', await bff.consent('alice', WEB_APP), WEB_APP)
    await decide(bff, 'authorize', await bff.consent('alice', profile), profile)
    await decide(bff, 'authorize', await bff.consent('alice', WEB_APP), WEB_APP)
    const all = await records(bff, 'alice')
    expect(all.map((r) => [r.client_id, r.decision])).toEqual([
      ['web-app', 'authorize'],
      ['profile-app', 'authorize'],
      ['web-app', 'deny'],
    ])
    expect((await records(bff, 'alice', '?client_id=web-app')).map((r) => r.decision)).toEqual(['authorize', 'deny'])
  })
})

describe('the words recorded are the ones the page was served, recomputed by the BFF', () => {
  test('texts the platform changed since the page was shown: 409 shown_texts_mismatch, nothing minted or recorded', async () => {
    let changed = false
    const bff = useBff({
      wrapUpstream: (client) => ({
        ...client,
        application: async (p, o) => {
          const app = await client.application(p, o)
          return changed ? { ...app, scopes: app.scopes.map((scope, i) => (i === 0 ? { ...scope, title: `${scope.title}.` } : scope)) } : app
        },
      }),
    })
    const held = await bff.consent('alice', WEB_APP)
    changed = true
    for (const path of ['authorize', 'deny'] as const) {
      const response = await decide(bff, path, held, WEB_APP)
      expect(response.status).toBe(409)
      expect(await response.json()).toMatchObject({ error: { code: 'shown_texts_mismatch' } })
    }
    expect(bff.callsTo(AUTHORIZE_PATH)).toEqual([])
    expect(await records(bff, 'alice')).toEqual([])
    // Refused before the ticket was claimed: once the texts are the page's again, it decides.
    changed = false
    expect((await decide(bff, 'authorize', held, WEB_APP)).status).toBe(200)
  })

  test('a language the ticket was not issued for is refused; a body that names texts is refused as malformed', async () => {
    const bff = useBff()
    const held = await bff.consent('alice', WEB_APP)
    const odd = await decide(bff, 'deny', { ...held, language: 'fr' as Language }, WEB_APP)
    expect(odd.status).toBe(400)
    const claimed = await bff.request('/api/oauth2/deny', {
      method: 'POST',
      as: 'alice',
      json: { ...held, ...WEB_APP, state: 'st', shown: { language: 'zh-CN', scopes: [] } },
    })
    expect(claimed.status).toBe(400)
    expect(await claimed.json()).toMatchObject({ error: { code: 'invalid_request' } })
    expect(await records(bff, 'alice')).toEqual([])
  })

  test('an English page’s words are accepted in English, and a Chinese page’s in Chinese', async () => {
    const bff = useBff()
    for (const language of ['en', 'zh-CN'] as const) {
      const response = await decide(bff, 'authorize', await bff.consent('alice', WEB_APP, language), WEB_APP)
      expect(response.status).toBe(200)
    }
    expect((await records(bff, 'alice')).map((r) => r.language)).toEqual(['zh-CN', 'en'])
  })
})

describe('no decision without its record', () => {
  function failingWrites(store: PortalStore, error: Error): PortalStore {
    return { ...store, writeRecord: () => Promise.reject(error) }
  }

  test.each([
    ['the store is down', new StoreUnavailableError(new Error('connection refused'))],
    ['the write fails some other way', new Error('disk full')],
  ])('%s: authorize and deny answer 503 store_unavailable and the platform is never asked; revoke still happens', async (_name, error) => {
    const store = openPortalStore({ engine: 'sqlite', path: ':memory:' }, { receipts: testReceiptKeys })
    const bff = useBff({ portalStore: failingWrites(store, error) })
    try {
      for (const path of ['authorize', 'deny'] as const) {
        const response = await decide(bff, path, await bff.consent('alice', WEB_APP), WEB_APP)
        expect(response.status).toBe(503)
        expect(await response.json()).toMatchObject({ error: { code: 'store_unavailable' } })
      }
      expect(bff.callsTo(AUTHORIZE_PATH)).toEqual([])
      expect(await store.listRecords(ALICE.id)).toEqual([])
      // Withdrawal never waits on the audit: the revoke is made, its record kept for later.
      const revoke = await bff.request('/api/oauth2/grants/profile-app', { method: 'DELETE', as: 'bob' })
      expect(revoke.status).toBe(204)
      expect(bff.callsTo(REVOKE_PATH)).toHaveLength(1)
      expect((await (await bff.request('/api/oauth2/grants', { as: 'bob' })).json()).grants).toEqual([])
    } finally {
      await store.close()
    }
  })

  test('the platform refuses the authorize: the attempt is recorded as failed, and the retry is an attempt of its own', async () => {
    const bff = useBff({ faults: [{ path: AUTHORIZE_PATH, kind: 'error_code', code: 50001, times: 1 }] })
    const held = await bff.consent('alice', WEB_APP)
    expect((await decide(bff, 'authorize', held, WEB_APP)).status).toBe(502)
    expect((await records(bff, 'alice')).map((r) => [r.decision, r.outcome])).toEqual([['authorize', 'failed']])
    expect((await decide(bff, 'authorize', held, WEB_APP)).status).toBe(200)
    expect((await records(bff, 'alice')).map((r) => [r.decision, r.outcome])).toEqual([
      ['authorize', 'granted'],
      ['authorize', 'failed'],
    ])
    // Appended, never edited: each attempt was first written as unknown, then resolved by a record of its own.
    const raw = await rawRecords(bff, 'alice')
    expect(raw.map((r) => r.outcome).sort()).toEqual(['failed', 'granted', 'unknown', 'unknown'])
    expect(raw.filter((r) => r.resolves !== null).map((r) => r.resolves).sort()).toEqual(raw.filter((r) => r.resolves === null).map((r) => r.id).sort())
  })
})

describe('revoke', () => {
  test('a grant from elsewhere: one record with its samples and no words kept; a second revoke records nothing', async () => {
    const bff = useBff()
    const revoke = () => bff.request('/api/oauth2/grants/profile-app', { method: 'DELETE', as: 'bob', headers: { Cookie: `${bff.config.authCookie}=${BOB.auth_token}; bge_lang=en` } })
    expect((await revoke()).status).toBe(204)
    expect((await revoke()).status).toBe(204)
    expect(await records(bff, 'bob')).toEqual([
      {
        id: expect.any(String),
        decision: 'revoke',
        outcome: 'revoked',
        resolves: null,
        at: expect.any(String),
        user_id: BOB.id,
        client_id: 'profile-app',
        app_name: 'App profile-app',
        app_logo: 'https://app.example/logo.png',
        redirect_host: null,
        mini_program_name: null,
        language: 'en',
        scopes: [],
        biosamples: BOB_SAMPLES,
        text_sha256: sha256(canonicalConsentText({ language: 'en', app_name: 'App profile-app', scopes: [] })),
        text_version: 2,
        separate_consent: null,
        previous_receipt: null,
        confirms: null,
        chain_seq: 1,
        previous_sha256: CHAIN_START,
      },
    ])
  })

  test('after an authorize here: the revoke names the words agreed to; language from Accept-Language', async () => {
    const bff = useBff()
    await decide(bff, 'authorize', await bff.consent('bob', WEB_APP, 'en'), WEB_APP, 'bob', BOB_SAMPLES)
    const [agreed] = await records(bff, 'bob', '?client_id=web-app')
    const response = await bff.request('/api/oauth2/grants/web-app', { method: 'DELETE', as: 'bob', headers: { 'Accept-Language': 'zh-CN,zh;q=0.9' } })
    expect(response.status).toBe(204)
    const [revoked] = await records(bff, 'bob', '?client_id=web-app')
    expect(revoked).toMatchObject({ decision: 'revoke', language: 'zh-CN', scopes: agreed?.scopes, biosamples: BOB_SAMPLES })
  })

  test('the platform fails the revoke, retries and all: an unknown attempt, settled as failed once the grant is still there', async () => {
    const bff = useBff({ faults: [{ path: REVOKE_PATH, kind: 'http_500', times: 3 }], env: { UPSTREAM_TIMEOUT_MS: '100', UPSTREAM_CLOCK_MARGIN_MS: '0' } })
    const response = await bff.request('/api/oauth2/grants/profile-app', { method: 'DELETE', as: 'bob' })
    expect(response.status).toBe(504)
    expect(await response.json()).toMatchObject({ error: { code: 'decision_outcome_unknown' } })
    expect(bff.callsTo(REVOKE_PATH)).toHaveLength(3)
    const [attempt] = await records(bff, 'bob')
    expect(attempt).toMatchObject({ decision: 'revoke', outcome: expect.stringMatching(/^(unknown|failed)$/) })
    expect((await (await bff.request('/api/oauth2/grants', { as: 'bob' })).json()).grants).toHaveLength(1)
    // Older than an upstream call can take, and the grant is still listed: it did not happen.
    await new Promise((resolve) => setTimeout(resolve, 150))
    expect((await records(bff, 'bob')).map((r) => [r.decision, r.outcome])).toEqual([['revoke', 'failed']])
  })

  test('the platform refuses the revoke: a failed attempt at once', async () => {
    const bff = useBff({ faults: [{ path: REVOKE_PATH, kind: 'error_code', code: 40015, times: 1 }] })
    const response = await bff.request('/api/oauth2/grants/profile-app', { method: 'DELETE', as: 'bob' })
    expect(response.status).toBe(403)
    expect((await records(bff, 'bob')).map((r) => [r.decision, r.outcome])).toEqual([['revoke', 'failed']])
  })
})

describe('a person reads only their own records', () => {
  test('Alice cannot list or read Bob’s; his id answers as a missing one does', async () => {
    const bff = useBff()
    await decide(bff, 'authorize', await bff.consent('alice', WEB_APP), WEB_APP)
    await decide(bff, 'authorize', await bff.consent('bob', WEB_APP), WEB_APP, 'bob', BOB_SAMPLES)
    const [bobs] = await records(bff, 'bob')
    expect((await records(bff, 'alice')).map((r) => r.user_id)).toEqual([ALICE.id])
    expect(await records(bff, 'alice', `?client_id=web-app`)).not.toContainEqual(bobs)
    const theirs = await bff.request(`/api/records/${bobs?.id}`, { as: 'alice' })
    const missing = await bff.request('/api/records/no-such-record', { as: 'alice' })
    expect(theirs.status).toBe(404)
    expect(missing.status).toBe(404)
    // The same answer but for the request's own id: nothing tells another's record from none.
    const sansId = async (response: Response) => {
      const { error } = (await response.json()) as { error: Record<string, unknown> }
      return { ...error, request_id: typeof error.request_id }
    }
    expect(await sansId(theirs)).toEqual(await sansId(missing))
    expect((await bff.request(`/api/records/${bobs?.id}`, { as: 'bob' })).status).toBe(200)
  })

  test('signed out: 401 for the list and for one record; answers are never stored by caches', async () => {
    const bff = useBff()
    for (const path of ['/api/records', '/api/records/some-id']) {
      const response = await bff.request(path)
      expect(response.status).toBe(401)
      expect(await response.json()).toMatchObject({ error: { code: 'unauthenticated' } })
    }
    expect((await bff.request('/api/records', { as: 'alice' })).headers.get('Cache-Control')).toBe('no-store')
  })
})

describe('paging (SPEC.md "BFF API": limit, before, next)', () => {
  /** Alice's records written straight to the store, one a minute apart, oldest first. */
  async function seeded(count: number): Promise<{ bff: Bff; ids: string[] }> {
    const bff = useBff()
    const ids: string[] = []
    for (let i = 0; i < count; i++) {
      const id = `rec-${String(i).padStart(3, '0')}`
      ids.unshift(id)
      await bff.portalStore.writeRecord({
        id,
        decision: 'deny',
        outcome: 'denied',
        resolves: null,
        at: new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString(),
        user_id: ALICE.id,
        client_id: i % 2 === 0 ? WEB_APP.client_id : 'profile-app',
        app_name: 'Gene Insight',
        app_logo: '',
        redirect_host: 'app.example',
        mini_program_name: null,
        language: 'en',
        scopes: [],
        biosamples: [],
        text_sha256: 'a'.repeat(64),
        text_version: 2,
        separate_consent: null,
        previous_receipt: null,
        confirms: null,
        chain_seq: null,
        previous_sha256: null,
      })
    }
    return { bff, ids }
  }

  async function page(bff: Bff, query: string): Promise<{ records: ConsentRecord[]; next?: string | null; vanished?: unknown; purged?: unknown }> {
    const response = await bff.request(`/api/records${query}`, { as: 'alice' })
    expect(response.status, query).toBe(200)
    return response.json()
  }

  test('newest first, `limit` at a time, each `next` leading to the older page, null at the end; vanished only on the first', async () => {
    const { bff, ids } = await seeded(5)
    const first = await page(bff, '?limit=2')
    expect(first.records.map((r) => r.id)).toEqual(ids.slice(0, 2))
    expect(first.vanished).toEqual([])
    expect(first.next).toEqual(expect.any(String))
    const second = await page(bff, `?limit=2&before=${first.next}`)
    expect(second.records.map((r) => r.id)).toEqual(ids.slice(2, 4))
    expect(second).not.toHaveProperty('vanished')
    const last = await page(bff, `?limit=2&before=${second.next}`)
    expect(last.records.map((r) => r.id)).toEqual(ids.slice(4))
    expect(last.next).toBeNull()
  })

  test('50 unless asked, and one app\'s pages with client_id', async () => {
    const { bff, ids } = await seeded(53)
    const first = await page(bff, '')
    expect(first.records).toHaveLength(50)
    expect((await page(bff, `?before=${first.next}`)).records.map((r) => r.id)).toEqual(ids.slice(50))
    const web = ids.filter((id) => Number(id.slice(4)) % 2 === 0)
    const webFirst = await page(bff, `?client_id=${WEB_APP.client_id}&limit=20`)
    expect(webFirst.records.map((r) => r.id)).toEqual(web.slice(0, 20))
    expect((await page(bff, `?client_id=${WEB_APP.client_id}&limit=20&before=${webFirst.next}`)).records.map((r) => r.id)).toEqual(web.slice(20))
  })

  test('after a retention purge, the page that ends the list carries the marker (how many, up to when); earlier pages and one app\'s list do not', async () => {
    const { bff, ids } = await seeded(6)
    expect(await page(bff, '')).not.toHaveProperty('purged')
    // The four oldest (00:00 to 00:03) go.
    expect(await bff.portalStore.purgeRecords('2026-01-01T00:03:30.000Z')).toEqual({ people: 1, records: 4 })
    const first = await page(bff, '?limit=1')
    expect(first.records.map((r) => r.id)).toEqual(ids.slice(0, 1))
    expect(first).not.toHaveProperty('purged')
    const last = await page(bff, `?limit=1&before=${first.next}`)
    expect(last.records.map((r) => r.id)).toEqual(ids.slice(1, 2))
    expect(last.next).toBeNull()
    expect(last).toMatchObject({ purged: { count: 4, through: '2026-01-01T00:03:00.000Z' } })
    expect(await page(bff, '')).toMatchObject({ purged: { count: 4 } })
    expect(await page(bff, `?client_id=${WEB_APP.client_id}`)).not.toHaveProperty('purged')
  })

  test.each(['?limit=0', '?limit=101', '?limit=two', '?before=not-a-cursor', `?before=${Buffer.from('yesterday|rec').toString('base64url')}`])(
    '%s: 400 invalid_request',
    async (query) => {
      const bff = useBff()
      const response = await bff.request(`/api/records${query}`, { as: 'alice' })
      expect(response.status).toBe(400)
      expect((await response.json()).error.code).toBe('invalid_request')
    },
  )
})
