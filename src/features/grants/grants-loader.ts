import type { QueryClient } from '@tanstack/react-query'
import { PAGE_ROUTES } from '@/contract/routes'
import { biosampleQueries } from '@/lib/biosamples'
import { isUnauthenticated } from '@/lib/failure'
import { signInRedirect, type SignInSettings } from '@/lib/session'
import { grantQueries } from './api'

/**
 * `/grants`' data: the grants, the person's samples (to count those a grant leaves out) and their
 * consent records (what they agreed to), all at once, as soon as the URL matches (the router
 * imports this eagerly, so the requests do not wait for the page's code). Without a session it goes straight to sign-in,
 * which returns here. Upstream faults go to the layout's error boundary, with a retry: never an
 * empty list that pretends there are no grants.
 */
export async function loadGrants(queryClient: QueryClient, signIn: SignInSettings): Promise<null> {
  try {
    await Promise.all([
      queryClient.ensureQueryData(grantQueries.list()),
      queryClient.ensureQueryData(biosampleQueries.list()),
      // Through the page's own module, which the router is fetching anyway (and the BFF preloads):
      // the records' schemas then stay out of every page's first load, this module being in the entry.
      import('./grants-route').then(({ recordQueries }) => queryClient.ensureQueryData(recordQueries.list())),
    ])
  } catch (error) {
    if (isUnauthenticated(error)) throw signInRedirect(PAGE_ROUTES.grants.path, signIn)
    throw error
  }
  return null
}
