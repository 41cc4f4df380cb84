import type { ApiErrorCode } from '../../src/contract/errors'
import { StoreUnavailableError } from '../store/portal-store'
import { toApiError } from '../upstream/errors'

/** Every status the BFF's error envelope is sent with (SPEC.md "BFF API"). */
export type ApiFailureStatus = 400 | 401 | 403 | 404 | 409 | 413 | 414 | 415 | 422 | 429 | 500 | 502 | 503 | 504

/** A failure the BFF answers with its error envelope (SPEC.md "BFF API"). */
export class ApiFailure extends Error {
  constructor(
    readonly status: ApiFailureStatus,
    readonly code: ApiErrorCode,
    message: string,
    readonly extra: { upstream_code?: number; details?: Record<string, string> } = {},
  ) {
    super(message)
  }
}

/**
 * Any error as the failure the BFF answers with: its own, the store's (503), or the platform's
 * mapped in one table (server/upstream/errors.ts). `report` hears of the ones worth a log line.
 */
export function toApiFailure(error: unknown, report: (message: string, cause: unknown) => void): ApiFailure {
  if (error instanceof ApiFailure) return error
  if (error instanceof StoreUnavailableError) {
    report('portal store unavailable', error.message)
    return new ApiFailure(503, 'store_unavailable', 'The portal cannot save this right now. Please try again in a moment.')
  }
  const mapped = toApiError(error)
  if (mapped.status >= 500 && !(mapped.upstream_code || mapped.code.startsWith('upstream'))) report('unexpected error', error)
  return new ApiFailure(mapped.status, mapped.code, mapped.message, { upstream_code: mapped.upstream_code })
}
