// Renders the portal at a path as the browser would: the real routes, layout, loaders and error
// boundaries (src/app/router.tsx), in a memory router, with a fresh QueryClient that does not
// retry (STYLE.md "Tests"). The BFF is test/support/msw-handlers.ts.
import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { render } from '@testing-library/react'
// RouterProvider from 'react-router', not 'react-router/dom': under Vitest the two entry points
// resolve to different builds (ESM and CommonJS) that do not share the router's context.
import { createMemoryRouter, RouterProvider } from 'react-router'
import { appRoutes } from '@/app/router'
import { ClockProvider } from '@/lib/clock'
import { DEFAULT_LOGIN_URL } from '@/lib/session'

export function renderApp(path: string) {
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false }, mutations: { retry: false } } })
  const router = createMemoryRouter(appRoutes(queryClient, { loginUrl: DEFAULT_LOGIN_URL, origin: window.location.origin }), { initialEntries: [path] })
  const { unmount } = render(
    <QueryClientProvider client={queryClient}>
      {/* As a page rendered for a person whose zone the server already knows: the browser's own. */}
      <ClockProvider value={{ now: Date.now(), timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone }}>
        <RouterProvider router={router} />
      </ClockProvider>
    </QueryClientProvider>,
  )
  return { router, queryClient, unmount }
}

/** Where the router is now, with the query: where a redirect led. */
export function currentPath(router: ReturnType<typeof createMemoryRouter>): string {
  return router.state.location.pathname + router.state.location.search
}

/**
 * A getByText matcher for a sentence that holds an upstream text: the SPA renders that text in
 * its own isolating element (src/components/ui/upstream-text.tsx), which splits the sentence
 * across elements. Matches the innermost element whose whole text is `text`.
 */
export function sentence(text: string): (content: string, element: Element | null) => boolean {
  return (_content, element) => element?.textContent === text && ![...element.children].some((child) => child.textContent === text)
}
