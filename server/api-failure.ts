/** A failure the BFF answers with its error envelope (SPEC.md "BFF API"). */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extra: { upstream_code?: number; details?: Record<string, string> } = {},
  ) {
    super(message)
  }
}
