// Who is signed in, shared by every page that shows or needs the user (header, consent).
import { queryOptions } from '@tanstack/react-query'
import { sessionSchema } from '@/contract/api'
import { ApiError, apiGet, apiSend } from '@/lib/http'
import { DEFAULT_LOGIN_URL } from '@/lib/login'

export const sessionQueries = {
  all: () => ['session'] as const,
  /** Who is signed in; fails with ApiError 401 (carrying `loginUrl`) when nobody is. */
  current: () =>
    queryOptions({
      queryKey: [...sessionQueries.all(), 'current'],
      // No abort signal: a remounted header (first-load fallback → layout) then joins the
      // request in flight instead of cancelling it and asking again.
      queryFn: () => apiGet('/api/session', sessionSchema),
    }),
}

/** Clears the session cookie. */
export function signOut(): Promise<void> {
  return apiSend('DELETE', '/api/session', undefined, null)
}

/**
 * Where sign-in lives (`LOGIN_URL`, a template with `{next}`). The BFF tells only through a 401,
 * so this asks for the session once nobody is signed in; the sandbox's sign-in if it cannot tell.
 */
export async function fetchLoginUrl(): Promise<string> {
  try {
    await apiGet('/api/session', sessionSchema)
  } catch (error) {
    if (error instanceof ApiError && error.loginUrl) return error.loginUrl
  }
  return DEFAULT_LOGIN_URL
}
