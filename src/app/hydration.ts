// What the server render hands the browser with the page (src/entry-server.tsx → src/start.tsx): one
// non-executable JSON element holding everything the browser needs to render exactly what the
// server rendered, so hydration finds the same markup. Errors thrown by loaders travel as plain
// data and come back as the same classes, so both sides show the same screen.
import { isRouteErrorResponse } from 'react-router'
import type { DehydratedState } from '@tanstack/react-query'
import type { Language } from '@/contract/languages'
import { ConsentRequestError } from '@/features/consent/consent-loader'
import { ApiError } from '@/lib/http'
import type { CatalogueSection } from '@/lib/i18n'
import type { SignInSettings } from '@/lib/session'

import { RENDER_STATE_ID, RENDER_STATE_VERSION } from '@/contract/render-state'

export { RENDER_STATE_ID, RENDER_STATE_VERSION }

type SerializedError =
  | { kind: 'api'; status: number; code: string; message: string; upstreamCode?: number | undefined; details?: Record<string, string> | undefined }
  | { kind: 'consentRequest'; code: ConsentRequestError['code']; details: Record<string, string> }
  | { kind: 'route'; status: number; statusText: string; internal: boolean; data: unknown }
  | { kind: 'error'; message: string }

export interface RenderState {
  v: typeof RENDER_STATE_VERSION
  lang: Language
  /** The lazy catalogue sections the render used (src/lib/i18n.ts). */
  sections: CatalogueSection[]
  /** The render's "now" (epoch ms), so "3 days ago" reads the same on both sides. */
  now: number
  /** The zone dates are shown in. */
  timeZone: string
  signIn: SignInSettings
  router: {
    loaderData: Record<string, unknown>
    actionData: Record<string, unknown> | null
    errors: Record<string, SerializedError> | null
  }
  queries: DehydratedState
}

export function serializeError(error: unknown): SerializedError {
  if (error instanceof ApiError) {
    return { kind: 'api', status: error.status, code: error.code, message: error.message, upstreamCode: error.upstreamCode, details: error.details }
  }
  if (error instanceof ConsentRequestError) return { kind: 'consentRequest', code: error.code, details: error.details }
  if (isRouteErrorResponse(error)) {
    return { kind: 'route', status: error.status, statusText: error.statusText, internal: 'internal' in error && error.internal === true, data: error.data }
  }
  // A bug: its message only, never a stack, to the browser.
  return { kind: 'error', message: error instanceof Error ? error.message : String(error) }
}

export function reviveError(serialized: SerializedError): unknown {
  switch (serialized.kind) {
    case 'api':
      return new ApiError(serialized)
    case 'consentRequest':
      return new ConsentRequestError(serialized.code, serialized.details)
    case 'route':
      // What react-router's own hydration revives: `isRouteErrorResponse` reads these fields.
      return { status: serialized.status, statusText: serialized.statusText, internal: serialized.internal, data: serialized.data }
    case 'error':
      return new Error(serialized.message)
  }
}

function mapErrors<F, T>(errors: Record<string, F> | null | undefined, map: (error: F) => T): Record<string, T> | null {
  return errors ? Object.fromEntries(Object.entries(errors).map(([id, error]) => [id, map(error)])) : null
}

export function serializeRouterErrors(errors: Record<string, unknown> | null | undefined): Record<string, SerializedError> | null {
  return mapErrors(errors, serializeError)
}

export function reviveRouterErrors(errors: Record<string, SerializedError> | null): Record<string, unknown> | null {
  return mapErrors(errors, reviveError)
}

/** The query cache's failed queries keep their errors, as data. */
export function serializeQueries(state: DehydratedState): DehydratedState {
  return {
    ...state,
    queries: state.queries.map((query) => (query.state.error == null ? query : { ...query, state: { ...query.state, error: serializeError(query.state.error) as unknown as never } })),
  }
}

export function reviveQueries(state: DehydratedState): DehydratedState {
  return {
    ...state,
    queries: state.queries.map((query) =>
      query.state.error == null ? query : { ...query, state: { ...query.state, error: reviveError(query.state.error as unknown as SerializedError) as never } },
    ),
  }
}
