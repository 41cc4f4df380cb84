import type { QueryClient } from '@tanstack/react-query'
import { PAGE_ROUTES } from '@/contract/routes'
import { loadRecords } from './activity-loader'
import { ActivityPage } from './activity-page'

/** `/activity`: every decision the person made here. */
export function route(queryClient: QueryClient) {
  return { Component: ActivityPage, loader: () => loadRecords(queryClient, PAGE_ROUTES.activity.path) }
}
