// The app in the browser, started by src/main.tsx once the page is painted: the page arrives
// rendered by the BFF (src/entry-server.tsx) with the state that render used (src/app/hydration.ts).
// This reads that state, loads the code and texts of the routes the page matched, and hydrates: the
// painted page becomes the live one, and nothing is fetched that the server already read.
import { hydrate, QueryClientProvider } from '@tanstack/react-query'
import { startTransition, StrictMode, useEffect, type ReactNode } from 'react'
import { hydrateRoot } from 'react-dom/client'
import { createBrowserRouter, matchRoutes } from 'react-router'
import { RouterProvider } from 'react-router/dom'
import { RENDER_STATE_ID, RENDER_STATE_VERSION, reviveQueries, reviveRouterErrors, type RenderState } from '@/app/hydration'
import { createQueryClient } from '@/app/query-client'
import { appRoutes } from '@/app/router'
import { ClockProvider } from '@/lib/clock'
import { startI18n } from '@/lib/i18n'
import { setBrowserSignInSettings, SignInSettingsProvider } from '@/lib/session'

function readState(): RenderState {
  const element = document.getElementById(RENDER_STATE_ID)
  const state = element ? (JSON.parse(element.textContent) as RenderState) : undefined
  if (state?.v !== RENDER_STATE_VERSION) {
    // A page from a server with another shape (a deploy between the page and its code): start over.
    window.location.reload()
    throw new Error('The page and its code are from different versions of the portal; reloading.')
  }
  return state
}

const state = readState()
setBrowserSignInSettings(state.signIn)
const queryClient = createQueryClient()
hydrate(queryClient, reviveQueries(state.queries))
const routes = appRoutes(queryClient, state.signIn)

// The matched routes' code (and their catalogue sections) before hydrating, as react-router's
// data-mode SSR example does: a lazy route would otherwise render nothing where the server
// rendered the page.
const lazyMatches = (matchRoutes(routes, window.location) ?? []).filter((match) => match.route.lazy)
await Promise.all([
  startI18n(state.lang, state.sections),
  ...lazyMatches.map(async ({ route }) => {
    const lazy = route.lazy
    if (typeof lazy !== 'function') return
    Object.assign(route, { ...(await lazy()), lazy: undefined })
  }),
])

const router = createBrowserRouter(routes, {
  hydrationData: { loaderData: state.router.loaderData, actionData: state.router.actionData, errors: reviveRouterErrors(state.router.errors) },
})

/**
 * Marks `<html data-hydrated>` once React has taken over the server's markup: effects run after
 * the hydration commit. Browser journeys wait on it before using what only script makes work.
 */
function Hydrated({ children }: { children: ReactNode }) {
  useEffect(() => {
    document.documentElement.dataset['hydrated'] = 'true'
  }, [])
  return children
}

const container = document.getElementById('root')
if (!container) throw new Error('The page has no #root element')
// In a transition, as react-router's own entry does: React hydrates in slices and yields between
// them (a person's tap meanwhile is handled first), instead of one long task that on a slow phone
// took over 200 ms with 1,000 samples (Lighthouse's TBT, docs/performance.md).
startTransition(() => {
  hydrateRoot(
    container,
    // The same providers as the server's (src/entry-server.tsx); the page's i18n instance is the default.
    <StrictMode>
      <SignInSettingsProvider value={state.signIn}>
        <QueryClientProvider client={queryClient}>
          <ClockProvider value={{ now: state.now, timeZone: state.timeZone }}>
            <Hydrated>
              <RouterProvider router={router} />
            </Hydrated>
          </ClockProvider>
        </QueryClientProvider>
      </SignInSettingsProvider>
    </StrictMode>,
    {
      // A mismatch means the two sides rendered different pages: a bug, which the browser journeys
      // fail on (test/support/watch.ts reads the console).
      onRecoverableError: (error) => console.error('hydration:', error),
    },
  )
})
