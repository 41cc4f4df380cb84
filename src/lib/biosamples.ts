import { queryOptions } from '@tanstack/react-query'
import { apiGet } from '@/lib/http'

/** The signed-in person's biosamples: what consent offers to share and what grants count as not shared. */
export const biosampleQueries = {
  list: () =>
    queryOptions({
      queryKey: ['biosamples'],
      queryFn: ({ signal, client }) => apiGet('/api/biosamples', (s) => s.biosamplesResponseSchema, { signal, client }),
    }),
}
