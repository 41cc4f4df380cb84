// The consent decision (SPEC.md "Consent records", "Security"): one function each for authorize and
// deny, whatever asked for them. The first decision made with a ticket wins across every instance
// sharing the portal store; a repeat gets the first answer again. Every attempt is a record written
// before the platform hears of it, and a platform answer that was lost is not a failure: the claim
// stays `unknown` until the platform's grants say what it did.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'
import { z } from 'zod'
import type { BiosampleRef, DecisionResponse } from '../../src/contract/api'
import type { ConsentRecord } from '../../src/contract/records'
import { ApiFailure } from '../http/api-failure'
import type { Deadline } from '../http/deadline'
import type { RequestUpstream } from '../http/upstream'
import type { ClaimedDecision, DecisionKind, PortalStore } from '../store/portal-store'
import { callOutcome } from '../upstream/errors'
import type { UpstreamAuthorization } from '../upstream/schemas'
import { appendRecord, makeRecord, newRecordId, resolutionOf, settle, type RecordInput } from './records'
import type { ConsentTicket } from './ticket'

/** AES-256-GCM under the ticket's own key: `iv.ciphertext.tag`, base64url. */
export function sealAnswer(key: Buffer, answer: unknown): string {
  const iv = randomBytes(12)
  const cipher = createCipheriv('aes-256-gcm', key, iv)
  const body = Buffer.concat([cipher.update(JSON.stringify(answer), 'utf8'), cipher.final()])
  return [iv, body, cipher.getAuthTag()].map((part) => part.toString('base64url')).join('.')
}

/** The answer sealed by `sealAnswer`; throws when it was sealed under another key or altered. */
export function unsealAnswer(key: Buffer, sealed: string): unknown {
  const [iv = '', body = '', tag = ''] = sealed.split('.')
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'))
  decipher.setAuthTag(Buffer.from(tag, 'base64url'))
  return JSON.parse(Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8'))
}

export interface DecisionSettings {
  /** How long a claim holds without an answer: longer than any holder takes, so it lapses only when its holder died. */
  leaseMs: number
  /** UPSTREAM_TIMEOUT_MS: after it (and the clock margin) an attempt that left no grant did not happen. */
  upstreamTimeoutMs: number
  clockMarginMs: number
  /** Reads a stored answer back (it crossed the store, a boundary). */
  answerSchema: z.core.$ZodType<DecisionResponse>
  log: (line: string) => void
  /** Told what each claim came to (the claims counter, server/http/metrics.ts). */
  observeClaim?: (result: 'won' | 'waited' | 'conflict' | 'lapsed') => void
}

/** One decision on one verified ticket, as the route (the JSON API or the page's form) hands it over. */
export interface DecisionRequest {
  store: PortalStore
  upstream: RequestUpstream
  deadline: Deadline
  ticket: ConsentTicket
  /** From ConsentTickets.verify: seals the stored answer. */
  sealingKey: Buffer
  /** The attempt's record, but for its outcome, id and time. */
  record: Omit<RecordInput, 'outcome' | 'resolves' | 'at'>
}

export function decisionOutcomeUnknown(): ApiFailure {
  return new ApiFailure(
    504,
    'decision_outcome_unknown',
    'BGE did not confirm this decision in time. Access may have been granted: check your authorized apps before trying again.',
  )
}

function usedElsewhere(): never {
  throw new ApiFailure(409, 'ticket_used', 'A different decision was already made on this page. Please reload it.')
}

function alreadyGranted(): never {
  throw new ApiFailure(409, 'ticket_used', 'Access was already granted on this page. To take it back, revoke it on your authorized apps page.', {
    details: { decision: 'authorize', outcome: 'granted' },
  })
}

/** Stops waiting for another request's answer: the platform is slow, nothing is known yet. */
function stillWaiting(): never {
  throw new ApiFailure(504, 'upstream_timeout', 'This decision is taking too long. Please try again in a moment.')
}

/** What a pending or unknown claim turned out to be, by the platform's grants of that app. */
type ClaimSettled = 'granted' | 'not_granted' | 'unknown'

export class ConsentDecisions {
  constructor(private readonly settings: DecisionSettings) {}

  /**
   * Authorize: at most one platform authorize in flight per ticket. `answer` turns the platform's
   * authorization into what the person gets (it may refuse a redirect the platform answered with).
   */
  authorize(request: DecisionRequest, biosamples: readonly BiosampleRef[], answer: (granted: UpstreamAuthorization) => DecisionResponse): Promise<DecisionResponse> {
    return this.decide(request, 'authorize', (token) => this.makeAuthorize(request, token, biosamples, answer))
  }

  /** Deny: no platform call; its record is written before the answer (fail closed). */
  deny(request: DecisionRequest, answer: DecisionResponse): Promise<DecisionResponse> {
    return this.decide(request, 'deny', async (token) => {
      const record = makeRecord({ ...request.record, biosamples: [], outcome: 'denied', resolves: null })
      try {
        await appendRecord(request.store, record)
      } catch (error) {
        await request.store.releaseClaim({ ticketId: request.ticket.jti, token }).catch(() => undefined)
        throw error
      }
      await this.storeAnswer(request, token, answer)
      return answer
    })
  }

  private keepMs(ticket: ConsentTicket): number {
    // A duration from this instance's clock; the store adds it to its own.
    return Math.max(1_000, ticket.exp - Date.now())
  }

  private async decide(request: DecisionRequest, kind: DecisionKind, make: (token: string) => Promise<DecisionResponse>): Promise<DecisionResponse> {
    const { store, ticket } = request
    // A claim released or taken over between two reads sends us round again; a few rounds at most.
    for (let round = 0; round < 4; round++) {
      const claim = await store.claimDecision({ ticketId: ticket.jti, decision: kind, leaseMs: this.settings.leaseMs, keepMs: this.keepMs(ticket) })
      const observe = this.settings.observeClaim
      if (claim.won) {
        observe?.('won')
        return make(claim.token)
      }
      let existing: ClaimedDecision | undefined = claim.existing
      const conflict: () => never = () => {
        observe?.('conflict')
        usedElsewhere()
      }
      if (existing.state === 'pending' && !existing.lapsed) {
        if (existing.decision !== kind) conflict()
        observe?.('waited')
        existing = await this.waitWhilePending(request)
        // Released: the platform definitely did not act on the first request. Asking it again
        // here would retry authorize automatically, which SPEC.md "Security" forbids.
        if (!existing) throw new ApiFailure(502, 'upstream_error', 'The platform did not complete this decision. Please try again.')
      }
      if (existing.state === 'done') {
        if (existing.decision !== kind || existing.sealedAnswer === undefined) conflict()
        if (existing === claim.existing) observe?.('waited')
        return z.parse(this.settings.answerSchema, unsealAnswer(request.sealingKey, existing.sealedAnswer))
      }
      // Unknown, or pending with a holder that died: what did the platform do?
      observe?.('lapsed')
      const settled = await this.settleClaim(request, existing)
      if (settled === 'unknown') throw decisionOutcomeUnknown()
      if (settled === 'not_granted') {
        await store.releaseClaim({ ticketId: ticket.jti, token: existing.token })
        continue
      }
      // Granted, but the code it minted was lost: authorize may ask once more, as a new attempt.
      if (kind === 'deny') alreadyGranted()
      const token = await store.retakeClaim({ ticketId: ticket.jti, token: existing.token, decision: kind, leaseMs: this.settings.leaseMs })
      if (token) return make(token)
    }
    stillWaiting()
  }

  /** Polls the claim until it is no longer a live pending one, or the request's deadline. */
  private async waitWhilePending(request: DecisionRequest): Promise<ClaimedDecision | undefined> {
    let pause = 20
    for (;;) {
      const left = request.deadline.remainingMs()
      if (left <= 0) stillWaiting()
      await new Promise((resolve) => setTimeout(resolve, Math.min(pause, left)))
      pause = Math.min(pause * 1.5, 250)
      const seen = await request.store.readDecision(request.ticket.jti)
      if (!seen || seen.state !== 'pending' || seen.lapsed) return seen
    }
  }

  /** Reads the attempt behind an unknown or lapsed claim against the app's grant now, and records what it finds. */
  private async settleClaim(request: DecisionRequest, claim: ClaimedDecision): Promise<ClaimSettled> {
    // No attempt linked: its holder died before writing it, so the platform was never asked.
    if (claim.recordId === undefined) return 'not_granted'
    const attempt = await request.store.readRecord(request.record.user_id, claim.recordId)
    // Linked but never written: the holder died between the two, before asking the platform.
    if (!attempt) return 'not_granted'
    if (attempt.decision !== 'authorize') return 'unknown'
    const resolved = (await request.store.listRecords(attempt.user_id, { clientId: attempt.client_id })).find((r) => r.resolves === attempt.id)
    const outcome = resolved?.outcome ?? (await this.readGrant(request, attempt))
    if (outcome === 'granted') return 'granted'
    if (outcome === 'failed') return 'not_granted'
    return 'unknown'
  }

  /** One read of the app's grant: settles `attempt` when it can, appending the resolution. */
  private async readGrant(request: DecisionRequest, attempt: ConsentRecord): Promise<'granted' | 'failed' | 'unknown'> {
    let grants
    try {
      grants = await request.upstream.grants({ client_id: attempt.client_id })
    } catch {
      return 'unknown'
    }
    const settled = settle(attempt, grants, this.settings)
    if (settled !== 'granted' && settled !== 'failed') return 'unknown'
    const kept = await request.store.appendResolution(resolutionOf(attempt, settled))
    return kept.outcome === 'granted' ? 'granted' : kept.outcome === 'failed' ? 'failed' : 'unknown'
  }

  private async makeAuthorize(
    request: DecisionRequest,
    token: string,
    biosamples: readonly BiosampleRef[],
    answer: (granted: UpstreamAuthorization) => DecisionResponse,
  ): Promise<DecisionResponse> {
    const { store, ticket } = request
    const attempt = makeRecord({ ...request.record, biosamples, outcome: 'unknown', resolves: null }, newRecordId())
    try {
      // Linked first, written second: a claim whose record cannot be found was never sent.
      if (!(await store.linkAttempt({ ticketId: ticket.jti, token, recordId: attempt.id }))) stillWaiting()
      await appendRecord(store, attempt)
    } catch (error) {
      // No record, no decision (SPEC.md "Consent records"): nothing was asked of the platform.
      await store.releaseClaim({ ticketId: ticket.jti, token }).catch(() => undefined)
      throw error
    }
    let granted: UpstreamAuthorization
    try {
      // Never retried: each successful call mints a code (SPEC.md "Security").
      granted = await request.upstream.authorize({ client_id: ticket.cid, redirect_uri: ticket.ru, biosample_ids: [...biosamples] })
    } catch (error) {
      if (callOutcome(error) === 'failed') {
        // The platform definitely did not act: said in a record of its own, and the ticket is free again.
        await store.appendResolution(resolutionOf(attempt, 'failed')).catch((cause: unknown) => this.unsettled(attempt, 'failed', cause))
        await store.releaseClaim({ ticketId: ticket.jti, token }).catch(() => undefined)
        throw error
      }
      // Sent, and no definite answer came: it may have acted. The claim stays until we know.
      this.settings.log(`warn: authorize attempt ${attempt.id} of ${ticket.cid}: the platform's answer was lost (${error instanceof Error ? error.message : String(error)})`)
      await store.markUnknown({ ticketId: ticket.jti, token, keepMs: this.keepMs(ticket) }).catch(() => undefined)
      // Right away, once: the app's grant may already say what happened.
      await this.readGrant(request, attempt).catch(() => undefined)
      throw decisionOutcomeUnknown()
    }
    await store.appendResolution(resolutionOf(attempt, 'granted')).catch((cause: unknown) => this.unsettled(attempt, 'granted', cause))
    const response = answer(granted)
    await this.storeAnswer(request, token, response)
    return response
  }

  /**
   * The answer is the person's either way (a code may have been minted): if it cannot be stored,
   * a concurrent request stops waiting at its deadline and the claim lapses with its lease.
   */
  private async storeAnswer(request: DecisionRequest, token: string, answer: DecisionResponse): Promise<void> {
    const sealed = sealAnswer(request.sealingKey, answer)
    await request.store.storeAnswer({ ticketId: request.ticket.jti, token, sealedAnswer: sealed, keepMs: this.keepMs(request.ticket) }).catch(() => false)
  }

  /** A resolution the store would not take: the attempt stays unknown and is settled on the next read. */
  private unsettled(attempt: ConsentRecord, outcome: string, cause: unknown): void {
    this.settings.log(`warn: attempt ${attempt.id} is ${outcome} but its resolution could not be written yet: ${cause instanceof Error ? cause.message : String(cause)}`)
  }
}
