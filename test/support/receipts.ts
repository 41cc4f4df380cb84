// Signed receipts made the way the portal makes them (src/contract/receipts.ts; issue 19), with
// keys generated here by jose: a compact JWS `{alg: EdDSA, kid, typ}` over `receiptPayload(record)`,
// chained by the SHA-256 of the payload. For the verifier's tests (unit, page, CLI), which must
// refuse what these make once one character of it changes.
import { createHash } from 'node:crypto'
import { CompactSign, exportJWK, generateKeyPair, type CryptoKey } from 'jose'
import { CHAIN_START, recordConsentText, type ConsentRecord } from '../../src/contract/records'
import { RECEIPT_JWS_ALG, RECEIPT_JWS_TYPE, receiptPayload } from '../../src/contract/receipts'
import { RECORDS_EXPORT_FORMAT, type Jwks } from '../../src/contract/receipt-verify'
import { toKantaraReceipt } from '../../src/contract/kantara'
import { consentRecord } from './fixture-records'

export interface SigningKey {
  kid: string
  privateKey: CryptoKey
  jwk: Jwks['keys'][number]
}

export async function signingKey(kid: string): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' })
  const { kty, crv, x } = await exportJWK(publicKey)
  return { kid, privateKey, jwk: { kty: kty ?? '', crv, x, kid, alg: RECEIPT_JWS_ALG } }
}

export function jwksOf(...keys: SigningKey[]): Jwks & { keys: { use: string }[] } {
  return { keys: keys.map((key) => ({ ...key.jwk, use: 'sig' })) }
}

export const sha256 = (text: string) => createHash('sha256').update(text).digest('hex')

/** The record with its `text_sha256` computed from its own words, as the BFF writes it. */
export function withTextHash(record: ConsentRecord): ConsentRecord {
  return { ...record, text_sha256: sha256(recordConsentText(record)) }
}

/** Signs `payload` (a record's canonical JSON unless a test hands other bytes) as the portal does. */
export async function signPayload(payload: string, key: SigningKey, header: Record<string, unknown> = {}): Promise<string> {
  // This realm's Uint8Array: under jsdom, TextEncoder's answer is another realm's, which jose refuses.
  return new CompactSign(new Uint8Array(Buffer.from(payload, 'utf8'))).setProtectedHeader({ alg: RECEIPT_JWS_ALG, kid: key.kid, typ: RECEIPT_JWS_TYPE, ...header }).sign(key.privateKey)
}

export function signRecord(record: ConsentRecord, key: SigningKey): Promise<string> {
  return signPayload(receiptPayload(record), key)
}

/**
 * A person's chain of `count` signed records, oldest first: place 1 starts it, each later one
 * carries the hash of the one before's payload. Alice's authorize of Gene Insight, in English.
 */
export async function signedChain(key: SigningKey | ((seq: number) => SigningKey), count: number, base: Partial<ConsentRecord> = {}) {
  const chain: { record: ConsentRecord; jws: string; previousJws: string | null }[] = []
  let previous = CHAIN_START
  for (let seq = 1; seq <= count; seq++) {
    const record = withTextHash(
      consentRecord({
        id: `rec-${seq}`,
        at: new Date(Date.UTC(2026, 10, seq, 8, 30)).toISOString(),
        language: 'en',
        scopes: [
          { scope: 'variant.rsid', title: 'Genomic variants (by RS number)', message: 'Read your genomic variants by RS number', tier: 'genetic' },
          { scope: 'profile.default', title: 'Basic profile', message: 'Read your avatar, user name, nickname and gender', tier: 'basic' },
        ],
        separate_consent: { given: true, words: ['I agree that Gene Insight may read my genetic data', 'What for: to show your ancestry'] },
        ...base,
        chain_seq: seq,
        previous_sha256: previous,
      }),
    )
    const payload = receiptPayload(record)
    chain.push({ record, jws: await signPayload(payload, typeof key === 'function' ? key(seq) : key), previousJws: chain.at(-1)?.jws ?? null })
    previous = sha256(payload)
  }
  return chain
}

/** `consent-receipt-<id>.json` as the receipt page downloads it: the Kantara receipt, its JWS and the one it links to. */
export function receiptJson(record: ConsentRecord, jws: string | null, previousJws: string | null = null): string {
  return `${JSON.stringify(toKantaraReceipt(record, { jws, previous_jws: previousJws }), null, 2)}\n`
}

/**
 * `consent-records-<date>.json`: every record given, newest first, each with its JWS and the JWS it
 * links to, as the BFF's export has them (server/routes/records-export.ts).
 */
export function recordsExport(entries: readonly { record: ConsentRecord; jws: string | null; previousJws?: string | null }[], options: { subject?: string; jwks?: string } = {}): string {
  const records = [...entries].reverse().map(({ record, jws, previousJws }) => toKantaraReceipt(record, { jws, previous_jws: previousJws ?? null }))
  return `${JSON.stringify(
    {
      format: RECORDS_EXPORT_FORMAT,
      exported_at: '2026-12-04T15:00:00.000Z',
      subject: options.subject ?? entries[0]?.record.user_id ?? '',
      jwks: options.jwks ?? 'https://consent.example/.well-known/jwks.json',
      purged: null,
      records,
    },
    null,
    2,
  )}\n`
}

/** `text` with the character at `index` replaced by another one of the same kind (so the change is one character, nothing else). */
export function changeOneCharacter(text: string, index: number): string {
  const original = text[index] ?? ''
  const replacement = /[0-9]/.test(original) ? String((Number(original) + 1) % 10) : original === 'A' ? 'B' : original === 'a' ? 'b' : /[a-z]/.test(original) ? 'a' : 'A'
  return text.slice(0, index) + replacement + text.slice(index + 1)
}
