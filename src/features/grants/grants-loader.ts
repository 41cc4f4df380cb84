import type { QueryClient } from '@tanstack/react-query'
import { redirect } from 'react-router'
import { ApiError } from '@/lib/http'
import { DEFAULT_LOGIN_URL, loginHref } from '@/lib/login'
import { grantQueries } from './api'

export const GRANTS_PATH = '/grants'

/** The sign-in URL that comes back to /grants (the platform's own, or the sandbox's). */
export function signInToGrants(error: ApiError): string {
  return loginHref(error.loginUrl ?? DEFAULT_LOGIN_URL, GRANTS_PATH)
}

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
    if (error instanceof ApiError && error.status === 401) throw redirect(signInToGrants(error))
    throw error
  }
  return null
}
