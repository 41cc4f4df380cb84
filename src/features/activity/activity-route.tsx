import type { QueryClient } from '@tanstack/react-query'
import { PAGE_ROUTES } from '@/contract/routes'
import type { SignInSettings } from '@/lib/session'
import { loadRecords } from './activity-loader'
import { ActivityPage } from './activity-page'

/** `/activity`: every decision the person made here. */
export function route(queryClient: QueryClient, signIn: SignInSettings) {
  return { Component: ActivityPage, loader: () => loadRecords(queryClient, signIn, PAGE_ROUTES.activity.path) }
}
