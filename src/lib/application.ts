// The consent request an app sends (SPEC.md "SPA routes") and the BFF's view of the app behind it:
// read, keyed and fetched here for both the consent page and the developer preview.
import { queryOptions } from '@tanstack/react-query'
import { applicationResponseSchema } from '@/contract/api'
import { applicationPath } from '@/contract/api-paths'
import { apiGet, type RequestOptions } from '@/lib/http'

/** The request's query parameters; absent ones are undefined. */
export interface ApplicationRequest {
  clientId: string
  redirectUri: string
  responseType: string | undefined
  /** The `scope` parameter exactly as the app sent it; undefined asks for all of the app's scopes. */
  scope: string | undefined
  /** Returned byte for byte. */
  state: string | undefined
}

/** The request, or why the portal will not act on it (the consent page's error codes). */
export type ParsedApplicationRequest =
  | { ok: true; request: ApplicationRequest }
  | { ok: false; code: 'duplicate_parameter'; details: { parameter: string } }
  | { ok: false; code: 'missing_parameters'; details: { missing: string } }

/**
 * Reads the query the app sent. A parameter given twice makes the request ambiguous and is
 * refused before anything else (RFC 6749 §3.1), never resolved by picking one; then `client_id`
 * and `redirect_uri` must be there.
 */
export function parseApplicationRequest(params: URLSearchParams): ParsedApplicationRequest {
  const seen = new Set<string>()
  for (const name of params.keys()) {
    if (seen.has(name)) return { ok: false, code: 'duplicate_parameter', details: { parameter: name } }
    seen.add(name)
  }
  const clientId = params.get('client_id') ?? ''
  const redirectUri = params.get('redirect_uri') ?? ''
  const missing = [!clientId && 'client_id', !redirectUri && 'redirect_uri'].filter((name): name is string => Boolean(name))
  if (missing.length > 0) return { ok: false, code: 'missing_parameters', details: { missing: missing.join(', ') } }
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

/** One consent flow: the same app asking the same thing with the same state. */
export function requestKey(request: Pick<ApplicationRequest, 'clientId' | 'redirectUri' | 'scope' | 'state'>): string {
  return JSON.stringify([request.clientId, request.redirectUri, request.scope ?? null, request.state ?? null])
}

type AskedFor = Pick<ApplicationRequest, 'clientId' | 'redirectUri' | 'scope' | 'responseType'>

/**
 * GET /api/oauth2/application; it carries a consent ticket only when someone is signed in and the
 * request can succeed (`response_type=code`, every named scope known).
 */
function fetchApplication(request: AskedFor, options: RequestOptions) {
  return apiGet(applicationPath(request), applicationResponseSchema, options)
}

export const applicationQueries = {
  all: () => ['application'] as const,
  /**
   * The app, the scopes a decision grants and, for someone signed in, a consent ticket bound to
   * that session. `purpose` keeps the two callers' answers apart although the call is the same: the
   * consent page must decide with a ticket it asked for itself (never a preview's answer, fetched
   * signed out or by an earlier session), and "Review again" renews only consent's ticket. The
   * preview never decides, so it sends no `response_type` (it always means `code`) and gets no ticket.
   */
  detail: (purpose: 'consent' | 'preview', request: AskedFor) => {
    const asked: AskedFor = {
      clientId: request.clientId,
      redirectUri: request.redirectUri,
      scope: request.scope,
      responseType: purpose === 'consent' ? request.responseType : undefined,
    }
    return queryOptions({
      queryKey: [...applicationQueries.all(), purpose, asked.clientId, asked.redirectUri, asked.scope ?? null, asked.responseType ?? null],
      queryFn: ({ signal, client }) => fetchApplication(asked, { signal, client }),
    })
  },
}
