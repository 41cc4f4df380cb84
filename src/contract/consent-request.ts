// Whether a consent request (SPEC.md "SPA routes": /oauth2/authorize?client_id&redirect_uri&…) can
// be acted on, decided once for the SPA's consent loader and the BFF (its application call, which
// hands out tickets, and the consent form's action). Browser-safe, and free of `@/` imports: the
// BFF imports this file by relative path.
import { hasForbiddenScheme } from './redirect'
import { parseScopeParam } from './scopes'

/** The request's query parameters; absent ones are undefined. */
export interface ConsentRequest {
  clientId: string
  redirectUri: string
  responseType: string | undefined
  /** The `scope` parameter exactly as the app sent it; undefined asks for all of the app's scopes. */
  scope: string | undefined
  /** Returned byte for byte. */
  state: string | undefined
}

/**
 * Why the portal will not act on a request. `page` problems are explained on the portal's own
 * origin (the redirect URI is not trusted yet); `app` problems go back to the app, with `state`
 * (RFC 6749 §4.1.2.1), once client and redirect are validated.
 */
export type ConsentRequestProblem =
  | { answer: 'page'; code: 'duplicate_parameter'; details: { parameter: string } }
  | { answer: 'page'; code: 'missing_parameters'; details: { missing: string } }
  | { answer: 'page'; code: 'forbidden_redirect_scheme'; details: { client_id: string; redirect_uri: string } }
  | { answer: 'app'; code: 'unsupported_response_type' | 'invalid_scope'; details: { client_id: string; redirect_uri: string } }

export type ConsentRequestCheck = { ok: true; request: ConsentRequest } | { ok: false; problem: ConsentRequestProblem }

/**
 * Reads the query the app sent. A parameter given twice makes the request ambiguous and is
 * refused before anything else (RFC 6749 §3.1), never resolved by picking one; then `client_id`
 * and `redirect_uri` must be there. The developer preview reads requests with this alone.
 */
export function readConsentRequest(params: URLSearchParams): ConsentRequestCheck {
  const seen = new Set<string>()
  for (const name of params.keys()) {
    if (seen.has(name)) return { ok: false, problem: { answer: 'page', code: 'duplicate_parameter', details: { parameter: name } } }
    seen.add(name)
  }
  const clientId = params.get('client_id') ?? ''
  const redirectUri = params.get('redirect_uri') ?? ''
  const missing = [!clientId && 'client_id', !redirectUri && 'redirect_uri'].filter((name): name is string => Boolean(name))
  if (missing.length > 0) return { ok: false, problem: { answer: 'page', code: 'missing_parameters', details: { missing: missing.join(', ') } } }
  return {
    ok: true,
    request: {
      clientId,
      redirectUri,
      responseType: params.get('response_type') ?? undefined,
      scope: params.get('scope') ?? undefined,
      state: params.get('state') ?? undefined,
    },
  }
}

/** Named scopes the app is not registered for. */
export function unknownScopes(scope: string | undefined, registered: readonly string[]): string[] {
  const known = new Set(registered)
  return (parseScopeParam(scope) ?? []).filter((name) => !known.has(name))
}

/**
 * The one check of a consent request, in OAuth's order: duplicates, missing fields and forbidden
 * redirect schemes first (before anyone is asked); then, given the app's registered scopes (once
 * the platform has validated client and redirect), `response_type` and the named scopes. Without
 * `app`, only the first part is checked.
 */
export function checkConsentRequest(params: URLSearchParams, app?: { scopes: readonly string[] }): ConsentRequestCheck {
  const read = readConsentRequest(params)
  if (!read.ok) return read
  const { request } = read
  const details = { client_id: request.clientId, redirect_uri: request.redirectUri }
  // Refused before the platform hears of it: no app may ever be sent to such an address.
  if (hasForbiddenScheme(request.redirectUri)) return { ok: false, problem: { answer: 'page', code: 'forbidden_redirect_scheme', details } }
  if (!app) return read
  if (request.responseType !== 'code') return { ok: false, problem: { answer: 'app', code: 'unsupported_response_type', details } }
  if (unknownScopes(request.scope, app.scopes).length > 0) return { ok: false, problem: { answer: 'app', code: 'invalid_scope', details } }
  return read
}

/**
 * What a decision grants, in the app's own order. The platform's authorize takes no scope and
 * grants every scope the app is registered for, so the page shows, gates on and records all of
 * them (SPEC.md "Consent page") until UPSTREAM_HONOURS_SCOPE says the platform enforces `scope`.
 * Every scope counts as asked for when the link names none.
 */
export function grantedScopesOf<S extends { scope: string }>(registered: readonly S[], scope: string | undefined, honoursScope: boolean): (S & { asked: boolean })[] {
  const named = parseScopeParam(scope)
  const asked = (name: string) => !named || named.includes(name)
  return registered.filter((s) => !honoursScope || asked(s.scope)).map((s) => ({ ...s, asked: asked(s.scope) }))
}
