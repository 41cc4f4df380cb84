import { describe, expect, test } from 'vitest'
import { consentRecord } from '../../test/support/fixture-records'
import { foldAttempts, latestGrantedAuthorize, recordsResponseSchema } from './records'

const attempt = (id: string, overrides: Parameters<typeof consentRecord>[0] = {}) => consentRecord({ id, ...overrides })
const resolution = (id: string, resolves: string, outcome: 'granted' | 'failed' | 'revoked', at: string) =>
  consentRecord({ id, resolves, outcome, at })

describe('foldAttempts', () => {
  test('one attempt per attempt record, newest first, its resolution folded in and never a row of its own', () => {
    const older = attempt('a-1', { at: '2024-05-01T00:00:00Z', outcome: 'unknown' })
    const newer = attempt('a-2', { at: '2024-05-02T00:00:00Z', decision: 'deny', outcome: 'denied' })
    const settles = resolution('r-1', 'a-1', 'granted', '2024-05-03T00:00:00Z')
    const attempts = foldAttempts([settles, newer, older])
    expect(attempts.map((each) => [each.record.id, each.outcome, each.resolution?.id])).toEqual([
      ['a-2', 'denied', undefined],
      ['a-1', 'granted', 'r-1'],
    ])
  })

  test('an attempt without a resolution keeps its own outcome, whatever it is', () => {
    const attempts = foldAttempts([attempt('a-u', { outcome: 'unknown' }), attempt('a-f', { outcome: 'failed' })])
    expect(attempts.map((each) => each.outcome)).toEqual(['unknown', 'failed'])
    expect(attempts.every((each) => each.resolution === undefined)).toBe(true)
  })

  test('the newest of several resolutions wins', () => {
    const attempts = foldAttempts([
      resolution('r-2', 'a-1', 'failed', '2024-05-04T00:00:00Z'),
      resolution('r-1', 'a-1', 'granted', '2024-05-03T00:00:00Z'),
      attempt('a-1', { outcome: 'unknown' }),
    ])
    expect(attempts).toHaveLength(1)
    expect(attempts[0]).toMatchObject({ outcome: 'failed', resolution: { id: 'r-2' } })
  })

  test('a resolution whose attempt is not in the list (an earlier page) adds nothing', () => {
    expect(foldAttempts([resolution('r-1', 'elsewhere', 'granted', '2024-05-03T00:00:00Z')])).toEqual([])
  })
})

describe('latestGrantedAuthorize', () => {
  test('skips newer authorizes that failed or are not confirmed, and other apps and decisions', () => {
    const granted = attempt('a-granted', { at: '2024-05-01T00:00:00Z' })
    const records = [
      attempt('other-app', { client_id: 'gut-check', at: '2024-05-06T00:00:00Z' }),
      attempt('a-revoke', { decision: 'revoke', outcome: 'revoked', at: '2024-05-05T00:00:00Z' }),
      attempt('a-unknown', { outcome: 'unknown', at: '2024-05-04T00:00:00Z' }),
      resolution('r-failed', 'a-failed', 'failed', '2024-05-03T00:01:00Z'),
      attempt('a-failed', { outcome: 'unknown', at: '2024-05-03T00:00:00Z' }),
      granted,
    ]
    expect(latestGrantedAuthorize(records, 'web-app')?.record.id).toBe('a-granted')
    expect(latestGrantedAuthorize(records, 'nobody')).toBeUndefined()
  })

  test('an attempt written as unknown counts once a resolution says granted', () => {
    const records = [resolution('r-1', 'a-1', 'granted', '2024-05-03T00:00:00Z'), attempt('a-1', { outcome: 'unknown' })]
    expect(latestGrantedAuthorize(records, 'web-app')).toMatchObject({ record: { id: 'a-1' }, resolution: { id: 'r-1' }, outcome: 'granted' })
  })
})

describe('recordsResponseSchema', () => {
  test('vanished grants are optional, and checked when present', () => {
    expect(recordsResponseSchema.parse({ records: [] })).toEqual({ records: [] })
    const vanished = [{ client_id: 'web-app', app_name: 'Gene Insight', app_logo: '', record_id: 'a-1', granted_at: '2024-05-01T00:00:00Z' }]
    expect(recordsResponseSchema.parse({ records: [], vanished })).toEqual({ records: [], vanished })
    expect(recordsResponseSchema.safeParse({ records: [], vanished: [{ ...vanished[0], granted_at: 'yesterday' }] }).success).toBe(false)
  })
})
