import type { ApiErrorCode } from '../../src/contract/errors'

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
