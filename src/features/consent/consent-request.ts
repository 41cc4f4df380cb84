import type { ConsentRequest } from './api'

export type ParsedConsentRequest = { ok: true; request: ConsentRequest } | { ok: false; missing: string[] }

/** Reads the query the app sent; `client_id` and `redirect_uri` must be there before anything else. */
export function parseConsentRequest(params: URLSearchParams): ParsedConsentRequest {
  const clientId = params.get('client_id') ?? ''
  const redirectUri = params.get('redirect_uri') ?? ''
  const missing = [!clientId && 'client_id', !redirectUri && 'redirect_uri'].filter((name): name is string => Boolean(name))
  if (missing.length > 0) return { ok: false, missing }
  return {
    ok: true,
    request: {
      clientId,
      redirectUri,
      responseType: params.get('response_type') ?? undefined,
      scope: params.get('scope') ?? undefined,
      state: params.get('state') ?? undefined,
    },
  }
}

/** One consent flow: the same app asking the same thing with the same state. */
export function flowKey(request: ConsentRequest): string {
  return JSON.stringify([request.clientId, request.redirectUri, request.scope ?? null, request.state ?? null])
}
