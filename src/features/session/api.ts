import { queryOptions } from '@tanstack/react-query'
import * as z from 'zod/mini'
import { sessionSchema, userSchema } from '@/contract/api'
import { apiGet, apiSend } from '@/lib/http'
import { sessionQueries } from '@/lib/session'

export const sandboxUsersSchema = z.object({ users: z.array(userSchema) })
export type SandboxUsers = z.infer<typeof sandboxUsersSchema>

export const signInQueries = {
  /** The sandbox's fixture users (sandbox mode only; 404 otherwise). */
  sandboxUsers: () =>
    queryOptions({
      queryKey: [...sessionQueries.all(), 'sandbox-users'],
      queryFn: ({ signal }) => apiGet('/api/sandbox/users', sandboxUsersSchema, { signal }),
    }),
}

/** Sandbox sign-in as a fixture user; the BFF sets the session cookie. */
export function signIn(userId: string) {
  return apiSend('POST', '/api/session', { user_id: userId }, sessionSchema)
}
