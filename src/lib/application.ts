// The consent request an app sends (SPEC.md "SPA routes") and the BFF's view of the app behind it:
// read, keyed and fetched here for both the consent page and the developer preview.
import { queryOptions } from '@tanstack/react-query'
import { applicationPath } from '@/contract/api-paths'
import type { ConsentRequest } from '@/contract/consent-request'
import { apiGet, type RequestOptions } from '@/lib/http'

/** A consent request's query parameters (read and checked by src/contract/consent-request.ts). */
export type ApplicationRequest = ConsentRequest

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
  return apiGet(applicationPath(request), (s) => s.applicationResponseSchema, options)
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
