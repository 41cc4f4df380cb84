// Every `code` the BFF's error envelope can carry (SPEC.md "BFF API"), and the two the SPA's own
// fetch client adds. One list for both sides: the BFF builds its failures from it and the SPA
// sorts them with it, so a misspelt or renamed code is a type error, not a silent mismatch.
// Browser-safe: no Node imports.
import type { RedirectCheck } from './redirect'

/** Codes the BFF answers with, in its error envelope. */
export const API_ERROR_CODES = [
  // The request itself (400, 413, 414, 415).
  'invalid_request',
  'invalid_json',
  'unsupported_media_type',
  'missing_parameters',
  'duplicate_parameter',
  'payload_too_large',
  'uri_too_long',
  'biosamples_required',
  'shown_texts_mismatch',
  // Redirect URIs the portal refuses before asking the platform (400).
  'forbidden_redirect_scheme',
  'redirect_uri_not_absolute',
  'redirect_uri_http_not_allowed',
  'redirect_uri_has_fragment',
  // Decided by the app's registration on the platform (422, 403).
  'invalid_client',
  'redirect_uri_not_registered',
  'redirect_uri_mismatch',
  'application_blocked',
  'unsupported_response_type',
  'invalid_scope',
  // Session and consent ticket (401, 403, 409).
  'unauthenticated',
  'unknown_user',
  'invalid_ticket',
  'ticket_expired',
  'ticket_session_mismatch',
  'ticket_request_mismatch',
  'ticket_used',
  // Cross-site request guard (403).
  'csrf_header_missing',
  'foreign_origin',
  'cross_site_request',
  // Routing (404).
  'not_found',
  // A record written before receipts were signed has no JWS to serve (404).
  'receipt_unsigned',
  // Too many requests from one client IP or one session (429, with Retry-After).
  'rate_limited',
  // The platform failed or refused the portal itself (502, 504).
  'upstream_protocol_error',
  'upstream_credentials_rejected',
  'upstream_redirect_rejected',
  'upstream_error',
  'upstream_timeout',
  'upstream_unavailable',
  // A decision the platform was asked to make and whose answer was lost (504): it may have happened.
  'decision_outcome_unknown',
  // The portal's own store (503) and anything unexpected (500).
  'store_unavailable',
  'internal_error',
] as const
export type ApiErrorCode = (typeof API_ERROR_CODES)[number]

/** Codes of failures that never reached the BFF or came back unreadable (the SPA's fetch client). */
export const CLIENT_ERROR_CODES = ['network_error', 'bad_response'] as const
export type ClientErrorCode = (typeof CLIENT_ERROR_CODES)[number]

export type ErrorCode = ApiErrorCode | ClientErrorCode

export function isApiErrorCode(value: string): value is ApiErrorCode {
  return (API_ERROR_CODES as readonly string[]).includes(value)
}

/** The error code for a redirect URI the portal refuses (src/contract/redirect.ts). */
export function redirectRefusalCode(reason: Extract<RedirectCheck, { ok: false }>['reason']): ApiErrorCode {
  const codes = {
    forbidden_scheme: 'forbidden_redirect_scheme',
    not_absolute: 'redirect_uri_not_absolute',
    http_not_allowed: 'redirect_uri_http_not_allowed',
    has_fragment: 'redirect_uri_has_fragment',
  } as const satisfies Record<typeof reason, ApiErrorCode>
  return codes[reason]
}
