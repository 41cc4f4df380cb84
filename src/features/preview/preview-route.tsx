import type { QueryClient } from '@tanstack/react-query'
import type { LoaderFunctionArgs } from 'react-router'
import { readConsentRequest } from '@/contract/consent-request'
import { applicationQueries } from '@/lib/application'
import { PreviewPage, previewParams } from './preview-page'

/**
 * The developer preview. Its loader reads the previewed app, so the server renders the pane and
 * the checklist with the page (a form submitted without JavaScript lands on a finished page too);
 * `prefetchQuery` never throws: the app's failures belong in the checklist, not in a route error
 * screen, and the page asks again in the browser.
 */
export function route(queryClient: QueryClient) {
  return {
    Component: PreviewPage,
    loader: async ({ request }: LoaderFunctionArgs) => {
      const parsed = readConsentRequest(previewParams(new URL(request.url).searchParams))
      if (parsed.ok) await queryClient.prefetchQuery(applicationQueries.detail('preview', parsed.request))
      return null
    },
  }
}
