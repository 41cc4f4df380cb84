// Consent records as the BFF serves them (src/contract/records.ts), for the component tests'
// mocked BFF. Alice's, unless a test says otherwise.
import { CHAIN_START, type ConsentDecision, type ConsentOutcome, type ConsentRecord } from '@/contract/records'
import { ALICE } from './fixture-users'

/** What a decision comes to when the platform did what was asked. */
const DONE: Record<ConsentDecision, ConsentOutcome> = { authorize: 'granted', deny: 'denied', revoke: 'revoked' }

/**
 * An authorize of Gene Insight in Chinese, with one scope of each of two tiers and two samples. The
 * outcome is the decision's, done (`granted`, `denied`, `revoked`), unless a test says otherwise.
 * Signed: the first link of a chain.
 */
export function consentRecord(overrides: Partial<ConsentRecord> = {}): ConsentRecord {
  return {
    id: 'rec-authorize-1',
    decision: 'authorize',
    outcome: DONE[overrides.decision ?? 'authorize'],
    resolves: null,
    at: '2024-05-02T00:30:00Z',
    user_id: ALICE.id,
    client_id: 'web-app',
    app_name: 'Gene Insight',
    app_logo: '',
    redirect_host: 'gene.example',
    mini_program_name: null,
    language: 'zh-CN',
    scopes: [
      { scope: 'variant.rsid', title: '基因位点', message: '读取你的基因位点数据', tier: 'genetic' },
      { scope: 'profile.default', title: '基本信息', message: '读取头像、用户名、昵称以及性别等基本用户信息', tier: 'basic' },
    ],
    biosamples: [
      { biosample_id: 'E-A0001', type: 'Lowpass' },
      { biosample_id: 'E-A0002', type: 'Full' },
    ],
    text_sha256: '9f2c4e1b7a3d5f60c8e2b4a6d1f3e5c7a9b0d2f4e6a8c0b1d3f5e7a9c2b4d6f8',
    text_version: 2,
    separate_consent: null,
    previous_receipt: null,
    confirms: null,
    // Signed, as every record since issue 19 is; a test of one written before says so.
    chain_seq: 1,
    previous_sha256: CHAIN_START,
    ...overrides,
  }
}
