import type { QueryClient } from '@tanstack/react-query'
import type { LoaderFunctionArgs } from 'react-router'
import type { SignInSettings } from '@/lib/session'
import { loadRecords } from './activity-loader'
import { ReceiptPage } from './receipt-page'

/** `/activity/:id`: one record, as a receipt. */
export function route(queryClient: QueryClient, signIn: SignInSettings) {
  return {
    Component: ReceiptPage,
    loader: ({ params, request }: LoaderFunctionArgs) => {
      const url = new URL(request.url)
      return loadRecords(queryClient, signIn, url.pathname + url.search, params.id ?? '')
    },
  }
}
