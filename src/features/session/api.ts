import { queryOptions } from '@tanstack/react-query'
import * as z from 'zod/mini'
import { userSchema } from '@/contract/api'
import { apiGet } from '@/lib/http'
import { sessionQueries } from '@/lib/session'

export const sandboxUsersSchema = z.object({ users: z.array(userSchema) })

export const signInQueries = {
  /** The sandbox's fixture users (sandbox mode only; 404 otherwise). */
  sandboxUsers: () =>
    queryOptions({
      queryKey: [...sessionQueries.all(), 'sandbox-users'],
      queryFn: ({ signal, client }) => apiGet('/api/sandbox/users', sandboxUsersSchema, { signal, client }),
    }),
}
