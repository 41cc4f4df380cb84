// The /verify page's one read: the portal's public keys, from its own origin (JWKS_PATH). Cached
// for the page's life: checking a second file needs no second read, and a key the portal adds
// later (rotation) is on the next visit.
import { queryOptions } from '@tanstack/react-query'
import { JWKS_PATH } from '@/contract/receipts'
import { jwksSchema } from '@/contract/receipt-verify'
import { apiGet } from '@/lib/http'

export const verifyQueries = {
  jwks: () =>
    queryOptions({
      queryKey: ['jwks'] as const,
      queryFn: ({ signal, client }) => apiGet(JWKS_PATH, () => jwksSchema, { signal, client }),
      staleTime: Infinity,
    }),
}
