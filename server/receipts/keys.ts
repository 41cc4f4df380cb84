// The keys that sign consent receipts (issue 19; SPEC.md "Consent records", "Configuration"):
// RECEIPT_SIGNING_KEYS is a JSON array of private Ed25519 JWKs; the first signs, every one
// verifies, so a new key is put first and the old ones stay listed while receipts they signed are
// kept. Their public halves are served at /.well-known/jwks.json (server/routes/receipts.ts).
// Imported with node:crypto, which is synchronous, so the configuration can refuse a bad key at
// start; signed with jose, the same library a verifier would use.
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto'
import { existsSync, linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { CompactSign } from 'jose'
import { z } from 'zod'
import { RECEIPT_JWS_ALG, RECEIPT_JWS_TYPE } from '../../src/contract/receipts'

// RFC 8037: an Ed25519 key's `x` and `d` are 32 bytes each, base64url without padding (43 characters).
const key32 = z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'must be 32 bytes in base64url')

/** A private Ed25519 JWK as an operator configures it; members beyond these are dropped. */
export const privateSigningJwkSchema = z.object({
  kty: z.literal('OKP'),
  crv: z.literal('Ed25519'),
  x: key32,
  d: key32,
  // Printed in every receipt's header and matched against the JWKS: printable, and short.
  kid: z.string().regex(/^[\x21-\x7e]{1,100}$/, 'must be 1 to 100 printable ASCII characters'),
  alg: z.literal(RECEIPT_JWS_ALG).optional(),
  use: z.literal('sig').optional(),
})
export type PrivateSigningJwk = z.infer<typeof privateSigningJwkSchema>

/** RECEIPT_SIGNING_KEYS: at least one key, each kid once (a verifier picks the key by it). */
export const signingKeysSchema = z
  .array(privateSigningJwkSchema)
  .min(1, 'must list at least one key')
  .superRefine((keys, context) => {
    const seen = new Set<string>()
    for (const [index, key] of keys.entries()) {
      if (seen.has(key.kid)) context.addIssue({ code: 'custom', path: [index, 'kid'], message: `kid "${key.kid}" is listed twice` })
      seen.add(key.kid)
      // A JWK whose public half is not its private half's would sign receipts no JWKS verifies.
      if (publicHalf(key) !== key.x) context.addIssue({ code: 'custom', path: [index, 'x'], message: 'is not the public key of d' })
    }
  })

/** RECEIPT_SIGNING_KEYS' text (JSON), or what is wrong with it in words an operator can act on. */
export function parseSigningKeys(text: string): { success: true; keys: PrivateSigningJwk[] } | { success: false; problem: string } {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    return { success: false, problem: 'not JSON: expected an array of private Ed25519 JWKs (npm run receipt-key prints one)' }
  }
  const parsed = signingKeysSchema.safeParse(json)
  if (parsed.success) return { success: true, keys: parsed.data }
  // Never the value itself: it holds private keys.
  return { success: false, problem: parsed.error.issues.map((issue) => `${issue.path.length > 0 ? `[${issue.path.join('].[')}] ` : ''}${issue.message}`).join('; ') }
}

/** A key of the JWKS the portal serves: public, for EdDSA signatures only. */
export interface PublicReceiptJwk {
  kty: 'OKP'
  crv: 'Ed25519'
  x: string
  kid: string
  alg: typeof RECEIPT_JWS_ALG
  use: 'sig'
}

/** The `x` that `d` makes, or undefined when `d` is no Ed25519 private key. */
function publicHalf(jwk: PrivateSigningJwk): string | undefined {
  try {
    const derived = createPublicKey(createPrivateKey({ key: { kty: 'OKP', crv: 'Ed25519', d: jwk.d, x: jwk.x }, format: 'jwk' })).export({ format: 'jwk' })
    return derived.x
  } catch {
    return undefined
  }
}

/**
 * The receipt-signing keys in use: the first signs, every one is in the JWKS. Shared by the portal
 * store (which signs each record as it appends it) and the JWKS route, so what is served always
 * verifies what was signed.
 */
export class ReceiptKeys {
  /** The signing key's kid, in every new receipt's protected header. */
  readonly kid: string
  readonly jwks: { keys: PublicReceiptJwk[] }
  private readonly signingKey: KeyObject

  constructor(keys: readonly PrivateSigningJwk[]) {
    const parsed = signingKeysSchema.parse(keys)
    const first = parsed[0]!
    this.kid = first.kid
    this.signingKey = createPrivateKey({ key: { kty: 'OKP', crv: 'Ed25519', d: first.d, x: first.x }, format: 'jwk' })
    this.jwks = { keys: parsed.map(({ x, kid }) => ({ kty: 'OKP', crv: 'Ed25519', x, kid, alg: RECEIPT_JWS_ALG, use: 'sig' })) }
  }

  /** The compact JWS of `payload` (a record's RFC 8785 text, src/contract/receipts.ts). */
  sign(payload: string): Promise<string> {
    return new CompactSign(new TextEncoder().encode(payload))
      .setProtectedHeader({ alg: RECEIPT_JWS_ALG, kid: this.kid, typ: RECEIPT_JWS_TYPE })
      .sign(this.signingKey)
  }
}

/**
 * A new private key, its kid the RFC 7638 thumbprint of its public half (so two keys never share
 * one by accident). `npm run receipt-key` prints one; sandbox mode keeps one of these.
 */
export function newSigningJwk(): PrivateSigningJwk {
  const jwk = generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' })
  const x = z.string().parse(jwk.x)
  // RFC 7638 §3.2: the required members only, in lexicographic order, no whitespace.
  const kid = createHash('sha256').update(JSON.stringify({ crv: 'Ed25519', kty: 'OKP', x })).digest('base64url')
  return { kty: 'OKP', crv: 'Ed25519', x, d: z.string().parse(jwk.d), kid, alg: RECEIPT_JWS_ALG, use: 'sig' }
}

/**
 * Sandbox mode without RECEIPT_SIGNING_KEYS: the key kept in `file` (RECEIPT_SIGNING_KEYS' own
 * format, mode 0600), made there on first start, so receipts still verify after a restart. No file
 * (PORTAL_DB=:memory:, which keeps nothing either): a key of this process's own.
 */
export function sandboxReceiptKeys(file: string | undefined): ReceiptKeys {
  if (file === undefined) return new ReceiptKeys([newSigningJwk()])
  if (!existsSync(file)) {
    // Written whole to a file of this process's own, then linked into place: a link never replaces
    // a key another process put there a moment ago (that one is read below instead), and nobody
    // ever reads half a key.
    const draft = `${file}.${process.pid}.tmp`
    try {
      mkdirSync(dirname(file), { recursive: true })
      writeFileSync(draft, `${JSON.stringify([newSigningJwk()], null, 2)}\n`, { mode: 0o600, flag: 'wx' })
      linkSync(draft, file)
    } catch (error) {
      if (!(error instanceof Error && 'code' in error && error.code === 'EEXIST')) throw new Error(`cannot keep the sandbox's receipt-signing key in ${file}: ${error instanceof Error ? error.message : String(error)}`)
    } finally {
      rmSync(draft, { force: true })
    }
  }
  const parsed = parseSigningKeys(readFileSync(file, 'utf8'))
  if (!parsed.success) throw new Error(`${file} does not hold receipt-signing keys (${parsed.problem}); move it away to make a new key`)
  return new ReceiptKeys(parsed.keys)
}

/** The keys the configuration names (server/config.ts `receiptKeys`): configured, or the sandbox's own. */
export function configuredReceiptKeys(setting: { keys: PrivateSigningJwk[] } | { generated: true; file: string | undefined }): ReceiptKeys {
  return 'keys' in setting ? new ReceiptKeys(setting.keys) : sandboxReceiptKeys(setting.file)
}
