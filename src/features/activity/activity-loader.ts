import type { QueryClient } from '@tanstack/react-query'
import { isUnauthenticated } from '@/lib/failure'
import { recordQueries } from '@/lib/records'
import { sessionQueries, signInRedirect, type SignInSettings } from '@/lib/session'

/**
 * The activity pages' data, all requested at once. Without a session: straight to sign-in, which
 * returns to `returnPath`. Other failures go to the layout's error screen (a 404 to not-found).
 */
export async function loadRecords(queryClient: QueryClient, signIn: SignInSettings, returnPath: string, recordId?: string): Promise<null> {
  try {
    await Promise.all(
      recordId === undefined
        ? [queryClient.ensureInfiniteQueryData(recordQueries.pages())]
        : [
            queryClient.ensureQueryData(recordQueries.list()),
            queryClient.ensureQueryData(recordQueries.detail(recordId)),
            queryClient.ensureQueryData(sessionQueries.current()),
          ],
    )
  } catch (error) {
    if (isUnauthenticated(error)) throw signInRedirect(returnPath, signIn)
    throw error
  }
  return null
}
