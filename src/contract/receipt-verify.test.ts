import { beforeAll, describe, expect, test } from 'vitest'
import {
  changeOneCharacter,
  jwksOf,
  receiptJson,
  recordsExport,
  sha256,
  signedChain,
  signingKey,
  signPayload,
  signRecord,
  withTextHash,
  type SigningKey,
} from '../../test/support/receipts'
import { consentRecord } from '../../test/support/fixture-records'
import { readReceiptFile, verifyReceiptFile, type Check, type FileReport, type Jwks, type Subtle } from './receipt-verify'
import { CHAIN_START, type ConsentRecord } from './records'
import { receiptPayload } from './receipts'

let key: SigningKey
let jwks: Jwks

beforeAll(async () => {
  key = await signingKey('2026-11')
  jwks = jwksOf(key)
})

async function verify(text: string, keys: Jwks = jwks, subtle?: Subtle): Promise<FileReport> {
  const file = readReceiptFile(text)
  if (file.kind === 'unknown') throw new Error('not a receipt')
  return verifyReceiptFile(file, keys, subtle ? { subtle } : {})
}

/** The one receipt of a file's report. */
async function only(text: string, keys: Jwks = jwks, subtle?: Subtle) {
  const report = await verify(text, keys, subtle)
  expect(report.receipts).toHaveLength(1)
  const [receipt] = report.receipts
  if (!receipt) throw new Error('no receipt')
  return receipt
}

const checkOf = (checks: Check[], name: Check['check']) => checks.find((check) => check.check === name)

/** The payload segment's span in a compact JWS. */
function payloadSpan(jws: string) {
  const start = jws.indexOf('.') + 1
  return { start, end: jws.indexOf('.', start) }
}

describe('a receipt as the portal signs it', () => {
  test('a bare JWS: every check passes and the signed record is what the report shows', async () => {
    const [first] = await signedChain(key, 1)
    const receipt = await only(first!.jws)
    expect(receipt.verdict).toBe('verified')
    expect(receipt.checks).toEqual([
      { check: 'signature', status: 'pass', kid: '2026-11', engine: 'webcrypto' },
      { check: 'payload', status: 'pass' },
      { check: 'text', status: 'pass', sha256: first!.record.text_sha256 },
      { check: 'chain', status: 'pass', kind: 'start', seq: 1 },
    ])
    expect(receipt.record).toEqual(first!.record)
  })

  test('the receipt JSON with the receipt it links to: the link is checked, and the readable copy matches', async () => {
    const [first, second] = await signedChain(key, 2)
    const receipt = await only(receiptJson(second!.record, second!.jws, first!.jws))
    expect(receipt.verdict).toBe('verified')
    expect(checkOf(receipt.checks, 'chain')).toEqual({ check: 'chain', status: 'pass', kind: 'linked', seq: 2 })
    expect(checkOf(receipt.checks, 'copy')).toEqual({ check: 'copy', status: 'pass' })
  })

  test('without the receipt it links to, the link is named as not checkable, which is not a failure', async () => {
    const [, second] = await signedChain(key, 2)
    const receipt = await only(receiptJson(second!.record, second!.jws, null))
    expect(receipt.verdict).toBe('verified')
    expect(checkOf(receipt.checks, 'chain')).toEqual({ check: 'chain', status: 'note', kind: 'previous_missing', seq: 2 })
  })

  test('a record written before receipts were signed: signed later with no chain, nothing to link', async () => {
    const record = withTextHash(consentRecord({ chain_seq: null, previous_sha256: null }))
    const receipt = await only(await signRecord(record, key))
    expect(receipt.verdict).toBe('verified')
    expect(checkOf(receipt.checks, 'chain')).toEqual({ check: 'chain', status: 'note', kind: 'unchained', seq: null })
  })

  test('a receipt JSON with no JWS is unsigned: nothing is verified and no fact is taken from it', async () => {
    const record = withTextHash(consentRecord())
    const receipt = await only(receiptJson(record, null))
    expect(receipt).toEqual({ verdict: 'unsigned', checks: [], record: undefined })
  })

  test('key rotation: an old receipt still verifies with both keys published, and only with its own', async () => {
    const newer = await signingKey('2026-12')
    const chain = await signedChain((seq) => (seq < 3 ? key : newer), 3)
    const both = jwksOf(newer, key)
    const report = await verify(recordsExport(chain), both)
    expect(report.receipts.map((each) => each.verdict)).toEqual(['verified', 'verified', 'verified'])
    expect(report.receipts.map((each) => checkOf(each.checks, 'signature'))).toEqual([
      expect.objectContaining({ kid: '2026-12', status: 'pass' }),
      expect.objectContaining({ kid: '2026-11', status: 'pass' }),
      expect.objectContaining({ kid: '2026-11', status: 'pass' }),
    ])
    // The old key withdrawn from the JWKS: its receipts are refused by name; the new one's signature
    // stands, but the receipt it links to no longer verifies, and that is said.
    const onlyNew = await verify(recordsExport(chain), jwksOf(newer))
    expect(onlyNew.receipts.map((each) => each.verdict)).toEqual(['refused', 'refused', 'refused'])
    expect(checkOf(onlyNew.receipts[1]!.checks, 'signature')).toEqual({ check: 'signature', status: 'fail', reason: 'unknown_key', kid: '2026-11' })
    expect(checkOf(onlyNew.receipts[0]!.checks, 'signature')).toMatchObject({ status: 'pass', kid: '2026-12' })
    expect(checkOf(onlyNew.receipts[0]!.checks, 'chain')).toEqual({ check: 'chain', status: 'fail', reason: 'previous_signature', seq: 3 })
  })

  test('without Ed25519 in Web Crypto (older WeChat web-views), @noble/ed25519 verifies, and refuses just the same', async () => {
    const real = globalThis.crypto.subtle
    const withoutEd25519: Subtle = {
      digest: (algorithm, data) => real.digest(algorithm, data),
      importKey: (() => Promise.reject(new DOMException('Unrecognized name.', 'NotSupportedError'))) as Subtle['importKey'],
      verify: () => Promise.reject(new DOMException('Unrecognized name.', 'NotSupportedError')),
    }
    const [first] = await signedChain(key, 1)
    const good = await only(first!.jws, jwks, withoutEd25519)
    expect(good.verdict).toBe('verified')
    expect(checkOf(good.checks, 'signature')).toEqual({ check: 'signature', status: 'pass', kid: '2026-11', engine: 'noble' })
    const { start } = payloadSpan(first!.jws)
    const altered = await only(changeOneCharacter(first!.jws, start + 40), jwks, withoutEd25519)
    expect(checkOf(altered.checks, 'signature')).toEqual({ check: 'signature', status: 'fail', reason: 'mismatch', kid: '2026-11' })
  })
})

describe('one changed character is refused, with the reason', () => {
  test('in the payload: the signature does not match, and nothing after it is taken from the payload', async () => {
    const [first] = await signedChain(key, 1)
    const { start, end } = payloadSpan(first!.jws)
    for (const index of [start, start + 57, end - 2]) {
      const receipt = await only(changeOneCharacter(first!.jws, index))
      expect(receipt.verdict, `payload character ${index}`).toBe('refused')
      expect(receipt.record).toBeUndefined()
      expect(receipt.checks).toEqual([
        { check: 'signature', status: 'fail', reason: 'mismatch', kid: '2026-11' },
        { check: 'payload', status: 'skipped' },
        { check: 'text', status: 'skipped' },
        { check: 'chain', status: 'skipped' },
      ])
    }
  })

  test('in the signature, the last character too (whose low bits a lenient decoder would ignore)', async () => {
    const [first] = await signedChain(key, 1)
    const jws = first!.jws
    for (const index of [jws.lastIndexOf('.') + 1, jws.length - 20]) {
      const receipt = await only(changeOneCharacter(jws, index))
      expect(receipt.verdict, `signature character ${index}`).toBe('refused')
      expect(checkOf(receipt.checks, 'signature')).toEqual({ check: 'signature', status: 'fail', reason: 'mismatch', kid: '2026-11' })
    }
    // 64 bytes are 86 characters, the last carrying 2 bits and 4 unused ones: flipping an unused
    // bit leaves the bytes as they were, so only a strict decoder notices.
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
    const last = alphabet[alphabet.indexOf(jws.at(-1)!) ^ 1]!
    const receipt = await only(jws.slice(0, -1) + last)
    expect(checkOf(receipt.checks, 'signature')).toEqual({ check: 'signature', status: 'fail', reason: 'malformed' })
  })

  test('in a word the person was shown, signed that way: the recomputed hash differs from the signed one', async () => {
    const record = withTextHash(consentRecord({ chain_seq: 1, previous_sha256: CHAIN_START }))
    const [scope, ...rest] = record.scopes
    const changed = { ...record, scopes: [{ ...scope!, message: changeOneCharacter(scope!.message, 2) }, ...rest] }
    const receipt = await only(await signRecord(changed, key))
    expect(receipt.verdict).toBe('refused')
    expect(checkOf(receipt.checks, 'text')).toEqual({ check: 'text', status: 'fail', stated: record.text_sha256, recomputed: sha256(JSON.stringify([2, 'zh-CN', 'Gene Insight', [['variant.rsid', '基因位点', changed.scopes[0]!.message], ['profile.default', '基本信息', '读取头像、用户名、昵称以及性别等基本用户信息']], null])) })
    // The separate consent's words are hashed too (text version 2).
    const words = withTextHash(consentRecord({ separate_consent: { given: true, words: ['I agree', 'What for'] }, chain_seq: 1, previous_sha256: CHAIN_START }))
    const wordChanged = { ...words, separate_consent: { given: true, words: ['I agreE', 'What for'] } }
    expect(checkOf((await only(await signRecord(wordChanged, key))).checks, 'text')).toMatchObject({ status: 'fail' })
  })

  test('in the readable copy beside the JWS: the field is named, though the JWS itself verifies', async () => {
    const [first] = await signedChain(key, 1)
    const text = receiptJson(first!.record, first!.jws)
    const at = text.indexOf('"app_name": "Gene Insight"') + '"app_name": "Gene'.length + 2
    const receipt = await only(changeOneCharacter(text, at))
    expect(receipt.verdict).toBe('refused')
    expect(checkOf(receipt.checks, 'signature')).toMatchObject({ status: 'pass' })
    expect(checkOf(receipt.checks, 'copy')).toEqual({ check: 'copy', status: 'fail', fields: ['bge.app_name'] })
    const id = await only(text.replace(`"consentReceiptID": "${first!.record.id}"`, '"consentReceiptID": "rec-9"'))
    expect(checkOf(id.checks, 'copy')).toEqual({ check: 'copy', status: 'fail', fields: ['consentReceiptID'] })
    // Anywhere in the Kantara receipt, the words of a purpose too; and a field the portal never writes.
    const purpose = await only(text.replace('"purpose": "Read your genomic', '"purpose": "Read your Genomic'))
    expect(checkOf(purpose.checks, 'copy')).toEqual({ check: 'copy', status: 'fail', fields: ['services.0.purposes.0.purpose'] })
    const added = await only(text.replace('"policyUrl": ""', '"policyUrl": "", "note": "approved"'))
    expect(checkOf(added.checks, 'copy')).toEqual({ check: 'copy', status: 'fail', fields: ['note'] })
  })
})

describe('what the portal never signs is refused', () => {
  test('a key the portal does not publish', async () => {
    const stranger = await signingKey('stranger')
    const [first] = await signedChain(stranger, 1)
    expect(checkOf((await only(first!.jws)).checks, 'signature')).toEqual({ check: 'signature', status: 'fail', reason: 'unknown_key', kid: 'stranger' })
  })

  test('a published kid whose signature another key made', async () => {
    const impostor = await signingKey('2026-11')
    const [first] = await signedChain(impostor, 1)
    expect(checkOf((await only(first!.jws)).checks, 'signature')).toEqual({ check: 'signature', status: 'fail', reason: 'mismatch', kid: '2026-11' })
  })

  test('an algorithm other than EdDSA, "none" included', async () => {
    const [first] = await signedChain(key, 1)
    const [, payload, signature] = first!.jws.split('.')
    const header = Buffer.from(JSON.stringify({ alg: 'none', kid: '2026-11', typ: 'bge-consent-record+json' })).toString('base64url')
    expect(checkOf((await only(`${header}.${payload}.${signature}`)).checks, 'signature')).toEqual({ check: 'signature', status: 'fail', reason: 'algorithm', kid: '2026-11', alg: 'none' })
  })

  test('a payload that is not canonical JSON, signed as it is', async () => {
    const [first] = await signedChain(key, 1)
    const spaced = JSON.stringify(first!.record, null, 1)
    const receipt = await only(await signPayload(spaced, key))
    expect(checkOf(receipt.checks, 'payload')).toEqual({ check: 'payload', status: 'fail', reason: 'not_canonical' })
    expect(receipt.record).toBeUndefined()
  })

  test('a payload that is not a consent record, or carries a field the contract does not have', async () => {
    const notRecord = await only(await signPayload('{"id":"x"}', key))
    expect(checkOf(notRecord.checks, 'payload')).toMatchObject({ status: 'fail', reason: 'not_record', fields: expect.arrayContaining(['decision', 'text_sha256']) })
    const [first] = await signedChain(key, 1)
    const extra = await only(await signPayload(receiptPayload({ ...first!.record, hidden: 'never shown' } as ConsentRecord), key))
    expect(checkOf(extra.checks, 'payload')).toEqual({ check: 'payload', status: 'fail', reason: 'not_record', fields: ['hidden'] })
  })

  test('a file that is none of the three a portal hands out', () => {
    expect(readReceiptFile('hello')).toEqual({ kind: 'unknown' })
    expect(readReceiptFile('{"version":"KI-CR-v1.1.0"}')).toEqual({ kind: 'unknown' })
    expect(readReceiptFile('{"format":"bge-consent-records/2","records":[]}')).toEqual({ kind: 'unknown' })
  })
})

describe('the chain', () => {
  test('a receipt that links to another one than the one before it: the hash is named', async () => {
    const [first, second] = await signedChain(key, 2)
    const [other] = await signedChain(key, 1, { id: 'other', client_id: 'gut-check' })
    const receipt = await only(receiptJson(second!.record, second!.jws, other!.jws))
    expect(receipt.verdict).toBe('refused')
    expect(checkOf(receipt.checks, 'chain')).toEqual({ check: 'chain', status: 'fail', reason: 'previous_hash', seq: 2 })
    // The right receipt links; a changed one beside it no longer verifies.
    expect(checkOf((await only(receiptJson(second!.record, second!.jws, first!.jws))).checks, 'chain')).toMatchObject({ status: 'pass' })
    const { start } = payloadSpan(first!.jws)
    const changed = await only(receiptJson(second!.record, second!.jws, changeOneCharacter(first!.jws, start + 30)))
    expect(checkOf(changed.checks, 'chain')).toEqual({ check: 'chain', status: 'fail', reason: 'previous_signature', seq: 2 })
  })

  test('a link to a receipt two places back, or another person’s', async () => {
    const chain = await signedChain(key, 3)
    const skipping = await only(receiptJson(chain[2]!.record, chain[2]!.jws, chain[0]!.jws))
    expect(checkOf(skipping.checks, 'chain')).toEqual({ check: 'chain', status: 'fail', reason: 'previous_seq', seq: 3 })
    const bobs = await signedChain(key, 2, { user_id: 'bob' })
    const crossed = await only(receiptJson(chain[1]!.record, chain[1]!.jws, bobs[0]!.jws))
    expect(checkOf(crossed.checks, 'chain')).toEqual({ check: 'chain', status: 'fail', reason: 'previous_person', seq: 2 })
  })

  test('a chain start at another place than 1 is refused', async () => {
    const record = withTextHash(consentRecord({ chain_seq: 4, previous_sha256: CHAIN_START }))
    expect(checkOf((await only(await signRecord(record, key))).checks, 'chain')).toEqual({ check: 'chain', status: 'fail', reason: 'start', seq: 4 })
  })

  test('an export: every link between its receipts is checked; a receipt taken out is a gap, named', async () => {
    const chain = await signedChain(key, 5)
    const whole = await verify(recordsExport(chain))
    expect(whole.kind).toBe('export')
    expect(whole.receipts.map((each) => checkOf(each.checks, 'chain'))).toEqual([
      ...[5, 4, 3, 2].map((seq) => ({ check: 'chain', status: 'pass', kind: 'linked', seq })),
      { check: 'chain', status: 'pass', kind: 'start', seq: 1 },
    ])

    const withoutTwoAndThree = await verify(recordsExport([chain[0]!, chain[3]!, chain[4]!]))
    expect(withoutTwoAndThree.receipts.map((each) => [each.verdict, checkOf(each.checks, 'chain')])).toEqual([
      ['verified', { check: 'chain', status: 'pass', kind: 'linked', seq: 5 }],
      ['refused', { check: 'chain', status: 'fail', reason: 'gap', seq: 4, from: 2, to: 3 }],
      ['verified', { check: 'chain', status: 'pass', kind: 'start', seq: 1 }],
    ])
    // A receipt taken out is a gap though the next one carries its JWS: the export holds every record.
    expect(checkOf((await verify(recordsExport([chain[0]!, chain[1]!, chain[3]!]))).receipts[0]!.checks, 'chain')).toEqual({ check: 'chain', status: 'fail', reason: 'gap', seq: 4, from: 3, to: 3 })
    // Older receipts gone (retention) with the JWS of the one before: the oldest kept one links to it.
    const kept = await verify(recordsExport(chain.slice(3)))
    expect(kept.receipts.map((each) => [each.verdict, checkOf(each.checks, 'chain')])).toEqual([
      ['verified', { check: 'chain', status: 'pass', kind: 'linked', seq: 5 }],
      ['verified', { check: 'chain', status: 'pass', kind: 'linked', seq: 4 }],
    ])
    // …and without it, the link cannot be checked, which is not a failure.
    const newest = await verify(recordsExport([{ ...chain[3]!, previousJws: null }, chain[4]!]))
    expect(newest.receipts.map((each) => each.verdict)).toEqual(['verified', 'verified'])
    expect(checkOf(newest.receipts[1]!.checks, 'chain')).toMatchObject({ status: 'note', kind: 'previous_missing', seq: 4 })
  })

  test('an export with two receipts at one place (a fork), or another subject, is refused', async () => {
    const chain = await signedChain(key, 2)
    const fork = withTextHash({ ...chain[1]!.record, id: 'rec-fork', decision: 'deny', outcome: 'denied' })
    const report = await verify(recordsExport([...chain, { record: fork, jws: await signRecord(fork, key) }]))
    expect(report.receipts.map((each) => checkOf(each.checks, 'chain'))).toEqual([
      { check: 'chain', status: 'fail', reason: 'duplicate', seq: 2 },
      { check: 'chain', status: 'fail', reason: 'duplicate', seq: 2 },
      { check: 'chain', status: 'pass', kind: 'start', seq: 1 },
    ])
    const elsewhere = await verify(recordsExport(chain, { subject: 'bob' }))
    expect(elsewhere.receipts.map((each) => checkOf(each.checks, 'copy'))).toEqual([
      { check: 'copy', status: 'fail', fields: ['subject'] },
      { check: 'copy', status: 'fail', fields: ['subject'] },
    ])
  })

  test('an export with records written before signing: those are unsigned, the signed ones verified', async () => {
    const chain = await signedChain(key, 1)
    const old = withTextHash(consentRecord({ id: 'rec-old', at: '2024-01-01T00:00:00Z' }))
    const report = await verify(recordsExport([{ record: old, jws: null }, ...chain]))
    expect(report.receipts.map((each) => each.verdict)).toEqual(['verified', 'unsigned'])
  })
})
