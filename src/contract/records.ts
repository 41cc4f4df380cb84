// Consent records (SPEC.md "Consent records"): what a person agreed to, refused or took back, in
// the words they were shown. Shared by the BFF (which recomputes what a page displayed, writes and
// serves them) and the SPA (which shows the activity list and receipts). Browser-safe.
// `@__PURE__`: see src/contract/api.ts.
import { z } from 'zod/mini'
import { SUPPORTED_LANGUAGES } from './languages'
import { SCOPE_TIERS } from './scopes'

export const CONSENT_DECISIONS = ['authorize', 'deny', 'revoke'] as const
export type ConsentDecision = (typeof CONSENT_DECISIONS)[number]

/**
 * What became of a decision attempt (SPEC.md "Consent records"): `granted`, `denied`, `revoked`;
 * `failed` when the platform definitely did not act (an error code in its envelope, a 4xx, a
 * request that never left); `unknown` when the request was sent and no definite answer came
 * (timeout, reset, 5xx, a malformed answer), or is still on its way.
 */
export const CONSENT_OUTCOMES = ['granted', 'denied', 'revoked', 'failed', 'unknown'] as const
export type ConsentOutcome = (typeof CONSENT_OUTCOMES)[number]

/** A requested scope's texts exactly as the consent page displayed them. */
export const shownScopeSchema = z.strictObject({
  scope: /* @__PURE__ */ z.string().check(z.minLength(1)),
  title: z.string(),
  message: z.string(),
})
export type ShownScope = z.infer<typeof shownScopeSchema>

export const recordScopeSchema = z.object({
  scope: z.string(),
  title: z.string(),
  message: z.string(),
  tier: z.enum(SCOPE_TIERS),
})
export type RecordScope = z.infer<typeof recordScopeSchema>

/** A chosen sample as a record keeps it (read back from the store, so not strict like a request's). */
export const recordBiosampleSchema = z.object({ biosample_id: z.string(), type: z.string() })

/**
 * The separate consent for genetic data (PIPL Art. 29; issue 19): the step the consent page shows
 * when the app would get a `variant.*` scope. `words` are its exact texts as shown, in order (the
 * checkbox's label, then the five notice items, src/contract/separate-consent.ts); `given` is
 * whether the person ticked it (never on a deny or a revoke).
 */
export const separateConsentSchema = z.object({
  given: z.boolean(),
  words: z.array(z.string()),
})
export type SeparateConsent = z.infer<typeof separateConsentSchema>

/**
 * Versions of `canonicalConsentText`, recorded as `text_version`: 1 hashed the language, the app's
 * name and the scopes' texts; 2 (records since issue 19) adds the separate consent's words.
 */
export const TEXT_VERSIONS = [1, 2] as const
export type TextVersion = (typeof TEXT_VERSIONS)[number]
export const CURRENT_TEXT_VERSION: TextVersion = 2

/**
 * Where a person's hash chain starts: the `previous_sha256` of their first signed record. Every
 * later signed record carries the SHA-256 of the signed payload of the person's record before it.
 */
export const CHAIN_START = '0'.repeat(64)

const sha256Hex = /* @__PURE__ */ z.string().check(z.regex(/^[0-9a-f]{64}$/))

export const consentRecordSchema = z.object({
  /** Random and unguessable. */
  id: z.string(),
  decision: z.enum(CONSENT_DECISIONS),
  /** What became of the attempt, as far as was known when this record was written. */
  outcome: z.enum(CONSENT_OUTCOMES),
  /**
   * Null for an attempt. Otherwise the id of the attempt whose outcome this record settles: what
   * the platform later turned out to have done is a new record, never an edit of the attempt.
   */
  resolves: z.nullable(z.string()),
  /** ISO-8601 UTC. */
  at: z.iso.datetime(),
  user_id: z.string(),
  client_id: z.string(),
  /** The app's name and logo as shown ('' when no logo was shown). */
  app_name: z.string(),
  app_logo: z.string(),
  /** Where the person was sent: the redirect URI's host (web and native apps)… */
  redirect_host: z.nullable(z.string()),
  /** …or the mini program's name (WeChat mini-program apps). */
  mini_program_name: z.nullable(z.string()),
  language: z.enum(SUPPORTED_LANGUAGES),
  scopes: z.array(recordScopeSchema),
  biosamples: z.array(recordBiosampleSchema),
  /** SHA-256 (hex) of the exact texts the person saw, so a record can be checked against the screen. */
  text_sha256: sha256Hex,
  /** Which `canonicalConsentText` `text_sha256` hashes. */
  text_version: z.union([z.literal(1), z.literal(2)]),
  /** The genetic-data step as shown and answered; null when the request had no genetic scope (or, for a revoke, the authorize it ends had none). */
  separate_consent: z.nullable(separateConsentSchema),
  /**
   * The receipt before this one for the same app: for an authorize or a deny, the person's latest
   * granted authorize of the app when the page was shown; for a revoke, the authorize it takes back;
   * for a confirmation, nothing (it `confirms`). Null when there was none.
   */
  previous_receipt: z.nullable(z.string()),
  /**
   * A withdrawal's confirmation (a `revoke` record with `resolves` null): the id of the revoke whose
   * effect it reports, read back from the platform's grants. `outcome` says what it found:
   * `revoked` (the app is no longer listed) or `failed` (it still is). Null on every other record.
   */
  confirms: z.nullable(z.string()),
  /**
   * The person's hash chain, set by the store as it appends the record, signed with it: the record's
   * place in the chain (1, 2, …) and the SHA-256 (hex) of the person's previous signed record's
   * payload (`CHAIN_START` for the first). Both null on records written before signing existed.
   */
  chain_seq: z.nullable(/* @__PURE__ */ z.int().check(z.positive())),
  previous_sha256: z.nullable(sha256Hex),
})
export type ConsentRecord = z.infer<typeof consentRecordSchema>

/**
 * A grant this portal recorded as granted that the platform no longer lists, with no revoke recorded
 * here: it was revoked elsewhere, or by an operator. A notice, not a record (SPEC.md "Consent
 * records"): nothing was decided here, so nothing is written; the BFF finds these by comparing.
 */
export const vanishedGrantSchema = z.object({
  client_id: z.string(),
  app_name: z.string(),
  app_logo: z.string(),
  /** The granted authorize attempt that the platform no longer honours. */
  record_id: z.string(),
  /** That attempt's `at`. */
  granted_at: z.iso.datetime(),
})
export type VanishedGrant = z.infer<typeof vanishedGrantSchema>

/**
 * What retention (RECORDS_RETENTION_DAYS) removed of a person's history: `count` records, the
 * newest of them made at `through`. Sent with the page that ends the list, so Activity says it
 * after the oldest record still kept.
 */
export const purgeMarkerSchema = z.object({
  count: /* @__PURE__ */ z.int().check(z.positive()),
  through: z.iso.datetime(),
})
export type PurgeMarker = z.infer<typeof purgeMarkerSchema>

export const recordsResponseSchema = z.object({
  /** Optional: only on the last page, and only when retention removed records of this person. */
  purged: z.optional(purgeMarkerSchema),
  records: z.array(consentRecordSchema),
  /** Optional: a BFF that does not compare with the platform's grants sends none. */
  vanished: z.optional(z.array(vanishedGrantSchema)),
  /**
   * The cursor of the next, older page (`before`), or null at the end. Opaque: send it back as it
   * came. Optional: a BFF that does not page sends none.
   */
  next: z.optional(z.nullable(z.string())),
})

/** One decision attempt as a person sees it: the attempt, and what became of it by now. */
export interface ConsentAttempt {
  record: ConsentRecord
  /** The newest resolution's outcome, else the attempt's own. */
  outcome: ConsentOutcome
  /** The record that settled it, when one did. */
  resolution: ConsentRecord | undefined
  /**
   * A revoke's withdrawal confirmation (`confirms` its id), the newest when there are several:
   * whether the platform's grants, read back after it answered, no longer listed the app
   * (`revoked`) or still did (`failed`). Undefined for any other attempt, and for a revoke whose
   * read-back failed or has not been written.
   */
  confirmation?: ConsentRecord | undefined
}

/**
 * Folds newest-first records into the attempts they describe, newest first: each resolution is
 * attached to the attempt it resolves (a resolution is always newer than its attempt, so it comes
 * first in the list), and the newest resolution wins.
 */
export function foldAttempts(records: readonly ConsentRecord[]): ConsentAttempt[] {
  const settled = new Map<string, ConsentRecord>()
  const confirmed = new Map<string, ConsentRecord>()
  const attempts: ConsentAttempt[] = []
  for (const record of records) {
    // A withdrawal's confirmation reports on a revoke; it is not an attempt of its own. Newer than
    // its revoke, so it is met first; the newest wins, as with resolutions.
    if (record.confirms !== null) {
      if (!confirmed.has(record.confirms)) confirmed.set(record.confirms, record)
      continue
    }
    if (record.resolves !== null) {
      if (!settled.has(record.resolves)) settled.set(record.resolves, record)
      continue
    }
    const resolution = settled.get(record.id)
    const confirmation = confirmed.get(record.id)
    attempts.push({ record, outcome: resolution?.outcome ?? record.outcome, resolution, ...(confirmation && { confirmation }) })
  }
  return attempts
}

/**
 * "The latest authorize" of an app on the grants page and receipts: the newest authorize attempt
 * that is granted by now, in newest-first records.
 */
export function latestGrantedAuthorize(records: readonly ConsentRecord[], clientId: string): ConsentAttempt | undefined {
  return foldAttempts(records).find(
    (attempt) => attempt.record.client_id === clientId && attempt.record.decision === 'authorize' && attempt.outcome === 'granted',
  )
}

/**
 * The exact text a record's `text_sha256` is the SHA-256 of (hex, over this string's UTF-8 bytes),
 * with JSON.stringify's own escaping and no whitespace, the scopes in the order the app requested
 * them:
 * - version 1: `JSON.stringify([language, app_name, [[scope, title, message], …]])`, for example
 *   `["en","Gene Insight",[["profile.default","Basic profile","Read your avatar, …"]]]`;
 * - version 2: `JSON.stringify([2, language, app_name, [[scope, title, message], …], words])`, where
 *   `words` are the separate consent's words as shown (an array of strings) or null without one.
 * The BFF hashes it when it issues a consent ticket (for each language) and again over the texts a
 * decision says it showed, and refuses a decision whose hash differs. Anyone holding a receipt can
 * recompute it from the receipt's own fields.
 */
export function canonicalConsentText(
  texts: { language: string; app_name: string; scopes: readonly ShownScope[]; separate_consent?: { words: readonly string[] } | null | undefined },
  version: TextVersion = CURRENT_TEXT_VERSION,
): string {
  const scopes = texts.scopes.map((s) => [s.scope, s.title, s.message])
  if (version === 1) return JSON.stringify([texts.language, texts.app_name, scopes])
  return JSON.stringify([2, texts.language, texts.app_name, scopes, texts.separate_consent ? [...texts.separate_consent.words] : null])
}

/** The text a record's own `text_sha256` hashes, recomputed from the record's own fields. */
export function recordConsentText(record: ConsentRecord): string {
  return canonicalConsentText(record, record.text_version)
}
