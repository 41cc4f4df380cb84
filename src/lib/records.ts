// The person's consent records (SPEC.md "Consent records"), read by the activity pages and the
// grants page; the BFF writes them with each decision.
import { infiniteQueryOptions, queryOptions } from '@tanstack/react-query'
import { PAGE_ROUTES } from '@/contract/routes'
import { foldAttempts, type ConsentAttempt, type ConsentRecord } from '@/contract/records'
import { apiGet } from '@/lib/http'

export const recordQueries = {
  all: () => ['records'] as const,
  /** Every record of the signed-in person, newest first (the BFF's order). */
  list: () =>
    queryOptions({
      queryKey: [...recordQueries.all(), 'list'],
      queryFn: ({ signal, client }) => apiGet('/api/records', (s) => s.recordsResponseSchema, { signal, client }),
    }),
  /**
   * The activity list, a page at a time (SPEC.md "BFF API"): the newest page first, the same
   * answer as `list`, then each older one from the previous page's `next` cursor.
   */
  pages: () =>
    infiniteQueryOptions({
      queryKey: [...recordQueries.all(), 'pages'],
      initialPageParam: undefined as string | undefined,
      queryFn: ({ pageParam, signal, client }) =>
        apiGet(pageParam === undefined ? '/api/records' : `/api/records?${new URLSearchParams({ before: pageParam })}`, (s) => s.recordsResponseSchema, { signal, client }),
      getNextPageParam: (last) => last.next ?? undefined,
    }),
  /** The records of one app, newest first. */
  forClient: (clientId: string) =>
    queryOptions({
      queryKey: [...recordQueries.all(), 'for-client', clientId],
      queryFn: ({ signal, client }) => apiGet(`/api/records?${new URLSearchParams({ client_id: clientId })}`, (s) => s.recordsResponseSchema, { signal, client }),
    }),
  /** One record; 404 when it is not the signed-in person's. */
  detail: (id: string) =>
    queryOptions({
      queryKey: [...recordQueries.all(), 'detail', id],
      queryFn: ({ signal, client }) => apiGet(`/api/records/${encodeURIComponent(id)}`, (s) => s.consentRecordSchema, { signal, client }),
    }),
}

/** The newest attempt about `clientId` with `decision` in newest-first records, whatever became of it. */
export function latestAttempt(records: readonly ConsentRecord[], clientId: string, decision: ConsentRecord['decision']): ConsentAttempt | undefined {
  return foldAttempts(records).find((attempt) => attempt.record.client_id === clientId && attempt.record.decision === decision)
}

/**
 * The attempt a record is, with what became of it as far as `records` tell (its own outcome when
 * it is older than they reach). Undefined for a resolution record: it is part of another attempt.
 */
export function attemptOf(record: ConsentRecord, records: readonly ConsentRecord[]): ConsentAttempt | undefined {
  if (record.resolves !== null) return undefined
  return foldAttempts(records).find((attempt) => attempt.record.id === record.id) ?? { record, outcome: record.outcome, resolution: undefined }
}

/**
 * Whether an authorize attempt is still what the app holds, as far as this portal knows: it was
 * granted, and no later decision about that app was made here, except ones that definitely did
 * not go through. (A revoke made elsewhere leaves no record here; the grants page has the truth.)
 */
export function isInForce(attempt: ConsentAttempt, records: readonly ConsentRecord[]): boolean {
  const { record } = attempt
  if (record.decision !== 'authorize' || attempt.outcome !== 'granted') return false
  const newest = foldAttempts(records).find((other) => other.record.client_id === record.client_id && other.outcome !== 'failed')
  return newest?.record.id === record.id
}

/** Where a record's receipt lives. */
export function receiptPath(id: string): string {
  return PAGE_ROUTES.receipt.path.replace(':id', encodeURIComponent(id))
}
