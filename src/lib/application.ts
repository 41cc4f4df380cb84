// The app behind a consent request, as the BFF validated it: shared by consent and the preview.
import { applicationResponseSchema } from '@/contract/api'
import { apiGet } from '@/lib/http'

export interface ApplicationRequest {
  clientId: string
  redirectUri: string
  /** The `scope` parameter as the app sent it; undefined asks for all of the app's scopes. */
  scope: string | undefined
}

/** GET /api/oauth2/application; it carries a consent ticket only when someone is signed in. */
export function fetchApplication(request: ApplicationRequest, signal?: AbortSignal) {
  const query = new URLSearchParams({ client_id: request.clientId, redirect_uri: request.redirectUri })
  if (request.scope !== undefined) query.set('scope', request.scope)
  return apiGet(`/api/oauth2/application?${query}`, applicationResponseSchema, { signal })
}
