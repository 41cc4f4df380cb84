// What can go wrong talking to the private API, and the one table that turns it into the BFF's
// error envelope (SPEC.md "BFF API"; codes from reference/private-api/README.md).
import type { ApiFailureStatus } from '../http/api-failure'
import type { ApiErrorCode } from '../../src/contract/errors'

/** The upstream answered, with an envelope whose `code` is not 0. */
export class UpstreamRefusal extends Error {
  override readonly name = 'UpstreamRefusal'

  constructor(
    readonly code: number,
    /** The platform's own message, often Chinese: for logs and developers, not for users. */
    readonly upstreamMessage: string,
    readonly data: unknown = undefined,
    readonly path = '',
  ) {
    super(`Upstream ${path || 'call'} refused with code ${code}${upstreamMessage ? `: ${upstreamMessage}` : ''}`)
  }
}

export type UpstreamFaultKind = 'timeout' | 'network' | 'http_status' | 'malformed'

/** The upstream did not answer in the wire format: no answer, an HTTP error, or not the envelope. */
export class UpstreamFault extends Error {
  override readonly name = 'UpstreamFault'
  readonly path: string
  /** The HTTP status, for `http_status`. */
  readonly status: number | undefined
  /**
   * Whether the request may have reached the platform. False only when it provably did not: the
   * deadline passed before it was sent, or the connection was refused or the host not found.
   */
  readonly sent: boolean

  constructor(
    readonly kind: UpstreamFaultKind,
    message: string,
    options: { cause?: unknown; path?: string; status?: number; sent?: boolean } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.path = options.path ?? ''
    this.status = options.status
    this.sent = options.sent ?? true
  }
}

/** Connection errors that happen before a single byte of the request leaves (Node's and undici's codes). */
const NEVER_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH'])

/** Whether a transport error proves the request never left (see `UpstreamFault.sent`). */
export function neverSent(cause: unknown): boolean {
  for (let error = cause, depth = 0; error instanceof Error && depth < 5; error = error.cause, depth++) {
    const code = (error as { code?: unknown }).code
    if (typeof code === 'string' && NEVER_SENT_CODES.has(code)) return true
  }
  return false
}

/**
 * What a failed platform call that would change something (authorize, revoke) says about whether
 * it acted (SPEC.md "Consent records"): `failed` when it definitely did not — a refusal in its
 * envelope, a 4xx, a request that never left — and `unknown` when the request was sent and no
 * definite answer came: timeout, reset, 5xx, a malformed answer, anything unforeseen.
 */
export function callOutcome(error: unknown): 'failed' | 'unknown' {
  if (error instanceof UpstreamRefusal) return 'failed'
  if (error instanceof UpstreamFault) {
    if (!error.sent) return 'failed'
    if (error.kind === 'http_status' && error.status !== undefined && error.status >= 400 && error.status < 500) return 'failed'
  }
  return 'unknown'
}

export interface MappedApiError {
  status: ApiFailureStatus
  code: ApiErrorCode
  message: string
  upstream_code?: number
}

type Entry = Omit<MappedApiError, 'upstream_code'>

/** Codes that mean the portal itself sent something wrong: the user can do nothing about them. */
const PROTOCOL_ERROR: Entry = {
  status: 502,
  code: 'upstream_protocol_error',
  message: 'The portal sent the platform a request it could not accept.',
}

const REFUSALS: Readonly<Record<number, Entry>> = {
  40001: { status: 400, code: 'invalid_request', message: 'A required parameter is missing.' },
  40002: { status: 422, code: 'invalid_client', message: 'This app is not registered with BGE.' },
  40003: { status: 422, code: 'redirect_uri_not_registered', message: 'This app has no registered redirect address.' },
  40004: PROTOCOL_ERROR,
  40005: PROTOCOL_ERROR,
  40006: { status: 422, code: 'redirect_uri_mismatch', message: 'The redirect address does not match the one registered for this app.' },
  40007: PROTOCOL_ERROR,
  40008: { status: 401, code: 'unauthenticated', message: 'Your sign-in has expired. Please sign in again.' },
  40009: PROTOCOL_ERROR,
  40010: PROTOCOL_ERROR,
  40011: { status: 401, code: 'unauthenticated', message: 'Your account could not be found. Please sign in again.' },
  40012: { status: 502, code: 'upstream_credentials_rejected', message: "The platform did not accept the portal's credentials." },
  40013: PROTOCOL_ERROR,
  40014: PROTOCOL_ERROR,
  40015: { status: 403, code: 'application_blocked', message: 'This app has been blocked on BGE.' },
}

const OTHER_REFUSAL: Entry = { status: 502, code: 'upstream_error', message: 'The platform could not complete the request.' }
const TIMEOUT: Entry = { status: 504, code: 'upstream_timeout', message: 'The platform took too long to answer. Please try again.' }
const UNAVAILABLE: Entry = { status: 502, code: 'upstream_unavailable', message: 'The platform could not be reached. Please try again.' }
const INTERNAL: Entry = { status: 500, code: 'internal_error', message: 'Something went wrong on our side. Please try again.' }

/** The status, code and human message the BFF answers with for an upstream failure (or anything else). */
export function toApiError(err: unknown): MappedApiError {
  if (err instanceof UpstreamRefusal) return { ...(REFUSALS[err.code] ?? OTHER_REFUSAL), upstream_code: err.code }
  if (err instanceof UpstreamFault) return { ...(err.kind === 'timeout' ? TIMEOUT : UNAVAILABLE) }
  return { ...INTERNAL }
}
