import { QueryClient } from '@tanstack/react-query'
import { isRetryable } from '@/lib/failure'

const MAX_RETRIES = 2

/**
 * Reads retry with backoff only when another try can help (`isRetryable`). Mutations never retry
 * by default: authorize must not be repeated automatically (SPEC.md).
 */
function shouldRetry(failureCount: number, error: unknown): boolean {
  return failureCount < MAX_RETRIES && isRetryable(error)
}

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: { retry: shouldRetry, staleTime: 30_000 },
      mutations: { retry: false },
    },
  })
}
