// What went wrong, sorted once for every screen that shows a failure (the route error screens, the
// consent page's decision alert, the developer preview) and for the query client's retries.
import { useQueryErrorResetBoundary } from '@tanstack/react-query'
import { isRouteErrorResponse, useRevalidator } from 'react-router'
import type { ErrorCode } from '@/contract/errors'
import { ApiError } from '@/lib/http'

/** The kinds of failure a person is told apart; each has its own title and way forward. */
export type FailureKind = 'unauthenticated' | 'forbidden' | 'notFound' | 'rateLimited' | 'network' | 'timeout' | 'upstream' | 'generic'

/**
 * Sorts a failure by its HTTP status: no answer at all, signed out, refused, not there, the
 * platform too slow (504) or failing (502, 503). Anything else, the portal's own 500 and a bug
 * in the page included, is `generic`.
 */
export function failureKind(error: unknown): FailureKind {
  if (isRouteErrorResponse(error)) return error.status === 404 ? 'notFound' : 'generic'
  if (!(error instanceof ApiError)) return 'generic'
  switch (error.status) {
    case 0:
      return 'network'
    case 401:
      return 'unauthenticated'
    case 403:
      return 'forbidden'
    case 404:
      return 'notFound'
    // `rate_limited`: too many requests from this person or address; waiting is the way forward.
    case 429:
      return 'rateLimited'
    case 504:
      return 'timeout'
    case 502:
    case 503:
      return 'upstream'
    default:
      return 'generic'
  }
}

/**
 * Whether asking again can help: no answer at all, or the BFF or the platform behind it failing
 * (5xx). A 4xx (signed out, unknown app, refused) will not change, nor will a bug in the page.
 * What a person may try again with a button; automatic retries are only `isUnanswered`.
 */
export function isRetryable(error: unknown): boolean {
  return error instanceof ApiError && (error.status === 0 || error.status >= 500)
}

/** The BFF never answered, so it cannot have retried anything itself (src/app/query-client.ts). */
export function isUnanswered(error: unknown): boolean {
  return error instanceof ApiError && error.status === 0
}

/** Nobody is signed in (any more): the way forward is sign-in (src/lib/session.ts). */
export function isUnauthenticated(error: unknown): error is ApiError {
  return error instanceof ApiError && error.status === 401
}

/**
 * The entry of `table` for an error's code, if it has one. Tables are keyed by `ErrorCode`, so a
 * misspelt key fails to compile; the code looked up may be one this build does not know.
 */
export function byCode<T>(table: Partial<Record<ErrorCode, T>>, code: string): T | undefined {
  return Object.entries(table).find(([key]) => key === code)?.[1]
}

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
