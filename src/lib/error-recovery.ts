// Shared by the error screens: what to show a developer, and how to try again.
import { useQueryErrorResetBoundary } from '@tanstack/react-query'
import { useRevalidator } from 'react-router'
import { ApiError } from '@/lib/http'

/** `invalid_client (40002)`: the BFF's code with the platform's, for the developer; null for a code failure. */
export function errorCodeLabel(error: unknown): string | null {
  if (!(error instanceof ApiError)) return null
  return error.upstreamCode ? `${error.code} (${error.upstreamCode})` : error.code
}

/** Retry for a route's error screen, and whether it is under way. */
export function useErrorRetry(error: unknown): { retry: () => void; retrying: boolean } {
  const revalidator = useRevalidator()
  const queryErrors = useQueryErrorResetBoundary()
  function retry() {
    if (error instanceof ApiError) {
      // Data failed: let suspense queries fetch again and run the loaders once more.
      queryErrors.reset()
      void revalidator.revalidate()
    } else {
      // Code failed (a chunk that did not load, a bug): only a fresh document can help.
      window.location.reload()
    }
  }
  return { retry, retrying: revalidator.state === 'loading' }
}
