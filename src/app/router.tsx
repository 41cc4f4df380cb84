import type { QueryClient } from '@tanstack/react-query'
import { createBrowserRouter, redirect, type RouteObject } from 'react-router'
import { PAGE_ROUTES } from '@/contract/routes'
import { loadConsent } from '@/features/consent/consent-loader'
import { loadGrants } from '@/features/grants/grants-loader'
import { loadCatalogueSection } from '@/lib/i18n'
import { NotFoundPage } from './not-found-page'
import { RootErrorBoundary } from './root-error-boundary'
import { RootHydrateFallback, RootLayout, type PageHandle } from './root-layout'

function page(title: PageHandle['title']): PageHandle {
  return { title }
}

/**
 * Every page of the portal (SPEC.md "SPA routes"), at the paths of `PAGE_ROUTES`, the list the BFF
 * serves index.html for. Each feature's route module (`PAGE_ROUTES[page].module`; the imports stay
 * literal so the build finds them) is loaded on demand and exports `route(queryClient)` →
 * `{ Component, loader?, HydrateFallback?, ErrorBoundary? }`.
 * The consent and grants loaders are imported eagerly instead: their requests then start the
 * moment the URL matches, alongside the page's code, not after it (no waterfall).
 */
export function appRoutes(queryClient: QueryClient): RouteObject[] {
  return [
    {
      id: 'root',
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
            {
              path: PAGE_ROUTES.consent.path,
              handle: page('consent'),
              loader: ({ request }) => loadConsent(queryClient, new URL(request.url)),
              lazy: () => import('@/features/consent/consent-route').then((m) => m.route()),
            },
            {
              path: PAGE_ROUTES.grants.path,
              handle: page('grants'),
              loader: () => loadGrants(queryClient),
              lazy: () => Promise.all([import('@/features/grants/grants-route'), loadCatalogueSection('grants')]).then(([m]) => m.route()),
            },
            {
              path: PAGE_ROUTES.preview.path,
              handle: page('preview'),
              // The page's own texts come with its code, not with every page.
              lazy: () =>
                Promise.all([
                  import('@/features/preview/preview-route'),
                  ...PAGE_ROUTES.preview.sections.map((section) => loadCatalogueSection(section)),
                ]).then(([m]) => m.route()),
            },
            {
              path: PAGE_ROUTES.signin.path,
              handle: page('signin'),
              lazy: () => import('@/features/session/signin-route').then((m) => m.route(queryClient)),
            },
            { path: '*', handle: page('notFound'), Component: NotFoundPage },
          ],
        },
      ],
    },
  ]
}

export function createAppRouter(queryClient: QueryClient) {
  return createBrowserRouter(appRoutes(queryClient))
}
