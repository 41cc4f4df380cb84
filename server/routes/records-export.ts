// GET /api/records/export (SPEC.md "BFF API"; issue 19 item 4): every record of the signed-in
// person in one JSON download, for a request under PIPL Art. 45 (a copy of one's personal
// information). Each record is its Kantara receipt (src/contract/kantara.ts) carrying its JWS, and
// the file names the JWKS that verifies them, so the copy proves itself without this portal.
//
// Streamed: read a page at a time through the store's keyset paging and written as it goes, a page
// only when the client has taken the last one (a pull stream's back-pressure), so a person with
// thousands of records costs one page of memory, not all of them.
import type { Context } from 'hono'
import { toKantaraReceipt } from '../../src/contract/kantara'
import { RECORDS_EXPORT_FORMAT } from '../../src/contract/receipt-verify'
import { JWKS_PATH } from '../../src/contract/receipts'
import { requestOrigin } from '../http/proxy'
import type { PortalStore, RecordCursor, StoredReceipt } from '../store/portal-store'

/** The file's own format name and version, its first member, so a reader knows what it holds (and /verify recognizes it). */
export const EXPORT_FORMAT = RECORDS_EXPORT_FORMAT
/** Records read per store query. */
export const EXPORT_PAGE = 100

/** One record of the export: its Kantara receipt with its JWS and its predecessor's. */
function exported({ record, jws, previousJws }: StoredReceipt): string {
  return JSON.stringify(toKantaraReceipt(record, { jws, previous_jws: previousJws }))
}

/**
 * The export's response. The first page and the retention marker are read before the first byte,
 * so a store that is down gets the usual error envelope (503), never a file that looks whole. A
 * failure after that errors the stream: the connection is cut and the download fails, instead of
 * ending as valid JSON with records missing.
 */
export async function exportResponse(c: Context, store: PortalStore, userId: string, log: (line: string) => void): Promise<Response> {
  const exportedAt = new Date().toISOString()
  const purged = await store.readPurgeMarker(userId)
  let page: StoredReceipt[] | undefined = await store.listReceipts(userId, { limit: EXPORT_PAGE })
  // Where the next page starts; null once a short page said there is none.
  let cursor: RecordCursor | null = null
  let written = 0
  const encoder = new TextEncoder()
  const head = JSON.stringify({ format: EXPORT_FORMAT, exported_at: exportedAt, subject: userId, jwks: `${requestOrigin(c)}${JWKS_PATH}`, purged: purged ?? null })
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      // The header object without its closing brace, the records array opened after it.
      controller.enqueue(encoder.encode(`${head.slice(0, -1)},"records":[`))
    },
    async pull(controller) {
      try {
        if (page === undefined && cursor !== null) page = await store.listReceipts(userId, { limit: EXPORT_PAGE, before: cursor })
        if (page === undefined || page.length === 0) {
          controller.enqueue(encoder.encode(`${written === 0 ? '' : '\n'}]}\n`))
          controller.close()
          return
        }
        const text = page.map((receipt, i) => `${written + i === 0 ? '\n' : ',\n'}${exported(receipt)}`).join('')
        written += page.length
        const last = page.at(-1)!.record
        cursor = page.length < EXPORT_PAGE ? null : { at: last.at, id: last.id }
        page = undefined
        controller.enqueue(encoder.encode(text))
      } catch (error) {
        log(`error: the export of ${written} records so far stopped: ${error instanceof Error ? error.message : String(error)}`)
        controller.error(error)
      }
    },
  })
  return c.body(body, 200, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Disposition': `attachment; filename="consent-records-${exportedAt.slice(0, 10)}.json"`,
  })
}
