import type { QueryClient } from '@tanstack/react-query'
import { grantQueries } from './api'
import { GrantsPage } from './grants-page'

/**
 * `/grants`. The list starts loading as soon as the URL matches. Failures (401 with its sign-in
 * link back here, upstream faults with a retry) go to the layout's error boundary: never an empty
 * list that pretends there are no grants.
 */
export function route(queryClient: QueryClient) {
  return {
    Component: GrantsPage,
    loader: async () => {
      await queryClient.ensureQueryData(grantQueries.list())
      return null
    },
  }
}
