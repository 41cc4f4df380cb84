// Consent records (SPEC.md "Consent records") are events: appended, never edited or deleted. Each
// decision attempt is a record with its outcome as far as it was known when written; what the
// platform later turns out to have done is a new record that resolves the attempt. This file makes
// records, keeps the revokes the store could not take until it can, and settles attempts whose
// outcome was unknown by reading the platform's grants.
import { randomBytes } from 'node:crypto'
import type { BiosampleRef } from '../../src/contract/api'
import { CURRENT_TEXT_VERSION, foldAttempts, latestGrantedAuthorize, type ConsentAttempt, type ConsentRecord, type SeparateConsent, type ShownScope, type VanishedGrant } from '../../src/contract/records'
import { scopeTier } from '../../src/contract/scopes'
import type { UpstreamGrant } from '../upstream/schemas'
import { StoreUnavailableError, type PortalStore } from '../store/portal-store'
import { shownTextsDigest } from './shown-texts'

/** What settling needs to know of the platform: its deadline, and how far its clock may be off ours. */
export interface SettleTimes {
  upstreamTimeoutMs: number
  /** UPSTREAM_CLOCK_MARGIN_MS: the platform keeps whole seconds on a clock that is not ours. */
  clockMarginMs: number
  now?: number
}

/**
 * A record as a decision knows it: the id, time, tiers and hash are made here, the chain by the
 * store; the separate consent, the previous receipt and a confirmation's link default to none.
 */
export type RecordInput = Omit<
  ConsentRecord,
  'id' | 'at' | 'text_sha256' | 'text_version' | 'scopes' | 'biosamples' | 'chain_seq' | 'previous_sha256' | 'separate_consent' | 'previous_receipt' | 'confirms'
> & {
  separate_consent?: SeparateConsent | null
  previous_receipt?: string | null
  confirms?: string | null
  scopes: readonly ShownScope[]
  biosamples: readonly BiosampleRef[]
  /** When the attempt started; now by default. */
  at?: Date
}

/** Random and unguessable; made before the write, so a retried write is the same record. */
export function newRecordId(): string {
  return randomBytes(18).toString('base64url')
}

/** The whole record of `input`, as the store will keep it. */
export function makeRecord(input: RecordInput, id = newRecordId()): ConsentRecord {
  const scopes = input.scopes.map(({ scope, title, message }) => ({ scope, title, message, tier: scopeTier(scope) }))
  const { at, ...fields } = input
  const separate = input.separate_consent ?? null
  return {
    ...fields,
    id,
    at: (at ?? new Date()).toISOString(),
    scopes,
    biosamples: input.biosamples.map(({ biosample_id, type }) => ({ biosample_id, type })),
    separate_consent: separate === null ? null : { given: separate.given, words: [...separate.words] },
    previous_receipt: input.previous_receipt ?? null,
    confirms: input.confirms ?? null,
    text_version: CURRENT_TEXT_VERSION,
    text_sha256: shownTextsDigest({ language: input.language, app_name: input.app_name, scopes, separate_consent: separate }),
    // Set by the store as it appends the record to the person's chain.
    chain_seq: null,
    previous_sha256: null,
  }
}

/**
 * The person's latest granted authorize of `clientId` as the store holds it (what they last agreed
 * to): read by the consent page's comparison, a decision's `previous_receipt` and a revoke.
 */
export async function latestAgreement(store: PortalStore, userId: string, clientId: string): Promise<ConsentRecord | undefined> {
  return latestGrantedAuthorize(await store.listRecords(userId, { clientId }), clientId)?.record
}

/** Appends a record; any store failure is a StoreUnavailableError (authorize and deny fail closed on it). */
export async function appendRecord(store: PortalStore, record: ConsentRecord): Promise<ConsentRecord> {
  try {
    return await store.writeRecord(record)
  } catch (error) {
    throw error instanceof StoreUnavailableError ? error : new StoreUnavailableError(error)
  }
}

/** The record that settles `attempt` with `outcome`, written now. */
export function resolutionOf(attempt: ConsentRecord, outcome: 'granted' | 'revoked' | 'failed'): ConsentRecord & { resolves: string } {
  return { ...attempt, id: newRecordId(), at: new Date().toISOString(), outcome, resolves: attempt.id, chain_seq: null, previous_sha256: null }
}

/**
 * A withdrawal's confirmation of `revoke` (SPEC.md "Consent records"): what the platform's grants,
 * read back after it answered the revoke, say — `revoked` when the app is no longer listed, `failed`
 * when it still is. The revoke's own words and samples, so its receipt says what was withdrawn; no
 * `previous_receipt` (it `confirms` instead, src/contract/records.ts).
 */
export function confirmationOf(revoke: ConsentRecord, outcome: 'revoked' | 'failed'): ConsentRecord & { confirms: string } {
  return {
    ...revoke,
    id: newRecordId(),
    // After its revoke, strictly: newest-first order (at, then a random id) must put it first,
    // where foldAttempts meets it, even when both fall in the same millisecond.
    at: new Date(Math.max(Date.now(), Date.parse(revoke.at) + 1)).toISOString(),
    outcome,
    resolves: null,
    confirms: revoke.id,
    previous_receipt: null,
    chain_seq: null,
    previous_sha256: null,
  }
}

/**
 * Records the store could not take when they were made (SPEC.md: withdrawal never waits on the
 * audit). A revoke reaches the platform whatever the store does; its record waits here, in this
 * instance's memory, and is written as soon as the store answers: retried with backoff, and at
 * once whenever another write of this instance succeeds.
 */
export class RecordOutbox {
  private readonly waiting = new Map<string, ConsentRecord>()
  private timer: NodeJS.Timeout | undefined
  private pauseMs: number

  constructor(
    private readonly store: PortalStore,
    private readonly log: (line: string) => void,
    private readonly options: { firstPauseMs?: number; maxPauseMs?: number } = {},
  ) {
    this.pauseMs = options.firstPauseMs ?? 500
  }

  /** Writes `record` now, or keeps it for later when the store cannot take it. True when written now. */
  async write(record: ConsentRecord): Promise<boolean> {
    try {
      await this.store.writeRecord(record)
      if (this.waiting.size > 0) void this.flush()
      return true
    } catch (error) {
      this.waiting.set(record.id, record)
      this.log(`warn: record ${record.id} (${record.decision}) kept in memory until the portal store answers: ${error instanceof Error ? error.message : String(error)}`)
      this.schedule()
      return false
    }
  }

  /** Records still waiting for the store, for `userId` (they count as made, for the person's pages). */
  pendingFor(userId: string): ConsentRecord[] {
    return [...this.waiting.values()].filter((record) => record.user_id === userId)
  }

  get size(): number {
    return this.waiting.size
  }

  /** Tries every waiting record once, oldest first; resolves when done (or the store failed again). */
  async flush(): Promise<void> {
    for (const record of [...this.waiting.values()]) {
      try {
        await this.store.writeRecord(record)
        this.waiting.delete(record.id)
        this.log(`record ${record.id} (${record.decision}) written after the portal store came back`)
      } catch {
        this.schedule()
        return
      }
    }
    this.pauseMs = this.options.firstPauseMs ?? 500
  }

  /** Stops the retry timer (at shutdown). Records still waiting are logged, as they will be lost. */
  stop(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = undefined
    for (const record of this.waiting.values()) this.log(`error: record ${record.id} (${record.decision} of ${record.client_id}) lost at shutdown: the portal store never answered`)
  }

  private schedule(): void {
    if (this.timer) return
    const pause = this.pauseMs
    this.pauseMs = Math.min(pause * 2, this.options.maxPauseMs ?? 10_000)
    this.timer = setTimeout(() => {
      this.timer = undefined
      void this.flush()
    }, pause)
    this.timer.unref()
  }
}

/** What the platform's grants say of an attempt whose outcome was unknown. */
export type Settled = 'granted' | 'revoked' | 'failed' | 'unknown'

function sameSamples(a: readonly BiosampleRef[], b: readonly BiosampleRef[]): boolean {
  const key = (refs: readonly BiosampleRef[]) => refs.map((r) => JSON.stringify([r.biosample_id, r.type])).sort().join('\n')
  return a.length === b.length && key(a) === key(b)
}

/**
 * Reads an unknown attempt against the platform's current grants (SPEC.md "Consent records"):
 * - authorize: `granted` when the app is listed with exactly the chosen samples and a grant time at
 *   or after the attempt's start (less the clock margin); `failed` only once the attempt is older
 *   than the upstream timeout plus that margin and the grant still does not match;
 * - revoke: `revoked` when the app is no longer listed; `failed` once it is old enough and still is.
 * `unknown` otherwise: too early to say.
 */
export function settle(attempt: ConsentRecord, grants: readonly UpstreamGrant[], options: SettleTimes): Settled {
  const started = Date.parse(attempt.at)
  const decided = (options.now ?? Date.now()) - started > options.upstreamTimeoutMs + options.clockMarginMs
  const grant = grants.find((g) => g.application.client_id === attempt.client_id)
  if (attempt.decision === 'authorize') {
    // The platform stamps grant_time in whole seconds: a grant made in the second the attempt
    // started (say …:05.700) reads …:05, before the start. Compared by the whole second, so a clock
    // margin below a second does not call the attempt's own grant an earlier one.
    const startedSecond = Math.floor(started / 1000) * 1000
    if (grant && sameSamples(grant.biosample_ids, attempt.biosamples) && Date.parse(grant.grant_time) >= startedSecond - options.clockMarginMs) return 'granted'
    return decided ? 'failed' : 'unknown'
  }
  if (attempt.decision === 'revoke') {
    if (!grant) return 'revoked'
    return decided ? 'failed' : 'unknown'
  }
  return 'unknown'
}

/**
 * Settles every unknown attempt of a person that `grants` (the platform's whole list for them, or
 * one app's) can speak for, appending each resolution. Returns the resolutions appended.
 */
export async function settlePending(
  store: PortalStore,
  attempts: readonly ConsentAttempt[],
  grants: readonly UpstreamGrant[],
  options: SettleTimes & { clientId?: string | undefined },
): Promise<ConsentRecord[]> {
  const appended: ConsentRecord[] = []
  for (const { record, outcome } of attempts) {
    if (outcome !== 'unknown' || (options.clientId !== undefined && record.client_id !== options.clientId)) continue
    const settled = settle(record, grants, options)
    if (settled === 'unknown') continue
    appended.push(await store.appendResolution(resolutionOf(record, settled)))
  }
  return appended
}

/**
 * Grants this portal recorded as granted that the platform no longer lists, with no revoke made
 * here since (revoked elsewhere, or by an operator): said to the person as a notice, never
 * recorded as their revoke. `grants` is the platform's whole list for the person.
 */
export function vanishedGrants(attempts: readonly ConsentAttempt[], grants: readonly UpstreamGrant[]): VanishedGrant[] {
  const listed = new Set(grants.map((g) => g.application.client_id))
  const seen = new Set<string>()
  const vanished: VanishedGrant[] = []
  // Newest first: an app's newest authorize or revoke attempt decides.
  for (const { record, outcome } of attempts) {
    if (seen.has(record.client_id) || record.decision === 'deny') continue
    if (record.decision === 'revoke' && outcome !== 'failed') {
      seen.add(record.client_id)
      continue
    }
    if (record.decision !== 'authorize' || outcome !== 'granted') continue
    seen.add(record.client_id)
    if (!listed.has(record.client_id)) {
      vanished.push({ client_id: record.client_id, app_name: record.app_name, app_logo: record.app_logo, record_id: record.id, granted_at: record.at })
    }
  }
  return vanished
}

/** The person's records with those still waiting in `outbox`, newest first, folded into attempts. */
export function attemptsOf(records: readonly ConsentRecord[], waiting: readonly ConsentRecord[]): ConsentAttempt[] {
  const all = [...waiting.filter((w) => !records.some((r) => r.id === w.id)), ...records]
  all.sort((a, b) => b.at.localeCompare(a.at) || b.id.localeCompare(a.id))
  return foldAttempts(all)
}

/**
 * Brings a person's records up to date with what the platform lists (their whole list, or one
 * app's when `clientId` is given): settles the unknown attempts it can speak for and, for the
 * whole list, finds the grants that vanished. Records still waiting in `waiting` count as made.
 */
export async function reconcile(
  store: PortalStore,
  userId: string,
  grants: readonly UpstreamGrant[],
  options: SettleTimes & { clientId?: string | undefined; waiting?: readonly ConsentRecord[] },
): Promise<{ records: ConsentRecord[]; vanished: VanishedGrant[] }> {
  const filter = options.clientId === undefined ? {} : { clientId: options.clientId }
  const waiting = (options.waiting ?? []).filter((r) => options.clientId === undefined || r.client_id === options.clientId)
  let records = await store.listRecords(userId, filter)
  const appended = await settlePending(store, attemptsOf(records, waiting), grants, options)
  if (appended.length > 0) records = await store.listRecords(userId, filter)
  const vanished = options.clientId === undefined ? vanishedGrants(attemptsOf(records, waiting), grants) : []
  return { records, vanished }
}
