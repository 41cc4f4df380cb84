import { queryOptions } from '@tanstack/react-query'
import { apiGet } from '@/lib/http'
import { sessionQueries } from '@/lib/session'

export const signInQueries = {
  /** The sandbox's fixture users (sandbox mode only; 404 otherwise). */
  sandboxUsers: () =>
    queryOptions({
      queryKey: [...sessionQueries.all(), 'sandbox-users'],
      queryFn: ({ signal, client }) => apiGet('/api/sandbox/users', (s) => s.sandboxUsersSchema, { signal, client }),
    }),
}
