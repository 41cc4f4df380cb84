import type { QueryClient } from '@tanstack/react-query'
import type { LoaderFunctionArgs } from 'react-router'
import { loadRecords } from './activity-loader'
import { ReceiptPage } from './receipt-page'

/** `/activity/:id`: one record, as a receipt. */
export function route(queryClient: QueryClient) {
  return {
    Component: ReceiptPage,
    loader: ({ params, request }: LoaderFunctionArgs) => {
      const url = new URL(request.url)
      return loadRecords(queryClient, url.pathname + url.search, params.id ?? '')
    },
  }
}
