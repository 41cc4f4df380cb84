// How the SPA spells the BFF's GET paths that both the browser and the server render read: the
// one way both sides spell them. Browser-safe: no Node imports.

/**
 * GET /api/oauth2/application for a consent request: the one way both sides spell it. The consent
 * page sends `response_type` (no ticket without `code`); the preview, which always means `code`, does not.
 */
export function applicationPath(request: { clientId: string; redirectUri: string; scope: string | undefined; responseType?: string | undefined }): string {
  const query = new URLSearchParams({ client_id: request.clientId, redirect_uri: request.redirectUri })
  if (request.scope !== undefined) query.set('scope', request.scope)
  if (request.responseType !== undefined) query.set('response_type', request.responseType)
  return `/api/oauth2/application?${query}`
}

/** GET /api/oauth2/grants, of one app when `clientId` is given. */
export function grantsPath(clientId?: string): string {
  return clientId === undefined ? '/api/oauth2/grants' : `/api/oauth2/grants?${new URLSearchParams({ client_id: clientId })}`
}
