// A consent record as a Kantara Initiative Consent Receipt 1.1 (KI-CR-v1.1.0): the spec's field
// names and types where one exists, the portal's own facts under `bge`. Shared by the BFF, which
// serves one receipt (GET /api/records/:id/receipt.json) and the export of all of them, and the
// SPA. Browser-safe.
//
// Fields the portal has no source for, and what goes there instead:
// - `jurisdiction`: no per-app or per-person value exists; "CN", the BGE platform's home (its
//   clock is Asia/Shanghai, SPEC.md `UPSTREAM_TIME_ZONE`).
// - `piiControllers[].contact`, `address`, `email`, `phone`: the platform tells the portal only an
//   app's name and logo, so these are empty strings rather than guesses.
// - `policyUrl`: apps register no privacy policy on the platform: an empty string.
// - `purposes[].purpose`: no stated purpose exists, only what the app may do; the scope's
//   message as shown (its title when it has none).
// - `purposeCategory`: the OAuth scope name; `piiCategory`: the scope's risk tier.
// - `termination`: how the decision ends on this portal (revoking on /grants), in English.
// - `thirdPartyDisclosure`: false: the app itself is the controller named here; the portal
//   discloses nothing to anyone else.
// A deny or a revoke is not consent given: `bge.decision` says which it is, and `services` lists
// what was asked for (deny) or what ended (revoke).
// What became of the attempt (`bge.outcome`) and the attempt a record settles (`bge.resolves`) keep
// the portal's names: Kantara 1.1 has no field for either, and ISO/IEC TS 27560's consent status
// and record-to-record link have no JSON names of their own to borrow (the standard leaves the
// serialisation open), so a name made up to look like one would mislead a reader.
// The signature (`bge.jws`) is over the portal's record exactly (src/contract/receipts.ts), not over
// this rendering of it: a verifier checks the JWS and reads the record from its payload.
import type { BiosampleRef } from './api'
import type { ConsentRecord, RecordScope, SeparateConsent } from './records'
import type { ScopeTier } from './scopes'

export interface KantaraPurpose {
  purpose: string
  purposeCategory: string[]
  consentType: 'EXPLICIT'
  piiCategory: string[]
  primaryPurpose: boolean
  termination: string
  thirdPartyDisclosure: boolean
}

export interface KantaraReceipt {
  version: 'KI-CR-v1.1.0'
  jurisdiction: string
  /** Seconds since the epoch (the spec's unit). */
  consentTimestamp: number
  collectionMethod: string
  consentReceiptID: string
  language: string
  piiPrincipalId: string
  piiControllers: { piiController: string; onBehalf: boolean; contact: string; address: string; email: string; phone: string }[]
  policyUrl: string
  services: { service: string; purposes: KantaraPurpose[] }[]
  sensitive: boolean
  spiCat: ScopeTier[]
  /** The portal's own record, field for field as the BFF keeps it. */
  bge: {
    decision: ConsentRecord['decision']
    /** What became of the attempt as far as was known when this record was written. */
    outcome: ConsentRecord['outcome']
    /** Null for an attempt, else the id (`consentReceiptID`) of the attempt this record settles. */
    resolves: string | null
    at: string
    client_id: string
    app_name: string
    app_logo: string
    redirect_host: string | null
    mini_program_name: string | null
    scopes: RecordScope[]
    biosamples: BiosampleRef[]
    text_sha256: string
    text_version: ConsentRecord['text_version']
    separate_consent: SeparateConsent | null
    previous_receipt: string | null
    confirms: string | null
    /** The record's place in the person's hash chain; null when written before receipts were signed. */
    chain_seq: number | null
    previous_sha256: string | null
    /** This record's compact JWS (EdDSA over its RFC 8785 form); null when written before signing. */
    jws: string | null
    /** The JWS of the record `previous_sha256` names: null at the chain's start, when retention removed it, or unsigned. */
    previous_jws: string | null
  }
}

/** The signatures a receipt carries, as the store keeps them (server/store/portal-store.ts `StoredReceipt`). */
export interface ReceiptSignatures {
  jws: string | null
  previous_jws: string | null
}

/** Where the BFF serves every record of the person as these receipts, one streamed download (PIPL Art. 45). */
export const RECORDS_EXPORT_PATH = '/api/records/export'

/** Where the BFF serves a record's receipt as this JSON, as a download (SPEC.md "BFF API"). */
export function receiptJsonPath(id: string): string {
  return `/api/records/${encodeURIComponent(id)}/receipt.json`
}

/** The download's file name, kept from when the SPA made the file itself. */
export function receiptFileName(id: string): string {
  // Ids are base64url; anything else is replaced so the name stays one plain token in a header.
  return `consent-receipt-${id.replace(/[^A-Za-z0-9_-]/g, '_')}.json`
}

/** Tiers whose data the spec calls sensitive personal information. */
const SENSITIVE_TIERS: readonly ScopeTier[] = ['genetic', 'health']

const TERMINATION: Record<ConsentRecord['decision'], string> = {
  authorize: 'Until revoked by the person on the BGE consent portal (/grants).',
  deny: 'Not given: the person denied the request.',
  revoke: 'Ended by this revoke.',
}

const COLLECTION_METHOD: Record<ConsentRecord['decision'], string> = {
  authorize: 'BGE consent portal: OAuth 2.0 consent page',
  deny: 'BGE consent portal: OAuth 2.0 consent page',
  revoke: 'BGE consent portal: authorized apps page',
}

export function toKantaraReceipt(record: ConsentRecord, signatures: ReceiptSignatures): KantaraReceipt {
  const tiers = new Set(record.scopes.map((scope) => scope.tier))
  const spiCat = SENSITIVE_TIERS.filter((tier) => tiers.has(tier))
  return {
    version: 'KI-CR-v1.1.0',
    jurisdiction: 'CN',
    consentTimestamp: Math.floor(Date.parse(record.at) / 1000),
    collectionMethod: COLLECTION_METHOD[record.decision],
    consentReceiptID: record.id,
    language: record.language,
    piiPrincipalId: record.user_id,
    piiControllers: [{ piiController: record.app_name, onBehalf: false, contact: '', address: '', email: '', phone: '' }],
    policyUrl: '',
    services: [
      {
        service: record.app_name,
        purposes: record.scopes.map((scope) => ({
          purpose: scope.message || scope.title,
          purposeCategory: [scope.scope],
          consentType: 'EXPLICIT',
          piiCategory: [scope.tier],
          primaryPurpose: true,
          termination: TERMINATION[record.decision],
          thirdPartyDisclosure: false,
        })),
      },
    ],
    sensitive: spiCat.length > 0,
    spiCat,
    bge: {
      decision: record.decision,
      outcome: record.outcome,
      resolves: record.resolves,
      at: record.at,
      client_id: record.client_id,
      app_name: record.app_name,
      app_logo: record.app_logo,
      redirect_host: record.redirect_host,
      mini_program_name: record.mini_program_name,
      scopes: record.scopes.map(({ scope, tier, title, message }) => ({ scope, tier, title, message })),
      biosamples: record.biosamples.map(({ biosample_id, type }) => ({ biosample_id, type })),
      text_sha256: record.text_sha256,
      text_version: record.text_version,
      separate_consent: record.separate_consent === null ? null : { given: record.separate_consent.given, words: [...record.separate_consent.words] },
      previous_receipt: record.previous_receipt,
      confirms: record.confirms,
      chain_seq: record.chain_seq,
      previous_sha256: record.previous_sha256,
      jws: signatures.jws,
      previous_jws: signatures.previous_jws,
    },
  }
}
