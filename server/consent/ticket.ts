// Consent tickets: the BFF's proof that a decision is made on the consent page it served, by the
// same session, for the same client, redirect URI and scope (SPEC.md "Security"). They are HMAC
// signed, so any BFF instance can check one; the first decision per ticket is kept in the portal
// store, which every instance shares. SESSION_SECRET is a list: the first key signs, every key
// verifies, so a key can be rotated in without refusing the tickets of pages already open.
//
// A ticket leaves the BFF masked (maskTicket): pages are compressed, and a page holds its ticket next
// to text reflected from the query (`state`, `scope`…), which makes compressed length an oracle for
// anything in it that stays the same across responses (BREACH). The payload's session binding
// (`sid`) and request fields stay the same for every page of a session, so each response carries
// a fresh random pad and the ticket XOR that pad: no byte of it repeats from one response to the
// next. verify() takes the masked form only; the signed form never leaves the BFF.
import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto'
import { z } from 'zod'

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
  /**
   * The person's latest granted authorize of the app that the page compared against ("what changed
   * since you last agreed"; null: none), recorded as the decision's `previous_receipt`. Absent when
   * the page could not compare (the store did not answer), and on tickets issued before it existed:
   * the decision then looks it up itself.
   */
  pr: z.string().nullable().optional(),
  exp: z.number(),
  jti: z.string(),
})
export type ConsentTicket = z.infer<typeof payloadSchema>

export type TicketProblem = 'malformed' | 'expired' | 'wrong_session' | 'wrong_request'

export class ConsentTickets {
  private readonly secrets: readonly Buffer[]

  /** `secrets[0]` signs; each of `secrets` verifies. */
  constructor(
    secrets: readonly Buffer[],
    private readonly now: () => number = Date.now,
  ) {
    if (secrets.length === 0) throw new Error('ConsentTickets needs at least one secret')
    this.secrets = secrets
  }

  /** Under the key that signed the ticket, so a ticket signed before a rotation keeps its session. */
  private sessionId(secret: Buffer, authToken: string): string {
    return mac(secret, `sid:${authToken}`).subarray(0, 16).toString('base64url')
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
    previousReceipt?: string | null | undefined
  }): string {
    const [signing] = this.secrets as [Buffer]
    const payload: ConsentTicket = {
      v: 2,
      sid: this.sessionId(signing, input.authToken),
      cid: input.clientId,
      ru: input.redirectUri,
      sc: input.scope,
      rs: input.requiresSamples,
      wx: input.wxmpAppId,
      an: input.appName,
      al: input.appLogo,
      td: input.textDigests,
      ...(input.previousReceipt !== undefined && { pr: input.previousReceipt }),
      exp: this.now() + TICKET_TTL_MS,
      jti: randomBytes(12).toString('base64url'),
    }
    const body = Buffer.from(JSON.stringify(payload)).toString('base64url')
    return maskTicket(`${body}.${mac(signing, `ticket:${body}`).toString('base64url')}`)
  }

  /** Checks the signature, the expiry, the session and that the decision is about the same request. */
  verify(
    masked: string,
    expected: { authToken: string; clientId: string; redirectUri: string; scope: string },
  ): { ok: true; ticket: ConsentTicket; sealingKey: Buffer } | { ok: false; problem: TicketProblem } {
    const ticket = unmaskTicket(masked)
    if (ticket === undefined) return { ok: false, problem: 'malformed' }
    // Strictly base64url, as issued: Node's decoder skips characters it does not know, so a
    // ticket with trailing garbage would otherwise verify.
    const match = /^([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]{43})$/.exec(ticket)
    if (!match) return { ok: false, problem: 'malformed' }
    const [, body = '', signature = ''] = match
    const got = Buffer.from(signature, 'base64url')
    if (got.toString('base64url') !== signature) return { ok: false, problem: 'malformed' }
    // Every key is tried, so how long this takes does not tell which one signed.
    let secret: Buffer | undefined
    for (const candidate of this.secrets) {
      const want = mac(candidate, `ticket:${body}`)
      if (got.length === want.length && timingSafeEqual(got, want)) secret ??= candidate
    }
    if (!secret) return { ok: false, problem: 'malformed' }
    let parsed: ConsentTicket
    try {
      parsed = payloadSchema.parse(JSON.parse(Buffer.from(body, 'base64url').toString('utf8')))
    } catch {
      return { ok: false, problem: 'malformed' }
    }
    if (parsed.exp <= this.now()) return { ok: false, problem: 'expired' }
    if (parsed.sid !== this.sessionId(secret, expected.authToken)) return { ok: false, problem: 'wrong_session' }
    if (parsed.cid !== expected.clientId || parsed.ru !== expected.redirectUri || parsed.sc !== expected.scope) {
      return { ok: false, problem: 'wrong_request' }
    }
    // The decision memory seals its stored answer with a key only the ticket's holder has (its
    // MAC never reaches the store), so a copy of the database cannot replay a code. From the MAC
    // alone, whichever key made it: every instance, before or after a rotation, derives the same.
    return { ok: true, ticket: parsed, sealingKey: Buffer.from(hkdfSync('sha256', got, Buffer.alloc(0), `bge decision answer ${parsed.jti}`, 32)) }
  }
}

/**
 * The signed ticket as one response carries it: base64url(pad ‖ ticket XOR pad), the pad fresh
 * random bytes as long as the ticket (the per-response masking of a CSRF token, as Rails and Django do it).
 */
export function maskTicket(signed: string): string {
  const plain = Buffer.from(signed, 'utf8')
  const pad = randomBytes(plain.length)
  return Buffer.concat([pad, xor(plain, pad)]).toString('base64url')
}

/** The signed ticket inside a masked one; undefined unless `masked` is exactly what maskTicket writes. */
export function unmaskTicket(masked: string): string | undefined {
  if (!/^[A-Za-z0-9_-]+$/.test(masked)) return undefined
  const bytes = Buffer.from(masked, 'base64url')
  // Strict, as the MAC below: Node's decoder ignores a dangling character rather than refusing it.
  if (bytes.toString('base64url') !== masked || bytes.length === 0 || bytes.length % 2 !== 0) return undefined
  const half = bytes.length / 2
  return xor(bytes.subarray(half), bytes.subarray(0, half)).toString('utf8')
}

function xor(a: Buffer, b: Buffer): Buffer {
  const out = Buffer.alloc(a.length)
  for (let i = 0; i < a.length; i += 1) out[i] = (a[i] ?? 0) ^ (b[i] ?? 0)
  return out
}

function mac(secret: Buffer, message: string): Buffer {
  return createHmac('sha256', secret).update(message).digest()
}
