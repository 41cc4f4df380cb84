import { queryOptions } from '@tanstack/react-query'
import { biosamplesResponseSchema } from '@/contract/api'
import { apiGet } from '@/lib/http'

/** The signed-in person's biosamples: what consent offers to share and what grants count as not shared. */
export const biosampleQueries = {
  list: () =>
    queryOptions({
      queryKey: ['biosamples'],
      queryFn: ({ signal, client }) => apiGet('/api/biosamples', biosamplesResponseSchema, { signal, client }),
    }),
}
