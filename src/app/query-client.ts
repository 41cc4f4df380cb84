import { QueryClient } from '@tanstack/react-query'
import { ApiError } from '@/lib/http'

const MAX_RETRIES = 2

/**
 * Reads retry with backoff only when another try can help: no answer at all, or the BFF or the
 * platform behind it failing (5xx). A 4xx (signed out, unknown app, refused) will not change.
 * Mutations never retry by default: authorize must not be repeated automatically (SPEC.md).
 */
export function shouldRetry(failureCount: number, error: unknown): boolean {
  if (failureCount >= MAX_RETRIES) return false
  if (!(error instanceof ApiError)) return false
  return error.status === 0 || error.status >= 500
}

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: { retry: shouldRetry, staleTime: 30_000 },
      mutations: { retry: false },
    },
  })
}
