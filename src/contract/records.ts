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
  text_sha256: /* @__PURE__ */ z.string().check(z.regex(/^[0-9a-f]{64}$/)),
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
}

/**
 * Folds newest-first records into the attempts they describe, newest first: each resolution is
 * attached to the attempt it resolves (a resolution is always newer than its attempt, so it comes
 * first in the list), and the newest resolution wins.
 */
export function foldAttempts(records: readonly ConsentRecord[]): ConsentAttempt[] {
  const settled = new Map<string, ConsentRecord>()
  const attempts: ConsentAttempt[] = []
  for (const record of records) {
    if (record.resolves !== null) {
      if (!settled.has(record.resolves)) settled.set(record.resolves, record)
      continue
    }
    const resolution = settled.get(record.id)
    attempts.push({ record, outcome: resolution?.outcome ?? record.outcome, resolution })
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
 * The exact text a record's `text_sha256` is the SHA-256 of (hex, over this string's UTF-8 bytes):
 * `JSON.stringify([language, app_name, [[scope, title, message], …]])`, the scopes in the order the
 * app requested them, with JSON.stringify's own escaping and no whitespace. For example
 * `["en","Gene Insight",[["profile.default","Basic profile","Read your avatar, …"]]]`. The BFF
 * hashes it when it issues a consent ticket (for each language) and again over the texts a decision
 * says it showed, and refuses a decision whose hash differs. Anyone holding a receipt can recompute
 * it from the receipt's own fields.
 */
export function canonicalConsentText(texts: { language: string; app_name: string; scopes: readonly ShownScope[] }): string {
  return JSON.stringify([texts.language, texts.app_name, texts.scopes.map((s) => [s.scope, s.title, s.message])])
}
