// Consent tickets: the BFF's proof that a decision is made on the consent page it served, by the
// same session, for the same client, redirect URI and scope (SPEC.md "Security"). They are HMAC
// signed, so any BFF instance can check one; the first decision per ticket is kept in the portal
// store, which every instance shares.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import { z } from 'zod'
import { ApiFailure } from '../http/api-failure'
import type { ClaimedDecision, DecisionKind, PortalStore } from '../store/portal-store'
import type { Deadline } from '../http/deadline'

export const TICKET_TTL_MS = 10 * 60 * 1000

const payloadSchema = z.object({
  v: z.literal(2),
  /** Keyed hash of the auth_token: binds the ticket to the session without revealing the token. */
  sid: z.string(),
  cid: z.string(),
  ru: z.string(),
  /** The `scope` parameter as sent, '' when absent. */
  sc: z.string(),
  /** Whether a requested scope reads sample data, so at least one sample must be chosen. */
  rs: z.boolean(),
  /** The app's mini-program id, '' for web and native apps. */
  wx: z.string(),
  /** The app's name and logo as the page shows them, for the decision's record. */
  an: z.string(),
  al: z.string(),
  /** SHA-256 (hex) of the texts the page shows in each language (server/consent/shown-texts.ts). */
  td: z.object({ 'zh-CN': z.string(), en: z.string() }),
  exp: z.number(),
  jti: z.string(),
})
export type ConsentTicket = z.infer<typeof payloadSchema>

export type TicketProblem = 'malformed' | 'expired' | 'wrong_session' | 'wrong_request'

export class ConsentTickets {
  constructor(
    private readonly secret: Buffer,
    private readonly now: () => number = Date.now,
  ) {}

  sessionId(authToken: string): string {
    return this.mac(`sid:${authToken}`).subarray(0, 16).toString('base64url')
  }

  issue(input: {
    authToken: string
    clientId: string
    redirectUri: string
    scope: string
    requiresSamples: boolean
    wxmpAppId: string
    appName: string
    appLogo: string
    textDigests: ConsentTicket['td']
  }): string {
    const payload: ConsentTicket = {
      v: 2,
      sid: this.sessionId(input.authToken),
      cid: input.clientId,
      ru: input.redirectUri,
      sc: input.scope,
      rs: input.requiresSamples,
      wx: input.wxmpAppId,
      an: input.appName,
      al: input.appLogo,
      td: input.textDigests,
      exp: this.now() + TICKET_TTL_MS,
      jti: randomBytes(12).toString('base64url'),
    }
    const body = Buffer.from(JSON.stringify(payload)).toString('base64url')
    return `${body}.${this.mac(`ticket:${body}`).toString('base64url')}`
  }

  /** Checks the signature, the expiry, the session and that the decision is about the same request. */
  verify(
    ticket: string,
    expected: { authToken: string; clientId: string; redirectUri: string; scope: string },
  ): { ok: true; ticket: ConsentTicket } | { ok: false; problem: TicketProblem } {
    const [body, mac, extra] = ticket.split('.')
    if (!body || !mac || extra !== undefined) return { ok: false, problem: 'malformed' }
    const want = this.mac(`ticket:${body}`)
    const got = Buffer.from(mac, 'base64url')
    if (got.length !== want.length || !timingSafeEqual(got, want)) return { ok: false, problem: 'malformed' }
    let parsed: ConsentTicket
    try {
      parsed = payloadSchema.parse(JSON.parse(Buffer.from(body, 'base64url').toString('utf8')))
    } catch {
      return { ok: false, problem: 'malformed' }
    }
    if (parsed.exp <= this.now()) return { ok: false, problem: 'expired' }
    if (parsed.sid !== this.sessionId(expected.authToken)) return { ok: false, problem: 'wrong_session' }
    if (parsed.cid !== expected.clientId || parsed.ru !== expected.redirectUri || parsed.sc !== expected.scope) {
      return { ok: false, problem: 'wrong_request' }
    }
    return { ok: true, ticket: parsed }
  }

  private mac(message: string): Buffer {
    return createHmac('sha256', this.secret).update(message).digest()
  }
}

/**
 * The first decision made with each ticket, across every instance sharing the portal store, so a
 * double click, a reload or a replayed request gets the first answer again instead of minting a
 * second code. The winner of the store's claim makes the answer; a concurrent request with the same
 * decision waits for it. A decision that failed is released, so the person can try again by hand.
 */
export class TicketDecisions<T> {
  constructor(
    private readonly store: PortalStore,
    private readonly options: {
      /** Reads a stored answer back (it crossed the store, a boundary). */
      answerSchema: z.core.$ZodType<T>
      /** How long a concurrent request waits for the winner's answer. */
      waitMs: number
      /** How long a claim holds without an answer: longer than any winner takes, so it only lapses when its holder died. */
      leaseMs: number
      now?: () => number
    },
  ) {}

  /**
   * Runs `make` once per ticket; undefined when the ticket was used for another decision. A
   * concurrent request waits for the winner's answer until `deadline` (the request's own), or
   * `waitMs` without one.
   */
  async once(ticket: ConsentTicket, decision: DecisionKind, make: () => Promise<T>, deadline?: Deadline): Promise<T | undefined> {
    const now = this.options.now ?? Date.now
    const claim = await this.store.claimDecision({ ticketId: ticket.jti, decision, leaseUntil: now() + this.options.leaseMs })
    if (claim.won) {
      let answer: T
      try {
        answer = await make()
      } catch (error) {
        // Should the release fail too, the claim lapses with its lease.
        await this.store.releaseClaim({ ticketId: ticket.jti, token: claim.token }).catch(() => undefined)
        throw error
      }
      // The answer is the person's either way (a code may have been minted): if it cannot be stored,
      // concurrent requests stop waiting at their deadline and the claim lapses with its lease.
      await this.store.storeAnswer({ ticketId: ticket.jti, token: claim.token, answer, expiresAt: ticket.exp }).catch(() => false)
      return answer
    }
    if (claim.existing.decision !== decision) return undefined
    return this.waitForAnswer(ticket.jti, claim.existing, deadline?.remainingMs() ?? this.options.waitMs)
  }

  private async waitForAnswer(ticketId: string, first: ClaimedDecision, waitMs: number): Promise<T> {
    // A duration, so the monotonic clock: wall-clock time may jump (or be faked in tests).
    const now = () => performance.now()
    const deadline = now() + waitMs
    let seen: ClaimedDecision | undefined = first
    let pause = 20
    while (seen?.state === 'pending' && now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, Math.min(pause, Math.max(0, deadline - now()))))
      pause = Math.min(pause * 1.5, 250)
      seen = await this.store.readDecision(ticketId)
    }
    if (seen?.state === 'done') return z.parse(this.options.answerSchema, seen.answer)
    if (seen === undefined) {
      // The winner's upstream call failed and released the claim. Asking the platform again here
      // would be an automatic retry of authorize, which SPEC.md "Security" forbids.
      throw new ApiFailure(502, 'upstream_error', 'The platform did not complete this decision. Please try again.')
    }
    throw new ApiFailure(504, 'upstream_timeout', 'This decision is taking too long. Please try again in a moment.')
  }
}
