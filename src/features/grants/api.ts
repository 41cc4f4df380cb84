import { queryOptions } from '@tanstack/react-query'
import type { Biosample, Grant } from '@/contract/api'
import { grantsPath } from '@/contract/api-paths'
import { PAGE_ROUTES } from '@/contract/routes'
import { apiGet, apiSend } from '@/lib/http'

export const grantQueries = {
  all: () => ['grants'] as const,
  /** Every app the signed-in user authorized, newest first (the BFF's order). */
  list: () =>
    queryOptions({
      queryKey: [...grantQueries.all(), 'list'],
      queryFn: ({ signal, client }) => apiGet(grantsPath(), (s) => s.grantsResponseSchema, { signal, client }),
    }),
}

export const grantMutations = {
  revoke: () => [...grantQueries.all(), 'revoke'] as const,
}

/** Ends an app's access. Revoking an app that has none left is not an error (the BFF answers 204). */
export function revokeGrant(clientId: string): Promise<void> {
  return apiSend('DELETE', `/api/oauth2/grants/${encodeURIComponent(clientId)}`, undefined, null)
}

/** How many of the person's samples `grant` does not include: the app would have to ask again to see them. */
export function notSharedCount(grant: Grant, biosamples: readonly Biosample[]): number {
  const shared = new Set(grant.biosample_ids.map((ref) => ref.biosample_id))
  return biosamples.filter((sample) => !shared.has(sample.biosample_id)).length
}

/** `grants` without the app `clientId`. */
export function withoutGrant(grants: readonly Grant[], clientId: string): Grant[] {
  return grants.filter((grant) => grant.client_id !== clientId)
}

/**
 * `grants` with `grant` back where it was: before the first one granted no later than it (the
 * list is newest first). Other revokes may have changed the list meanwhile, so no snapshot.
 */
export function withGrantRestored(grants: readonly Grant[], grant: Grant): Grant[] {
  if (grants.some((other) => other.client_id === grant.client_id)) return [...grants]
  const index = grants.findIndex((other) => other.grant_time <= grant.grant_time)
  const at = index === -1 ? grants.length : index
  return [...grants.slice(0, at), grant, ...grants.slice(at)]
}

/** Grants whose app name or client id contains `query`, ignoring case and surrounding spaces. */
export function filterGrants(grants: readonly Grant[], query: string): readonly Grant[] {
  const needle = query.trim().toLocaleLowerCase()
  if (!needle) return grants
  return grants.filter((grant) => grant.name.toLocaleLowerCase().includes(needle) || grant.client_id.toLocaleLowerCase().includes(needle))
}

/** The revoke page of `clientId` (its confirmation without script). */
export function revokePagePath(clientId: string): string {
  return PAGE_ROUTES.revoke.path.replace(':clientId', encodeURIComponent(clientId))
}
