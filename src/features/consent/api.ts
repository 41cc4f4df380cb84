import { queryOptions } from '@tanstack/react-query'
import {
  biosamplesResponseSchema,
  decisionResponseSchema,
  grantsResponseSchema,
  type AuthorizeBody,
  type DenyBody,
} from '@/contract/api'
import { fetchApplication } from '@/lib/application'
import { apiGet, apiSend } from '@/lib/http'

/** The consent request as the app sent it (SPEC.md "SPA routes"); absent parameters are undefined. */
export interface ConsentRequest {
  clientId: string
  redirectUri: string
  responseType: string | undefined
  /** The `scope` parameter exactly as sent. */
  scope: string | undefined
  /** Returned byte for byte. */
  state: string | undefined
}

export const consentQueries = {
  all: () => ['consent'] as const,
  /** The app, its requested scopes and the consent ticket (bound to the session that asked). */
  application: (request: Pick<ConsentRequest, 'clientId' | 'redirectUri' | 'scope'>) =>
    queryOptions({
      queryKey: [...consentQueries.all(), 'application', request.clientId, request.redirectUri, request.scope ?? null],
      queryFn: ({ signal }) => fetchApplication(request, signal),
    }),
  biosamples: () =>
    queryOptions({
      queryKey: ['biosamples'],
      queryFn: ({ signal }) => apiGet('/api/biosamples', biosamplesResponseSchema, { signal }),
    }),
  /** This app's existing grant, if any: its samples are pre-selected. */
  grant: (clientId: string) =>
    queryOptions({
      queryKey: ['grants', 'for-client', clientId],
      queryFn: async ({ signal }) => {
        const { grants } = await apiGet(`/api/oauth2/grants?${new URLSearchParams({ client_id: clientId })}`, grantsResponseSchema, { signal })
        return grants.find((grant) => grant.client_id === clientId) ?? null
      },
    }),
}

/** Never retried (SPEC.md "Security"); the ticket makes a repeat return the first answer. */
export function authorize(body: AuthorizeBody) {
  return apiSend('POST', '/api/oauth2/authorize', body, decisionResponseSchema)
}

export function deny(body: DenyBody) {
  return apiSend('POST', '/api/oauth2/deny', body, decisionResponseSchema)
}
