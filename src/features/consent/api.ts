import { queryOptions } from '@tanstack/react-query'
import type { AuthorizeBody, DenyBody } from '@/contract/api'
import { grantsPath } from '@/contract/api-paths'
import { apiGet, apiSend } from '@/lib/http'

// The app and its ticket come from `applicationQueries` (src/lib/application.ts), shared with the
// preview; the biosamples from `biosampleQueries` (src/lib/biosamples.ts), shared with the grants.
export const consentQueries = {
  /**
   * This app's existing grant, if any: its samples are pre-selected. Under the grants page's root
   * key (`grantQueries.all()`), so a revoke there makes it stale too.
   */
  grant: (clientId: string) =>
    queryOptions({
      queryKey: ['grants', 'for-client', clientId],
      queryFn: async ({ signal, client }) => {
        const { grants } = await apiGet(grantsPath(clientId), (s) => s.grantsResponseSchema, { signal, client })
        return grants.find((grant) => grant.client_id === clientId) ?? null
      },
    }),
}

/** Never retried (SPEC.md "Security"); the ticket makes a repeat return the first answer. */
export function authorize(body: AuthorizeBody) {
  return apiSend('POST', '/api/oauth2/authorize', body, (s) => s.decisionResponseSchema)
}

export function deny(body: DenyBody) {
  return apiSend('POST', '/api/oauth2/deny', body, (s) => s.decisionResponseSchema)
}
