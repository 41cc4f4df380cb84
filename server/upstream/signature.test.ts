import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { formatTimestamp, percentEncode, signParams, stringToSign, verifySignature } from './signature'

const repoRoot = resolve(import.meta.dirname, '../..')
const vectorsFile = resolve(repoRoot, 'test/fixtures/reference/private-api/signature-vectors.json')

const vectorsSchema = z.object({
  salt: z.string(),
  cases: z
    .array(
      z.object({
        name: z.string(),
        app_secret: z.string(),
        params: z.record(z.string(), z.string()),
        string_to_sign: z.string(),
        sign: z.string(),
      }),
    )
    .min(1),
})
const vectors = vectorsSchema.parse(JSON.parse(readFileSync(vectorsFile, 'utf8')))

describe('signature vectors', () => {
  it('uses the salt the vectors name', () => {
    expect(vectors.salt).toBe('abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ')
  })

  describe.each(vectors.cases)('$name', (vector) => {
    it('builds the string to sign', () => {
      expect(stringToSign(vector.params)).toBe(vector.string_to_sign)
    })

    it('signs', () => {
      expect(signParams(vector.params, vector.app_secret)).toBe(vector.sign)
    })

    it('ignores a sign already among the parameters', () => {
      expect(signParams({ ...vector.params, sign: 'whatever' }, vector.app_secret)).toBe(vector.sign)
    })

    it('verifies its own sign and refuses a wrong one', () => {
      expect(verifySignature({ ...vector.params, sign: vector.sign }, vector.app_secret)).toBe(true)
      expect(verifySignature({ ...vector.params, sign: vector.sign }, `${vector.app_secret}x`)).toBe(false)
      expect(verifySignature({ ...vector.params, timestamp: '2026-11-22T08:00:01Z', sign: vector.sign }, vector.app_secret)).toBe(false)
      expect(verifySignature({ ...vector.params, sign: vector.sign.slice(1) }, vector.app_secret)).toBe(false)
      expect(verifySignature({ ...vector.params }, vector.app_secret)).toBe(false)
    })
  })
})

describe('stringToSign', () => {
  it('leaves out undefined values but keeps empty strings', () => {
    expect(stringToSign({ b: undefined, a: '' })).toBe('a%3D')
    expect(stringToSign({ b: undefined, a: '1' })).toBe(stringToSign({ a: '1' }))
  })

  it('sorts keys by code unit, not by locale', () => {
    expect(stringToSign({ b: '1', B: '2', a: '3' })).toBe(percentEncode('B=2&a=3&b=1'))
  })
})

describe('percentEncode', () => {
  it('escapes what encodeURIComponent does not', () => {
    expect(percentEncode("!'()*")).toBe('%21%27%28%29%2A')
    expect(percentEncode('a b~c')).toBe('a%20b~c')
  })

  it('does not throw on a lone surrogate', () => {
    expect(percentEncode('\ud800')).toBe('%EF%BF%BD')
    expect(percentEncode('a\udc00\ud83d\ude00\ud83d')).toBe('a%EF%BF%BD%F0%9F%98%80%EF%BF%BD')
  })

  it('leaves exactly A-Z a-z 0-9 _ . - ~ as they are and writes every other byte as %XX', () => {
    // The definition, byte by byte: what the platform's reference client does.
    const byBytes = (value: string) =>
      [...Buffer.from(value, 'utf8')]
        .map((byte) => (/^[A-Za-z0-9_.\-~]$/.test(String.fromCharCode(byte)) ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`))
        .join('')
    const ascii = Array.from({ length: 128 }, (_, code) => String.fromCharCode(code)).join('')
    for (const value of [ascii, '测试应用 é ß 😀', 'http://127.0.0.1:3000/cb?x=1&y=a b#f']) expect(percentEncode(value)).toBe(byBytes(value))
  })
})

describe('formatTimestamp', () => {
  it('writes UTC seconds with a Z', () => {
    expect(formatTimestamp(new Date('2026-11-22T08:00:00.789Z'))).toBe('2026-11-22T08:00:00Z')
    expect(formatTimestamp(new Date(Date.UTC(2021, 0, 2, 3, 4, 5)))).toBe('2021-01-02T03:04:05Z')
  })
})
