// Consent tickets: the BFF's proof that a decision is made on the consent page it served, by the
// same session, for the same client, redirect URI and scope (SPEC.md "Security"). They are HMAC
// signed, so any BFF instance can check one; only the "first answer wins" memory is per instance.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import { z } from 'zod'

export const TICKET_TTL_MS = 10 * 60 * 1000

const payloadSchema = z.object({
  v: z.literal(1),
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

  issue(input: { authToken: string; clientId: string; redirectUri: string; scope: string; requiresSamples: boolean; wxmpAppId: string }): string {
    const payload: ConsentTicket = {
      v: 1,
      sid: this.sessionId(input.authToken),
      cid: input.clientId,
      ru: input.redirectUri,
      sc: input.scope,
      rs: input.requiresSamples,
      wx: input.wxmpAppId,
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
 * Remembers the first decision made with each ticket until the ticket expires, so a double click,
 * a reload or a replayed request gets the first answer again instead of minting a second code.
 * A decision that failed is forgotten, so the person can try again by hand.
 */
export class DecisionMemory<T> {
  private readonly entries = new Map<string, { decision: string; result: Promise<T>; expires: number }>()

  constructor(private readonly now: () => number = Date.now) {}

  /** Runs `make` once per ticket; returns undefined when the ticket was used for another decision. */
  once(ticket: ConsentTicket, decision: string, make: () => Promise<T>): Promise<T> | undefined {
    this.sweep()
    const existing = this.entries.get(ticket.jti)
    if (existing) return existing.decision === decision ? existing.result : undefined
    const result = make()
    this.entries.set(ticket.jti, { decision, result, expires: ticket.exp })
    result.catch(() => this.entries.delete(ticket.jti))
    return result
  }

  private sweep(): void {
    const now = this.now()
    for (const [key, entry] of this.entries) if (entry.expires <= now) this.entries.delete(key)
  }
}
