import { QueryClient } from '@tanstack/react-query'
import { isUnanswered } from '@/lib/failure'

/**
 * Retries happen in one layer only (SPEC.md "Security"): the BFF retries the platform inside
 * `REQUEST_DEADLINE_MS`, so a 5xx from it is already its final word and goes straight to the
 * page's error with its Retry button. The page asks again on its own only when the BFF never
 * answered (a dropped connection, a phone between networks), once and soon, so a person still
 * reaches an honest error within the deadline. Mutations never retry: authorize must not be
 * repeated automatically.
 */
function shouldRetry(failureCount: number, error: unknown): boolean {
  return failureCount < 1 && isUnanswered(error)
}

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: { retry: shouldRetry, retryDelay: 300, staleTime: 30_000 },
      mutations: { retry: false },
    },
  })
}
