// The server render (SPEC.md "Quality bars"; built for Node by `vite build --ssr`, see package.json,
// and loaded by server/pages/render.ts): every page is rendered by the BFF with the SPA's own routes,
// loaders and components, then hydrated by the browser (src/start.tsx) from the state handed over
// with it. Nothing here or in what it renders touches `window`, `document` or storage.
import { dehydrate, QueryClientProvider } from '@tanstack/react-query'
import { StrictMode } from 'react'
import { renderToString } from 'react-dom/server'
import { createStaticHandler, createStaticRouter, StaticRouterProvider } from 'react-router'
import { RENDER_STATE_VERSION, serializeQueries, serializeRouterErrors, type RenderState } from '@/app/hydration'
import { createQueryClient } from '@/app/query-client'
import { appRoutes } from '@/app/router'
import type { Language } from '@/contract/languages'
import { ConsentRequestError } from '@/features/consent/consent-loader'
import { ClockProvider } from '@/lib/clock'
import { ApiError, bindTransport, type Transport } from '@/lib/http'
import { I18nContext, renderI18n } from '@/lib/i18n'
import { SignInSettingsProvider, type SignInSettings } from '@/lib/session'

export interface RenderInput {
  /** The page's request, at the portal's own origin as the browser sees it (GET, or a form's POST). */
  request: Request
  lang: Language
  timeZone: string
  /** The render's "now" (epoch ms). */
  now: number
  signIn: SignInSettings
  /** The page's `/api` reads, answered by the BFF in-process as the page's own requests. */
  api: Transport
  /** Handed to route actions (a form's POST): what the server provides them. */
  requestContext?: unknown
}

export type RenderResult =
  /** A redirect (sign-in, back to the app) or an answer a route action made whole. */
  | { kind: 'response'; response: Response }
  | { kind: 'page'; status: number; html: string; state: RenderState }

export async function render(input: RenderInput): Promise<RenderResult> {
  const queryClient = createQueryClient()
  // A render asks once: a failed read is the page's answer, not something to retry in here.
  queryClient.setDefaultOptions({ ...queryClient.getDefaultOptions(), queries: { ...queryClient.getDefaultOptions().queries, retry: false } })
  bindTransport(queryClient, input.api)
  const handler = createStaticHandler(appRoutes(queryClient, input.signIn))
  const context = await handler.query(input.request, { requestContext: input.requestContext as never })
  if (context instanceof Response) return { kind: 'response', response: context }

  const { instance, used } = await renderI18n(input.lang)
  const router = createStaticRouter(handler.dataRoutes, context)
  // Rendered once every read is in, never streamed: React and the router would need inline scripts
  // for streamed boundaries, and the CSP allows none.
  const html = renderToString(
    <StrictMode>
      <I18nContext.Provider value={instance}>
        <SignInSettingsProvider value={input.signIn}>
          <QueryClientProvider client={queryClient}>
            <ClockProvider value={{ now: input.now, timeZone: input.timeZone }}>
              <StaticRouterProvider router={router} context={context} hydrate={false} />
            </ClockProvider>
          </QueryClientProvider>
        </SignInSettingsProvider>
      </I18nContext.Provider>
    </StrictMode>,
  )
  const state: RenderState = {
    v: RENDER_STATE_VERSION,
    lang: input.lang,
    sections: used(),
    now: input.now,
    timeZone: input.timeZone,
    signIn: input.signIn,
    router: { loaderData: context.loaderData, actionData: context.actionData, errors: serializeRouterErrors(context.errors) },
    queries: serializeQueries(dehydrate(queryClient, { shouldDehydrateQuery: (query) => query.state.status !== 'pending' })),
  }
  queryClient.clear()
  // The not-found page (the `*` route) says so in its status too.
  const notFound = context.matches.at(-1)?.route.path === '*'
  return { kind: 'page', status: notFound ? 404 : statusOf(context.statusCode, context.errors), html, state }
}

/**
 * The page's HTTP status: a loader's failure keeps the status it had (an unknown app is 422, as
 * from /api; a refused consent request 400), where react-router would say 500 for any thrown error.
 */
function statusOf(routerStatus: number, errors: Record<string, unknown> | null): number {
  const error = errors ? Object.values(errors)[0] : undefined
  if (error instanceof ApiError) return error.status === 0 ? 502 : error.status
  if (error instanceof ConsentRequestError) return 400
  return routerStatus
}
