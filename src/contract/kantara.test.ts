import { describe, expect, test } from 'vitest'
import { consentRecord } from '../../test/support/fixture-records'
import { ALICE } from '../../test/support/fixture-users'
import { receiptFileName, toKantaraReceipt } from './kantara'
import { CHAIN_START } from './records'

const UNSIGNED = { jws: null, previous_jws: null }

describe('toKantaraReceipt', () => {
  test('names fields as Kantara Consent Receipt 1.1 does, with the portal’s record under `bge`', () => {
    const record = consentRecord({ id: 'rec-a', at: '2024-05-02T00:30:00.750Z' })
    const receipt = toKantaraReceipt(record, { jws: 'h.p.s', previous_jws: null })
    expect(receipt).toMatchObject({
      version: 'KI-CR-v1.1.0',
      jurisdiction: 'CN',
      // Whole seconds, as the specification counts them (an integer: the milliseconds are dropped).
      consentTimestamp: 1714609800,
      consentReceiptID: 'rec-a',
      language: 'zh-CN',
      piiPrincipalId: ALICE.id,
      piiControllers: [{ piiController: 'Gene Insight', onBehalf: false }],
      policyUrl: '',
      sensitive: true,
      spiCat: ['genetic'],
    })
    expect(receipt.services).toEqual([
      {
        service: 'Gene Insight',
        purposes: [
          expect.objectContaining({ purpose: '读取你的基因位点数据', purposeCategory: ['variant.rsid'], piiCategory: ['genetic'], consentType: 'EXPLICIT', thirdPartyDisclosure: false }),
          expect.objectContaining({ purpose: '读取头像、用户名、昵称以及性别等基本用户信息', purposeCategory: ['profile.default'], piiCategory: ['basic'] }),
        ],
      },
    ])
    expect(receipt.services[0]?.purposes[0]?.termination).toMatch(/Until revoked/)
    expect(receipt.bge).toEqual({
      decision: 'authorize',
      outcome: 'granted',
      resolves: null,
      at: record.at,
      client_id: 'web-app',
      app_name: 'Gene Insight',
      app_logo: '',
      redirect_host: 'gene.example',
      mini_program_name: null,
      scopes: record.scopes,
      biosamples: record.biosamples,
      text_sha256: record.text_sha256,
      text_version: 2,
      separate_consent: null,
      previous_receipt: null,
      confirms: null,
      chain_seq: 1,
      previous_sha256: CHAIN_START,
      jws: 'h.p.s',
      previous_jws: null,
    })
    expect(Number.isInteger(receipt.consentTimestamp)).toBe(true)
    // Plain data all the way: what is downloaded parses back to the same thing.
    expect(JSON.parse(JSON.stringify(receipt))).toEqual(receipt)
  })

  test('basic details alone are not sensitive; a deny says consent was not given', () => {
    const receipt = toKantaraReceipt(
      consentRecord({ decision: 'deny', scopes: [{ scope: 'profile.default', title: 'Basic', message: '', tier: 'basic' }] }),
      UNSIGNED,
    )
    expect(receipt.sensitive).toBe(false)
    expect(receipt.spiCat).toEqual([])
    expect(receipt.services[0]?.purposes[0]).toMatchObject({ purpose: 'Basic', termination: 'Not given: the person denied the request.' })
    expect(receipt.bge.decision).toBe('deny')
  })

  test('a record that settles an attempt names the attempt and the outcome', () => {
    const receipt = toKantaraReceipt(consentRecord({ id: 'rec-settles', resolves: 'rec-a', outcome: 'failed' }), UNSIGNED)
    expect(receipt.consentReceiptID).toBe('rec-settles')
    expect(receipt.bge).toMatchObject({ outcome: 'failed', resolves: 'rec-a' })
  })

  test('every field issue 19 added rides under `bge`: the separate consent, the links, the chain and both signatures', () => {
    const record = consentRecord({
      separate_consent: { given: true, words: ['I agree', 'notice'] },
      previous_receipt: 'rec-before',
      confirms: null,
      chain_seq: 7,
      previous_sha256: 'b'.repeat(64),
      text_version: 1,
    })
    expect(toKantaraReceipt(record, { jws: 'a.b.c', previous_jws: 'd.e.f' }).bge).toMatchObject({
      separate_consent: { given: true, words: ['I agree', 'notice'] },
      previous_receipt: 'rec-before',
      chain_seq: 7,
      previous_sha256: 'b'.repeat(64),
      text_version: 1,
      jws: 'a.b.c',
      previous_jws: 'd.e.f',
    })
  })

  test('the download keeps its name; an id that is not base64url cannot break the header', () => {
    expect(receiptFileName('AbC-_9')).toBe('consent-receipt-AbC-_9.json')
    expect(receiptFileName('a"b\r\nc')).toBe('consent-receipt-a_b__c.json')
  })
})
