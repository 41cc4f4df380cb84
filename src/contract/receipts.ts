// Signed receipts (issue 19; SPEC.md "Consent records"): every record the store appends is signed
// by the portal as a compact JWS (EdDSA, Ed25519) whose payload is the record itself in RFC 8785
// canonical JSON, and each person's records form a hash chain (`chain_seq`, `previous_sha256`).
// Shared by the BFF (which signs), the /verify page and `npm run verify-receipt` (which check).
// Browser-safe.
import canonicalize from 'canonicalize'
import type { ConsentRecord } from './records'

/** The JWS protected header's `typ`: what the payload is. */
export const RECEIPT_JWS_TYPE = 'bge-consent-record+json'
/** The only algorithm a receipt is signed with. */
export const RECEIPT_JWS_ALG = 'EdDSA'
/** Where the portal serves the public keys that verify its receipts, readable from any origin. */
export const JWKS_PATH = '/.well-known/jwks.json'

/**
 * A record's signed payload: RFC 8785 (JCS) canonical JSON of every field of the record as the
 * contract defines it (src/contract/records.ts `consentRecordSchema`), nothing else. Its SHA-256
 * (hex, over the UTF-8 bytes) is what the person's next signed record carries as `previous_sha256`.
 */
export function receiptPayload(record: ConsentRecord): string {
  const text = canonicalize(record)
  if (text === undefined) throw new Error('a record has no canonical form')
  return text
}
