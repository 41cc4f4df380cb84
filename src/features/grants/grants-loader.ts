import type { QueryClient } from '@tanstack/react-query'
import { PAGE_ROUTES } from '@/contract/routes'
import { isUnauthenticated } from '@/lib/failure'
import { signInRedirect } from '@/lib/session'
import { grantQueries } from './api'

/**
 * `/grants`' data, started as soon as the URL matches (the router imports this eagerly, so the
 * request does not wait for the page's code). Without a session it goes straight to sign-in,
 * which returns here. Upstream faults go to the layout's error boundary, with a retry: never an
 * empty list that pretends there are no grants.
 */
export async function loadGrants(queryClient: QueryClient): Promise<null> {
  try {
    await queryClient.ensureQueryData(grantQueries.list())
  } catch (error) {
    if (isUnauthenticated(error)) throw signInRedirect(PAGE_ROUTES.grants.path)
    throw error
  }
  return null
}
