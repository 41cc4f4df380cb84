// settle (records.ts) against the platform's whole-second grant times.
import { expect, test } from 'vitest'
import type { ConsentRecord } from '../../src/contract/records'
import { WEB_APP } from '../../test/support/bff'
import { settle } from './records'

const SAMPLES = [
  { biosample_id: 'E-A0001', type: 'Lowpass' },
  { biosample_id: 'E-A0003', type: '16S' },
]

test('settle: a grant stamped in the same whole second as the attempt started is that attempt’s, even with no clock margin', () => {
  // The platform writes grant_time in whole seconds: an authorize sent at …:00.700 is stamped …:00.
  const attempt = { decision: 'authorize', client_id: WEB_APP.client_id, at: '2025-01-02T03:04:05.700Z', biosamples: SAMPLES } as ConsentRecord
  const grant = { application: { client_id: WEB_APP.client_id, name: 'Gene Insight', logo: '' }, grant_time: '2025-01-02T03:04:05Z', biosample_ids: SAMPLES }
  const later = Date.parse(attempt.at) + 5_000
  expect(settle(attempt, [grant], { upstreamTimeoutMs: 150, clockMarginMs: 0, now: later })).toBe('granted')
  // A grant of the second before is an earlier one: not this attempt's.
  expect(settle(attempt, [{ ...grant, grant_time: '2025-01-02T03:04:04Z' }], { upstreamTimeoutMs: 150, clockMarginMs: 0, now: later })).toBe('failed')
})
