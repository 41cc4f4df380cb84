// The private API's request signature (reference/private-api/README.md, "Signature"). The client
// signs with it and the sandbox verifies with it, so both sides share one implementation.
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto'

/** The platform's fixed salt: the Latin letters a–z then A–Z. */
const SALT = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'

/** What encodeURIComponent leaves as it is but the platform escapes. */
const ALSO_ESCAPED = /[!'()*]/g

/**
 * Form-style percent-encoding as the reference (Python) client does it: only `A-Z a-z 0-9 _ . - ~`
 * stay as they are, a space is `%20`, everything else is its UTF-8 bytes. Unlike
 * `encodeURIComponent`, `! ' ( ) *` are escaped too. A lone surrogate becomes U+FFFD first (as
 * Buffer encodes it) rather than making encodeURIComponent throw. Native encoding, not a loop
 * over bytes: it runs on every parameter of every call, signed and verified.
 */
export function percentEncode(value: string): string {
  return encodeURIComponent(value.replace(/\p{Cs}/gu, '\uFFFD')).replace(ALSO_ESCAPED, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`)
}

/**
 * The encoded string that is signed (step 4): every parameter but `sign`, those without a value
 * (`undefined`) left out — an empty string is a value and stays — sorted by key, joined, encoded again.
 */
export function stringToSign(params: Record<string, string | undefined>): string {
  const pairs = Object.entries(params)
    .filter((entry): entry is [string, string] => entry[0] !== 'sign' && entry[1] !== undefined)
    // Sorted by code unit, like Python's sorted() on these ASCII keys; localeCompare would not be.
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, value]) => `${percentEncode(key)}=${percentEncode(value)}`)
  return percentEncode(pairs.join('&'))
}

/** base64(HMAC-SHA1(app_secret + '&', SALT + '&' + stringToSign(params))). */
export function signParams(params: Record<string, string | undefined>, appSecret: string): string {
  return createHmac('sha1', `${appSecret}&`).update(`${SALT}&${stringToSign(params)}`, 'utf8').digest('base64')
}

/** Checks `params.sign` against the other parameters, in constant time. */
export function verifySignature(params: Record<string, string | undefined>, appSecret: string): boolean {
  const given = params.sign
  if (!given) return false
  const expected = Buffer.from(signParams(params, appSecret), 'utf8')
  const actual = Buffer.from(given, 'utf8')
  // timingSafeEqual needs equal lengths; the length of a valid HMAC-SHA1 base64 is public anyway.
  return actual.length === expected.length && timingSafeEqual(actual, expected)
}

/** `YYYY-MM-DDTHH:MM:SSZ` in UTC, the platform's timestamp format (no milliseconds). */
export function formatTimestamp(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`
}

/**
 * A call's form body: its parameters (those without a value left out) plus app_key, a fresh
 * nonce and the timestamp, signed. Built afresh for every attempt, so no two bodies are alike.
 */
export function signedForm(params: Record<string, string | undefined>, credentials: { appKey: string; appSecret: string }, now: Date): string {
  const all: Record<string, string | undefined> = {
    ...params,
    app_key: credentials.appKey,
    signature_nonce: randomUUID().replaceAll('-', ''),
    timestamp: formatTimestamp(now),
  }
  const body = new URLSearchParams()
  for (const [key, value] of Object.entries(all)) if (value !== undefined) body.append(key, value)
  body.append('sign', signParams(all, credentials.appSecret))
  return body.toString()
}
