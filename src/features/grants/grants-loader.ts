import type { QueryClient } from '@tanstack/react-query'
import { grantQueries } from './api'

/**
 * `/grants`' data, started as soon as the URL matches (the router imports this eagerly, so the
 * request does not wait for the page's code). Failures (401 with its sign-in link back here,
 * upstream faults with a retry) go to the layout's error boundary: never an empty list that
 * pretends there are no grants.
 */
export async function loadGrants(queryClient: QueryClient): Promise<null> {
  await queryClient.ensureQueryData(grantQueries.list())
  return null
}
