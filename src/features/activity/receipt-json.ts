// A consent record as a Kantara Initiative Consent Receipt 1.1 (KI-CR-v1.1.0): the spec's field
// names and types where one exists, the portal's own facts under `bge`.
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
import type { BiosampleRef } from '@/contract/api'
import type { ConsentRecord, RecordScope } from '@/contract/records'
import type { ScopeTier } from '@/contract/scopes'

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
  }
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

export function toKantaraReceipt(record: ConsentRecord): KantaraReceipt {
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
    },
  }
}

/** Saves the receipt as `consent-receipt-<id>.json` through the browser's download. */
export function downloadReceipt(record: ConsentRecord): void {
  const blob = new Blob([`${JSON.stringify(toKantaraReceipt(record), null, 2)}\n`], { type: 'application/json' })
  const url = URL.createObjectURL(blob)
  const link = document.createElement('a')
  link.href = url
  link.download = `consent-receipt-${record.id}.json`
  document.body.append(link)
  link.click()
  link.remove()
  // After the click has handed the file to the browser.
  setTimeout(() => URL.revokeObjectURL(url), 0)
}
