// Continuations (SPEC.md "Consent page"): where the consent form's answer sends a web app's person
// next. Chromium checks a form's `form-action` on every redirect hop, and an app whose callback
// redirects again (to its sign-in, another host) would be blocked by a CSP that cannot know that
// hop. So the form answers 303 to a portal page, GET /oauth2/continue?c=…, which is a navigation of
// its own (no form, no `form-action`) and continues by a link and `<meta http-equiv="refresh">`.
//
// The target holds the authorization code, so `c` is the target sealed (AES-256-GCM) under a key
// derived from SESSION_SECRET, with an expiry: opaque in the portal's URL, readable by any instance
// that shares the secret (instances share nothing else but the store), and short-lived.
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto'

/** Long enough for a slow phone to follow a 303, short enough that a copied link is useless soon. */
export const CONTINUATION_TTL_MS = 2 * 60 * 1000

function keyOf(secret: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), 'bge consent continuation', 32))
}

export class Continuations {
  private readonly keys: readonly Buffer[]

  /** `secrets[0]` seals; each of `secrets` opens (SESSION_SECRET rotation). */
  constructor(
    secrets: readonly Buffer[],
    private readonly now: () => number = Date.now,
  ) {
    if (secrets.length === 0) throw new Error('Continuations needs at least one secret')
    this.keys = secrets.map(keyOf)
  }

  /** The `c` of the continuation page that sends the person to `target`. */
  seal(target: string): string {
    const iv = randomBytes(12)
    const cipher = createCipheriv('aes-256-gcm', this.keys[0] as Buffer, iv)
    const body = Buffer.concat([cipher.update(JSON.stringify({ t: target, exp: this.now() + CONTINUATION_TTL_MS }), 'utf8'), cipher.final()])
    return [iv, body, cipher.getAuthTag()].map((part) => part.toString('base64url')).join('.')
  }

  /** The target of `sealed`, or undefined when it was not sealed here, was altered or has expired. */
  open(sealed: string): string | undefined {
    const parts = /^([A-Za-z0-9_-]{16})\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]{22})$/.exec(sealed)
    if (!parts) return undefined
    const [, iv = '', body = '', tag = ''] = parts
    for (const key of this.keys) {
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'))
        decipher.setAuthTag(Buffer.from(tag, 'base64url'))
        const opened: unknown = JSON.parse(Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8'))
        if (typeof opened !== 'object' || opened === null) return undefined
        const { t, exp } = opened as { t?: unknown; exp?: unknown }
        if (typeof t !== 'string' || typeof exp !== 'number' || exp <= this.now()) return undefined
        return t
      } catch {
        // Another key's, or altered: the next key may open it.
      }
    }
    return undefined
  }
}
