import { queryOptions } from '@tanstack/react-query'
import { fetchApplication } from '@/lib/application'

/** What the developer asked to preview, read from the page's own query (SPEC.md "SPA routes"). */
export interface PreviewRequest {
  clientId: string
  redirectUri: string
  /** The `scope` parameter exactly as the app would send it; undefined when absent. */
  scope: string | undefined
  /** Returned byte for byte; undefined when absent. */
  state: string | undefined
}

/** The request in the URL, or null while client id or redirect URI is missing. */
export function previewRequestOf(params: URLSearchParams): PreviewRequest | null {
  const clientId = params.get('client_id') ?? ''
  const redirectUri = params.get('redirect_uri') ?? ''
  if (!clientId || !redirectUri) return null
  return { clientId, redirectUri, scope: params.get('scope') ?? undefined, state: params.get('state') ?? undefined }
}

export const previewQueries = {
  all: () => ['preview'] as const,
  /** The same call the consent page makes; signed out it simply carries no ticket. */
  application: (request: Pick<PreviewRequest, 'clientId' | 'redirectUri' | 'scope'>) =>
    queryOptions({
      queryKey: [...previewQueries.all(), 'application', request.clientId, request.redirectUri, request.scope ?? null],
      queryFn: ({ signal }) => fetchApplication(request, signal),
    }),
}
