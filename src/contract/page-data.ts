// The page's data with its HTML (SPEC.md "Quality bars"): for consent and grants the BFF answers
// the page's `/api` reads itself while it serves index.html, and streams each answer into the
// page as a non-executable `<script type="application/json" id="bge-data-N">` (server/pages/page-data.ts).
// The SPA's fetch client takes an answer from there instead of the network (src/lib/page-data.ts).
// Browser-safe: no Node imports.
import { z } from 'zod/mini'

export const PAGE_DATA_ID_PREFIX = 'bge-data-'

/** The shape's version (`v`): a page from a BFF that writes another one is fetched for, not misread. */
export const PAGE_DATA_VERSION = 1

/**
 * One `/api` answer as `/api` gave it: the exact GET path the SPA asks for (its key), the status
 * and the JSON body, an error envelope included.
 */
export const pageDataSchema = z.object({
  v: z.int(),
  path: z.string(),
  status: z.int(),
  body: z.unknown(),
})
export type PageData = z.infer<typeof pageDataSchema>

/**
 * How long after the document started loading its answers may still be used: enough for a slow
 * phone to fetch the page's code, short enough that an answer left unread by the first page (a
 * request refused before it asked) is fetched afresh by a later one. The document's age, not the
 * answer's server time: the phone's clock is not the server's.
 */
export const PAGE_DATA_MAX_AGE_MS = 30_000

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
