// The person's consent records (SPEC.md "Consent records"), read by the activity pages and the
// grants page; the BFF writes them with each decision.
import { queryOptions } from '@tanstack/react-query'
import { PAGE_ROUTES } from '@/contract/routes'
import { consentRecordSchema, recordsResponseSchema, type ConsentRecord } from '@/contract/records'
import { apiGet } from '@/lib/http'

export const recordQueries = {
  all: () => ['records'] as const,
  /** Every record of the signed-in person, newest first (the BFF's order). */
  list: () =>
    queryOptions({
      queryKey: [...recordQueries.all(), 'list'],
      queryFn: ({ signal }) => apiGet('/api/records', recordsResponseSchema, { signal }),
    }),
  /** The records of one app, newest first. */
  forClient: (clientId: string) =>
    queryOptions({
      queryKey: [...recordQueries.all(), 'for-client', clientId],
      queryFn: ({ signal }) => apiGet(`/api/records?${new URLSearchParams({ client_id: clientId })}`, recordsResponseSchema, { signal }),
    }),
  /** One record; 404 when it is not the signed-in person's. */
  detail: (id: string) =>
    queryOptions({
      queryKey: [...recordQueries.all(), 'detail', id],
      queryFn: ({ signal }) => apiGet(`/api/records/${encodeURIComponent(id)}`, consentRecordSchema, { signal }),
    }),
}

/** The newest record of `clientId` with `decision` in a newest-first list, if any. */
export function latestRecord(records: readonly ConsentRecord[], clientId: string, decision: ConsentRecord['decision']): ConsentRecord | undefined {
  return records.find((record) => record.client_id === clientId && record.decision === decision)
}

/**
 * Whether an authorize record is still what the app holds: it is the newest decision about that
 * app made here. (A revoke made elsewhere leaves no record here; the grants page has the truth.)
 */
export function isInForce(record: ConsentRecord, records: readonly ConsentRecord[]): boolean {
  return record.decision === 'authorize' && records.find((other) => other.client_id === record.client_id)?.id === record.id
}

/** Where a record's receipt lives. */
export function receiptPath(id: string): string {
  return PAGE_ROUTES.receipt.path.replace(':id', encodeURIComponent(id))
}
