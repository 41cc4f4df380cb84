// Checking a downloaded receipt (issue 19; SPEC.md "Consent records", "Verifiable"): the /verify
// page runs this in the browser and `npm run verify-receipt` in Node, on the same file and the same
// public keys, so both say the same thing. Browser-safe (no Node imports); Web Crypto for SHA-256
// and Ed25519, with @noble/ed25519 where the browser has no Ed25519 (older WeChat web-views).
//
// What it trusts: only the JWS. Every fact it reports comes from the signed payload; the readable
// Kantara fields beside it in a JSON download are compared with the signed record (a difference is a
// failure, named), never shown. Each failure is a code the page and the CLI put into words
// (src/locales/*.json `verify.*`), with the values that make it precise.
import canonicalize from 'canonicalize'
import { z } from 'zod/mini'
import { toKantaraReceipt } from './kantara'
import { CHAIN_START, consentRecordSchema, recordConsentText, type ConsentRecord } from './records'
import { RECEIPT_JWS_ALG, RECEIPT_JWS_TYPE, receiptPayload } from './receipts'

/** The `format` of the export of all of a person's records (`consent-records-<date>.json`). */
export const RECORDS_EXPORT_FORMAT = 'bge-consent-records/1'

/** A public key as `/.well-known/jwks.json` serves it; keys of other types are kept, and refused by kid. */
const jwkSchema = z.object({
  kty: z.string(),
  crv: z.optional(z.string()),
  x: z.optional(z.string()),
  kid: z.optional(z.string()),
  alg: z.optional(z.string()),
})
export const jwksSchema = z.object({ keys: z.array(jwkSchema) })
export type Jwks = z.infer<typeof jwksSchema>

/** The JWKS in `text`, or undefined when it is not one. */
export function parseJwks(text: string): Jwks | undefined {
  try {
    const parsed = jwksSchema.safeParse(JSON.parse(text))
    return parsed.success ? parsed.data : undefined
  } catch {
    return undefined
  }
}

/** What kind of file a person gave: the three a portal hands out (SPEC.md "Consent records"). */
export type ReceiptFileKind = 'jws' | 'receipt' | 'export'

/** One receipt of a file: its JWS and what sits beside it unsigned. */
interface ReceiptEntry {
  /** Null: the record was written before receipts were signed. */
  jws: string | null
  /** The JWS of the record this one links to, when the file carries it (a single receipt's JSON). */
  previousJws: string | null
  /** The readable fields beside the JWS (a Kantara receipt), compared with the signed record; null for a bare JWS. */
  readable: Record<string, unknown> | null
}

export type ReceiptFile =
  | { kind: ReceiptFileKind; entries: ReceiptEntry[]; /** An export's JWKS address (unsigned: a hint for the CLI). */ jwksUrl: string | undefined; subject: string | undefined }
  | { kind: 'unknown' }

const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/

// Plain `z.object`s (which drop unknown keys) for the shape; the readable copy compared with the
// signed record is the file's own object, every key kept. (`z.looseObject` would do both, at 0.2 KB
// gzip more of every page's first load: zod sits in the shared chunk, vite.config.ts.)
const nullableJws = z.nullable(z.string())
const kantaraSchema = z.object({
  version: z.literal('KI-CR-v1.1.0'),
  bge: z.object({ jws: nullableJws, previous_jws: z.optional(nullableJws) }),
})
const exportSchema = z.object({
  format: z.literal(RECORDS_EXPORT_FORMAT),
  subject: z.optional(z.string()),
  jwks: z.optional(z.string()),
  records: z.array(kantaraSchema),
})

/** A Kantara receipt's entry, or undefined when `json` is not one. */
function entryOf(json: unknown): ReceiptEntry | undefined {
  const receipt = kantaraSchema.safeParse(json)
  if (!receipt.success) return undefined
  return { jws: receipt.data.bge.jws, previousJws: receipt.data.bge.previous_jws ?? null, readable: json as Record<string, unknown> }
}

/** Recognizes the file's kind from its text: a bare compact JWS, one receipt's JSON, or the export. */
export function readReceiptFile(text: string): ReceiptFile {
  const trimmed = text.trim()
  if (COMPACT_JWS.test(trimmed)) return { kind: 'jws', entries: [{ jws: trimmed, previousJws: null, readable: null }], jwksUrl: undefined, subject: undefined }
  let json: unknown
  try {
    json = JSON.parse(trimmed)
  } catch {
    return { kind: 'unknown' }
  }
  const single = entryOf(json)
  if (single) return { kind: 'receipt', entries: [single], jwksUrl: undefined, subject: undefined }
  const all = exportSchema.safeParse(json)
  if (!all.success) return { kind: 'unknown' }
  // Each record as the file has it (every receipt in it passed the schema above).
  const entries = (json as { records: unknown[] }).records.flatMap((record) => entryOf(record) ?? [])
  return { kind: 'export', entries, jwksUrl: all.data.jwks, subject: all.data.subject }
}

/** Why a receipt's signature does not stand. */
export type SignatureFailure =
  /** Not a compact JWS, or a part that is not canonical base64url. */
  | 'malformed'
  /** The protected header is not `{alg, kid, typ}` JSON of a consent receipt. */
  | 'header'
  /** `alg` is not EdDSA (the only algorithm receipts are signed with). */
  | 'algorithm'
  /** No key with the header's kid in the portal's keys. */
  | 'unknown_key'
  /** A key with that kid, but not an Ed25519 public key. */
  | 'unusable_key'
  /** The bytes were changed, or another key signed them. */
  | 'mismatch'

/** Why a signed payload is not a consent record as the contract defines it. */
export type PayloadFailure = 'not_json' | 'not_canonical' | 'not_record'

/** Why a chain link fails. */
export type ChainFailure =
  /** The receipt it links to, included in the file, does not verify. */
  | 'previous_signature'
  /** That receipt's payload hashes to something other than `previous_sha256`. */
  | 'previous_hash'
  /** That receipt is not the one place before in the chain. */
  | 'previous_seq'
  /** That receipt is another person's. */
  | 'previous_person'
  /** Places between the file's receipts are missing (`from`…`to`). */
  | 'gap'
  /** Two receipts of the file claim the same place. */
  | 'duplicate'
  /** A chain start that is not place 1, place 1 that does not start a chain, or a place without a link. */
  | 'start'

export type ChainNote =
  /** The receipt it links to is not in the file: the link cannot be checked here. */
  | 'previous_missing'
  /** `chain_seq` null: written before receipts were signed, no chain to check. */
  | 'unchained'

/**
 * One line of the checklist. `pass` and `fail` are verdicts; `note` says a check could not be made
 * (and why), which is not a failure; `skipped` follows a failed signature (nothing unsigned is checked).
 */
export type Check =
  | { check: 'signature'; status: 'pass'; kid: string; engine: Ed25519Engine }
  | { check: 'signature'; status: 'fail'; reason: SignatureFailure; kid?: string; alg?: string }
  | { check: 'payload'; status: 'pass' }
  | { check: 'payload'; status: 'fail'; reason: PayloadFailure; fields?: string[] }
  | { check: 'text'; status: 'pass'; sha256: string }
  | { check: 'text'; status: 'fail'; stated: string; recomputed: string }
  | { check: 'chain'; status: 'pass'; kind: 'start' | 'linked'; seq: number }
  | { check: 'chain'; status: 'note'; kind: ChainNote; seq: number | null }
  | { check: 'chain'; status: 'fail'; reason: ChainFailure; seq: number | null; from?: number; to?: number }
  | { check: 'copy'; status: 'pass' }
  | { check: 'copy'; status: 'fail'; fields: string[] }
  | { check: Exclude<CheckName, 'signature'>; status: 'skipped' }

export type CheckName = 'signature' | 'payload' | 'text' | 'chain' | 'copy'

export interface ReceiptReport {
  /** `verified`: every check passed (a chain note aside); `refused`: one failed; `unsigned`: no JWS, nothing to verify. */
  verdict: 'verified' | 'refused' | 'unsigned'
  checks: Check[]
  /** The signed record, once its signature verified and its payload is a record: the only facts to show. */
  record: ConsentRecord | undefined
}

export interface FileReport {
  kind: ReceiptFileKind
  receipts: ReceiptReport[]
}

export type Ed25519Engine = 'webcrypto' | 'noble'

/** The Web Crypto calls this needs; tests pass one without Ed25519 to take the fallback. */
export type Subtle = Pick<SubtleCrypto, 'digest' | 'importKey' | 'verify'>

export interface VerifyOptions {
  /** Defaults to `globalThis.crypto.subtle` (the browser's and Node's). */
  subtle?: Subtle
}

// --- bytes

const BASE64URL = /^[A-Za-z0-9_-]*$/

/**
 * base64url without padding (RFC 7515 §2), strictly: the text must be the one canonical encoding
 * of its bytes. A lenient decoder ignores the unused low bits of the last character, so changing
 * the signature's last character could leave its bytes, and the verdict, unchanged.
 */
function fromBase64url(text: string): Uint8Array<ArrayBuffer> | undefined {
  if (!BASE64URL.test(text) || text.length % 4 === 1) return undefined
  const binary = atob(text.replaceAll('-', '+').replaceAll('_', '/') + '='.repeat((4 - (text.length % 4)) % 4))
  const bytes = new Uint8Array(binary.length)
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i)
  return toBase64url(bytes) === text ? bytes : undefined
}

function toBase64url(bytes: Uint8Array): string {
  let binary = ''
  for (const byte of bytes) binary += String.fromCharCode(byte)
  return btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '')
}

const utf8 = new TextEncoder()

/** SHA-256 hex of `bytes` (a string: its UTF-8 bytes). */
async function sha256Hex(subtle: Subtle, data: string | Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = await subtle.digest('SHA-256', typeof data === 'string' ? utf8.encode(data) : data)
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, '0')).join('')
}

// --- Ed25519

/**
 * Ed25519 verification (RFC 8032) through Web Crypto, or @noble/ed25519 where Web Crypto has no
 * Ed25519 (it throws NotSupportedError on import, or on verify in some engines). The fallback is
 * imported only then, so browsers that have Ed25519 never download it. `zip215: false` keeps noble
 * to RFC 8032's rules, as Web Crypto is.
 */
async function verifyEd25519(subtle: Subtle, publicKey: Uint8Array<ArrayBuffer>, signature: Uint8Array<ArrayBuffer>, data: Uint8Array<ArrayBuffer>): Promise<{ valid: boolean; engine: Ed25519Engine }> {
  try {
    const key = await subtle.importKey('raw', publicKey, { name: 'Ed25519' }, false, ['verify'])
    return { valid: await subtle.verify({ name: 'Ed25519' }, key, signature, data), engine: 'webcrypto' }
  } catch {
    const { verifyAsync } = await import('@noble/ed25519')
    // noble throws on a signature or key it cannot decode; that is a signature that does not verify.
    const valid = await verifyAsync(signature, data, publicKey, { zip215: false }).catch(() => false)
    return { valid, engine: 'noble' }
  }
}

const headerSchema = z.object({ alg: z.string(), kid: z.string(), typ: z.optional(z.string()) })

type SignatureResult =
  | { ok: true; check: Extract<Check, { check: 'signature'; status: 'pass' }>; payload: Uint8Array<ArrayBuffer> }
  | { ok: false; check: Extract<Check, { check: 'signature'; status: 'fail' }> }

async function checkSignature(jws: string, jwks: Jwks, subtle: Subtle): Promise<SignatureResult> {
  const fail = (reason: SignatureFailure, extra: { kid?: string; alg?: string } = {}): SignatureResult => ({ ok: false, check: { check: 'signature', status: 'fail', reason, ...extra } })
  const parts = jws.split('.')
  if (parts.length !== 3) return fail('malformed')
  const [headerPart = '', payloadPart = '', signaturePart = ''] = parts
  const headerBytes = fromBase64url(headerPart)
  const payload = fromBase64url(payloadPart)
  const signature = fromBase64url(signaturePart)
  if (!headerBytes || !payload || !signature || payload.length === 0) return fail('malformed')
  let header: z.infer<typeof headerSchema>
  try {
    const parsed = headerSchema.safeParse(JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(headerBytes)))
    if (!parsed.success) return fail('header')
    header = parsed.data
  } catch {
    return fail('header')
  }
  const { alg, kid } = header
  // The algorithm is fixed, never taken from the header (RFC 8725 §3.1): anything else is refused.
  if (alg !== RECEIPT_JWS_ALG) return fail('algorithm', { kid, alg })
  if (header.typ !== RECEIPT_JWS_TYPE) return fail('header', { kid })
  const jwk = jwks.keys.find((key) => key.kid === kid)
  if (!jwk) return fail('unknown_key', { kid })
  const x = jwk.x === undefined ? undefined : fromBase64url(jwk.x)
  if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || (jwk.alg !== undefined && jwk.alg !== RECEIPT_JWS_ALG) || x?.length !== 32) return fail('unusable_key', { kid })
  // RFC 7515 §5.2: the signing input is the two encoded parts as they stand, in ASCII.
  const { valid, engine } = await verifyEd25519(subtle, x, signature, utf8.encode(`${headerPart}.${payloadPart}`))
  if (!valid) return fail('mismatch', { kid })
  return { ok: true, check: { check: 'signature', status: 'pass', kid, engine }, payload }
}

type PayloadResult = { ok: true; record: ConsentRecord; text: string } | { ok: false; check: Extract<Check, { check: 'payload'; status: 'fail' }> }

/**
 * The payload must be exactly `receiptPayload(record)`: RFC 8785 canonical JSON (so its hash, the
 * next record's `previous_sha256`, has one value) of a record and nothing else.
 */
function checkPayload(bytes: Uint8Array<ArrayBuffer>): PayloadResult {
  const fail = (reason: PayloadFailure, fields?: string[]): PayloadResult => ({ ok: false, check: { check: 'payload', status: 'fail', reason, ...(fields && { fields }) } })
  let text: string
  let json: unknown
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes)
    json = JSON.parse(text)
  } catch {
    return fail('not_json')
  }
  if (canonicalize(json) !== text) return fail('not_canonical')
  const parsed = consentRecordSchema.safeParse(json)
  if (!parsed.success) return fail('not_record', [...new Set(parsed.error.issues.map((issue) => issue.path.map(String).join('.') || '(record)'))])
  // Fields the contract does not know would be signed but never shown: refused, named.
  if (receiptPayload(parsed.data) !== text) {
    const known = new Set(Object.keys(parsed.data))
    return fail('not_record', Object.keys(json as object).filter((key) => !known.has(key)))
  }
  return { ok: true, record: parsed.data, text }
}

/** At most this many differing fields are named: enough to say where, short enough to read. */
const MAX_NAMED_DIFFERENCES = 8

/** The paths (`services.0.service`, `bge.app_name`) at which `got` differs from `want`, in order. */
function differences(got: unknown, want: unknown, path: string, found: string[]): void {
  if (found.length >= MAX_NAMED_DIFFERENCES) return
  const isContainer = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null
  if (isContainer(got) && isContainer(want) && Array.isArray(got) === Array.isArray(want)) {
    const keys = [...new Set([...Object.keys(want), ...Object.keys(got)])]
    for (const key of keys) differences(got[key], want[key], path ? `${path}.${key}` : key, found)
    return
  }
  if (got !== want) found.push(path || '(receipt)')
}

/**
 * The readable copy beside the JWS against the signed record: the file's Kantara receipt must be
 * exactly the one the portal makes of that record (src/contract/kantara.ts) with the signatures the
 * file carries, and an export's `subject` the record's person. The fields that differ, named: a
 * person reading the file would otherwise read words nobody signed.
 */
function copyDifferences(readable: Record<string, unknown>, record: ConsentRecord, entry: ReceiptEntry, subject: string | undefined): string[] {
  const found: string[] = []
  differences(readable, toKantaraReceipt(record, { jws: entry.jws, previous_jws: entry.previousJws }), '', found)
  if (subject !== undefined && subject !== record.user_id) found.push('subject')
  return found
}

/** A receipt whose signature and payload stand: what the chain checks need of it. */
interface Signed {
  record: ConsentRecord
  /** SHA-256 hex of its payload bytes: what the next record's `previous_sha256` must be. */
  sha256: string
}

async function signedRecord(jws: string, jwks: Jwks, subtle: Subtle): Promise<Signed | undefined> {
  const signature = await checkSignature(jws, jwks, subtle)
  if (!signature.ok) return undefined
  const payload = checkPayload(signature.payload)
  if (!payload.ok) return undefined
  return { record: payload.record, sha256: await sha256Hex(subtle, signature.payload) }
}

type ChainCheck = Extract<Check, { check: 'chain' }>

const placeKey = (userId: string, seq: number) => `${seq}\u0000${userId}`

/** The link from `record` to `previous`, the receipt the file holds for the place before it. */
function linkTo(record: ConsentRecord, previous: Signed): ChainCheck {
  const seq = record.chain_seq
  if (previous.record.user_id !== record.user_id) return { check: 'chain', status: 'fail', reason: 'previous_person', seq }
  if (seq === null || previous.record.chain_seq !== seq - 1) return { check: 'chain', status: 'fail', reason: 'previous_seq', seq }
  if (previous.sha256 !== record.previous_sha256) return { check: 'chain', status: 'fail', reason: 'previous_hash', seq }
  return { check: 'chain', status: 'pass', kind: 'linked', seq }
}

/**
 * Checks every receipt of a file against the portal's public keys: signature (and key), the
 * payload, the words' hash recomputed from the signed words, the chain link, and the readable copy.
 */
export async function verifyReceiptFile(file: Exclude<ReceiptFile, { kind: 'unknown' }>, jwks: Jwks, options: VerifyOptions = {}): Promise<FileReport> {
  const subtle = options.subtle ?? globalThis.crypto.subtle
  // First pass: signature, payload, words and copy of each; what the chain pass needs.
  const firstPass = await Promise.all(
    file.entries.map(async (entry) => {
      if (entry.jws === null) return { entry, checks: [] as Check[], signed: undefined, unsigned: true }
      const checks: Check[] = []
      const signature = await checkSignature(entry.jws, jwks, subtle)
      checks.push(signature.check)
      if (!signature.ok) return { entry, checks: [...checks, ...skipped(['payload', 'text', 'chain', ...(entry.readable ? (['copy'] as const) : [])])], signed: undefined, unsigned: false }
      const payload = checkPayload(signature.payload)
      if (!payload.ok) return { entry, checks: [...checks, payload.check, ...skipped(['text', 'chain', ...(entry.readable ? (['copy'] as const) : [])])], signed: undefined, unsigned: false }
      checks.push({ check: 'payload', status: 'pass' })
      const { record } = payload
      const recomputed = await sha256Hex(subtle, recordConsentText(record))
      checks.push(recomputed === record.text_sha256 ? { check: 'text', status: 'pass', sha256: recomputed } : { check: 'text', status: 'fail', stated: record.text_sha256, recomputed })
      if (entry.readable) {
        const differing = copyDifferences(entry.readable, record, entry, file.kind === 'export' ? file.subject : undefined)
        checks.push(differing.length ? { check: 'copy', status: 'fail', fields: differing } : { check: 'copy', status: 'pass' })
      }
      const signed: Signed = { record, sha256: await sha256Hex(subtle, signature.payload) }
      return { entry, checks, signed, unsigned: false }
    }),
  )

  // Second pass: the chain, between the file's own receipts first (an export), then through a
  // receipt's own `previous_jws`.
  const places = new Map<string, Signed[]>()
  for (const { signed } of firstPass) {
    if (signed?.record.chain_seq == null) continue
    const key = placeKey(signed.record.user_id, signed.record.chain_seq)
    places.set(key, [...(places.get(key) ?? []), signed])
  }
  const receipts = await Promise.all(
    firstPass.map(async ({ entry, checks, signed, unsigned }): Promise<ReceiptReport> => {
      if (unsigned) return { verdict: 'unsigned', checks, record: undefined }
      if (!signed) return { verdict: 'refused', checks, record: undefined }
      const chain = await chainCheck(signed, entry, places, firstPass.map((each) => each.signed), jwks, subtle)
      // The chain goes where the checklist has it: after the words, before the copy.
      const copyAt = checks.findIndex((check) => check.check === 'copy')
      const all = copyAt === -1 ? [...checks, chain] : [...checks.slice(0, copyAt), chain, ...checks.slice(copyAt)]
      return { verdict: all.some((check) => check.status === 'fail') ? 'refused' : 'verified', checks: all, record: signed.record }
    }),
  )
  return { kind: file.kind, receipts }
}

/**
 * The chain link of a signed receipt: its start, or the link to the place before it, looked for
 * among the file's own receipts (`places`, by person and place), then in its own `previous_jws`.
 */
async function chainCheck(signed: Signed, entry: ReceiptEntry, places: Map<string, Signed[]>, others: readonly (Signed | undefined)[], jwks: Jwks, subtle: Subtle): Promise<ChainCheck> {
  const { record } = signed
  const seq = record.chain_seq
  if (seq === null) return { check: 'chain', status: 'note', kind: 'unchained', seq }
  if (record.previous_sha256 === null) return { check: 'chain', status: 'fail', reason: 'start', seq }
  if ((places.get(placeKey(record.user_id, seq))?.length ?? 0) > 1) return { check: 'chain', status: 'fail', reason: 'duplicate', seq }
  const starts = record.previous_sha256 === CHAIN_START
  if (starts !== (seq === 1)) return { check: 'chain', status: 'fail', reason: 'start', seq }
  if (starts) return { check: 'chain', status: 'pass', kind: 'start', seq }
  const inFile = places.get(placeKey(record.user_id, seq - 1))
  if (inFile?.length === 1 && inFile[0]) return linkTo(record, inFile[0])
  // Older places of this person's chain in the file: the ones between are missing from it. Named
  // even when the receipt carries the JWS it links to: an export holds every record, so one taken
  // out of it is what the chain is there to show.
  const below = others.flatMap((other) =>
    other && other.record.user_id === record.user_id && other.record.chain_seq !== null && other.record.chain_seq < seq ? [other.record.chain_seq] : [],
  )
  if (below.length) return { check: 'chain', status: 'fail', reason: 'gap', seq, from: Math.max(...below) + 1, to: seq - 1 }
  if (entry.previousJws !== null) {
    const previous = await signedRecord(entry.previousJws, jwks, subtle)
    return previous ? linkTo(record, previous) : { check: 'chain', status: 'fail', reason: 'previous_signature', seq }
  }
  return { check: 'chain', status: 'note', kind: 'previous_missing', seq }
}

function skipped(names: readonly Exclude<CheckName, 'signature'>[]): Check[] {
  return names.map((check) => ({ check, status: 'skipped' }))
}
