// GET /.well-known/jwks.json (SPEC.md "BFF API"; issue 19): the public keys that verify consent
// receipts, every configured one (the first signs new receipts; the others still verify the
// receipts they signed). Outside /api: a verifier on another origin (an auditor's tool, a regulator's
// page) fetches it without a session, so it is readable from any origin and may be cached briefly.
import { Hono } from 'hono'
import { JWKS_PATH } from '../../src/contract/receipts'
import type { ReceiptKeys } from '../receipts/keys'

/** Short: a rotated key reaches verifiers within minutes, and keys are few and small. */
const JWKS_MAX_AGE_S = 300

export function jwksRoutes(keys: Pick<ReceiptKeys, 'jwks'>): Hono {
  const app = new Hono()
  app.get(JWKS_PATH, (c) => {
    c.header('Access-Control-Allow-Origin', '*')
    // Set after server/http/security.ts's same-origin default: these keys are public on purpose.
    c.header('Cross-Origin-Resource-Policy', 'cross-origin')
    c.header('Cache-Control', `public, max-age=${JWKS_MAX_AGE_S}`)
    c.header('Content-Type', 'application/jwk-set+json')
    return c.body(JSON.stringify(keys.jwks))
  })
  return app
}
