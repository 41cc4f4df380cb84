import type { QueryClient } from '@tanstack/react-query'
import { redirect, type ActionFunction, type LoaderFunction, type RouteObject } from 'react-router'
import { PAGE_ROUTES, type PageName, type PageRoute } from '@/contract/routes'
import { loadConsent } from '@/features/consent/consent-loader'
import { loadGrants } from '@/features/grants/grants-loader'
import { formAction } from '@/lib/form-action'
import { loadCatalogueSection } from '@/lib/i18n'
import { sessionQueries, type SignInSettings } from '@/lib/session'
import { NotFoundPage } from './not-found-page'
import { RootErrorBoundary } from './root-error-boundary'
import { RootHydrateFallback, RootLayout, type PageHandle } from './root-layout'

/** A page's route module: `route(queryClient)` gives its component and whatever else it needs. */
interface RouteModule {
  route: (queryClient: QueryClient, signIn: SignInSettings) => Pick<RouteObject, 'Component' | 'loader' | 'action' | 'HydrateFallback' | 'ErrorBoundary'>
}

/**
 * Every page of the portal (SPEC.md "SPA routes"), at the paths of `PAGE_ROUTES`, the list the BFF
 * serves index.html for. Each feature's route module (`PAGE_ROUTES[page].module`; the imports stay
 * literal so the build finds them) is loaded on demand, together with the page's own catalogue
 * sections, and exports `route(queryClient, signIn)` → `{ Component, loader?, HydrateFallback?, ErrorBoundary? }`;
 * a page's form action, which only the server runs, is given here.
 * The same routes render on the server (src/entry-server.tsx) and hydrate in the browser (src/start.tsx):
 * `queryClient` is that render's, `signIn` where sign-in lives for it.
 * The consent and grants loaders are imported eagerly instead: their requests then start the
 * moment the URL matches, alongside the page's code, not after it (no waterfall). The other pages'
 * loaders come with their code, which keeps it out of every other page's first load.
 */
export function appRoutes(queryClient: QueryClient, signIn: SignInSettings): RouteObject[] {
  function lazyPage(name: Exclude<PageName, 'home'>, load: () => Promise<RouteModule>, eager: { loader?: LoaderFunction; action?: ActionFunction } = {}): RouteObject {
    const { path, sections = [] }: PageRoute = PAGE_ROUTES[name]
    return {
      path,
      handle: { title: name } satisfies PageHandle,
      ...eager,
      lazy: () => Promise.all([load(), ...sections.map(loadCatalogueSection)]).then(([m]) => m.route(queryClient, signIn)),
    }
  }

  return [
    {
      id: 'root',
      // The header's read: who is signed in. Never thrown, the header shows its own failure.
      loader: async () => {
        await queryClient.prefetchQuery(sessionQueries.current())
        return null
      },
      Component: RootLayout,
      HydrateFallback: RootHydrateFallback,
      // Only when the layout itself fails; a page's failure is caught below, inside the layout.
      errorElement: <RootErrorBoundary standalone />,
      children: [
        {
          errorElement: <RootErrorBoundary />,
          children: [
            // `element: null`: never rendered, the loader redirects first (and the router asks for one).
            { index: true, loader: () => redirect(PAGE_ROUTES.grants.path), element: null },
            // The pages whose forms work without JavaScript have their actions here, on the
            // server only (src/lib/form-action.ts): small, and never part of a page's own code.
            lazyPage('consent', () => import('@/features/consent/consent-route'), {
              loader: ({ request }) => loadConsent(queryClient, new URL(request.url), signIn),
              action: formAction('consent'),
            }),
            lazyPage('grants', () => import('@/features/grants/grants-route'), { loader: () => loadGrants(queryClient, signIn) }),
            lazyPage('revoke', () => import('@/features/grants/revoke-route'), { action: formAction('revoke') }),
            lazyPage('preview', () => import('@/features/preview/preview-route')),
            lazyPage('activity', () => import('@/features/activity/activity-route')),
            lazyPage('receipt', () => import('@/features/activity/receipt-route')),
            lazyPage('verify', () => import('@/features/verify/verify-route')),
            lazyPage('signin', () => import('@/features/session/signin-route')),
            { path: '*', handle: { title: 'notFound' } satisfies PageHandle, Component: NotFoundPage },
          ],
        },
      ],
    },
  ]
}
