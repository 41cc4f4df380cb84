import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { compactVerify, createLocalJWKSet } from 'jose'
import { afterAll, describe, expect, test } from 'vitest'
import { RECEIPT_JWS_TYPE } from '../../src/contract/receipts'
import { newSigningJwk, parseSigningKeys, ReceiptKeys, sandboxReceiptKeys } from './keys'

const dir = mkdtempSync(join(tmpdir(), 'bge-keys-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('RECEIPT_SIGNING_KEYS', () => {
  test('the first key signs; the JWKS lists every key, public halves only', async () => {
    const [current, old] = [newSigningJwk(), newSigningJwk()]
    const keys = new ReceiptKeys([current, old])
    expect(keys.kid).toBe(current.kid)
    expect(keys.jwks.keys).toEqual([
      { kty: 'OKP', crv: 'Ed25519', x: current.x, kid: current.kid, alg: 'EdDSA', use: 'sig' },
      { kty: 'OKP', crv: 'Ed25519', x: old.x, kid: old.kid, alg: 'EdDSA', use: 'sig' },
    ])
    expect(JSON.stringify(keys.jwks)).not.toContain(current.d)
    const verified = await compactVerify(await keys.sign('{"a":1}'), createLocalJWKSet(keys.jwks))
    expect(verified.protectedHeader).toEqual({ alg: 'EdDSA', kid: current.kid, typ: RECEIPT_JWS_TYPE })
    expect(new TextDecoder().decode(verified.payload)).toBe('{"a":1}')
  })

  test('refused, never quoting a private key: not JSON, empty, a kid twice, x not d’s, not Ed25519', () => {
    const key = newSigningJwk()
    const other = newSigningJwk()
    const problem = (value: unknown) => {
      const parsed = parseSigningKeys(typeof value === 'string' ? value : JSON.stringify(value))
      if (parsed.success) throw new Error('expected a refusal')
      expect(parsed.problem).not.toContain(key.d)
      return parsed.problem
    }
    expect(problem(`[${JSON.stringify(key)}`)).toMatch(/^not JSON/)
    expect(problem([])).toMatch(/at least one key/)
    expect(problem([key, { ...other, kid: key.kid }])).toMatch(/\[1\]\.\[kid\] kid ".+" is listed twice/)
    expect(problem([{ ...key, x: other.x }])).toMatch(/\[0\]\.\[x\] is not the public key of d/)
    expect(problem([{ ...key, crv: 'X25519' }])).toMatch(/\[0\]\.\[crv\]/)
    expect(problem([{ ...key, d: 'short' }])).toMatch(/32 bytes in base64url/)
    expect(parseSigningKeys(JSON.stringify([key, other]))).toEqual({ success: true, keys: [key, other] })
  })

  test('a new key’s kid is its RFC 7638 thumbprint, so two new keys never share one', () => {
    const key = newSigningJwk()
    expect(key.kid).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(newSigningJwk().kid).not.toBe(key.kid)
  })
})

describe('sandbox mode without keys', () => {
  test('one key is made on first start, kept 0600, and the same key signs after a restart', async () => {
    const file = join(dir, 'nested', 'receipt-signing-key.json')
    const first = sandboxReceiptKeys(file)
    expect(statSync(file).mode & 0o777).toBe(0o600)
    const jws = await first.sign('{"kept":true}')
    const restarted = sandboxReceiptKeys(file)
    expect(restarted.kid).toBe(first.kid)
    expect((await compactVerify(jws, createLocalJWKSet(restarted.jwks))).protectedHeader.kid).toBe(first.kid)
    expect(parseSigningKeys(readFileSync(file, 'utf8'))).toMatchObject({ success: true })
  })

  test('a key already kept is reused, never replaced, and no draft file is left beside it', () => {
    const file = join(dir, 'racing', 'receipt-signing-key.json')
    const kids = Array.from({ length: 5 }, () => sandboxReceiptKeys(file).kid)
    expect(new Set(kids).size).toBe(1)
    expect(readdirSync(join(dir, 'racing'))).toEqual(['receipt-signing-key.json'])
  })

  test('a damaged key file refuses the start, saying what to do, instead of making a new key over it', () => {
    const file = join(dir, 'damaged.json')
    writeFileSync(file, '{"not":"keys"}')
    expect(() => sandboxReceiptKeys(file)).toThrow(/does not hold receipt-signing keys .*move it away to make a new key/)
    expect(readFileSync(file, 'utf8')).toBe('{"not":"keys"}')
  })

  test('PORTAL_DB=:memory: keeps nothing: a key of the process’s own', () => {
    expect(sandboxReceiptKeys(undefined).kid).not.toBe(sandboxReceiptKeys(undefined).kid)
  })
})
