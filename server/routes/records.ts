import { Hono } from 'hono'
import { z } from 'zod'
import { reconcile } from '../consent/records'
import type { BffDeps } from '../deps'
import { ApiFailure } from '../http/api-failure'
import { parseQuery } from '../http/validate'
import type { RecordCursor } from '../store/portal-store'
import { receiptFileName, toKantaraReceipt } from '../../src/contract/kantara'
import type { ConsentRecord } from '../../src/contract/records'
import { exportResponse } from './records-export'

/** SPEC.md "BFF API": a page is `limit` records (1 to 100, 50 unless asked), older than `before`. */
export const RECORDS_PAGE_DEFAULT = 50
export const RECORDS_PAGE_MAX = 100

const querySchema = z.object({
  client_id: z.string().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(RECORDS_PAGE_MAX).default(RECORDS_PAGE_DEFAULT),
  before: z.string().min(1).max(200).optional(),
})

/**
 * The cursor of the page after `record`: opaque to the SPA, base64url of `at|id`. The store pages
 * by both (server/store/portal-store.ts), so records with the same `at` are neither repeated nor
 * skipped.
 */
export function recordCursor(record: RecordCursor): string {
  return Buffer.from(`${record.at}|${record.id}`, 'utf8').toString('base64url')
}

const cursorSchema = z.object({ at: z.iso.datetime(), id: z.string().min(1) })

function parseCursor(before: string): RecordCursor {
  const text = Buffer.from(before, 'base64url').toString('utf8')
  const bar = text.indexOf('|')
  const parsed = cursorSchema.safeParse(bar === -1 ? {} : { at: text.slice(0, bar), id: text.slice(bar + 1) })
  if (!parsed.success) throw new ApiFailure(400, 'invalid_request', 'Some parameters are missing or invalid.', { details: { before: 'not a cursor this portal gave' } })
  return parsed.data
}

/** The first `limit` of `records` (asked for one more than that), and the cursor of the rest. */
function page(records: readonly ConsentRecord[], limit: number): { records: ConsentRecord[]; next: string | null } {
  const shown = records.slice(0, limit)
  const last = shown.at(-1)
  return { records: shown, next: records.length > limit && last ? recordCursor(last) : null }
}

/**
 * The signed-in person's consent records (SPEC.md "Consent records"): their own only, never anyone
 * else's. `no-store` comes with every /api answer (server/http/security.ts).
 */
export function recordRoutes(deps: BffDeps): Hono {
  const app = new Hono()

  app.get('/records', async (c) => {
    const { client_id, limit, before } = parseQuery(c, querySchema)
    const cursor = before === undefined ? undefined : parseCursor(before)
    // One more than the page, to know whether another follows.
    const filter = { clientId: client_id, limit: limit + 1, before: cursor }
    // The page that ends the whole list says what retention removed before it (one app's list
    // does not: the marker counts every app's records).
    const withMarker = async (userId: string, answer: ReturnType<typeof page>) => {
      if (answer.next !== null || client_id !== undefined) return answer
      const purged = await deps.store.readPurgeMarker(userId)
      return purged ? { ...answer, purged } : answer
    }
    // An older page is records only: settling and the vanished grants come with the first.
    if (cursor) {
      const userId = (await c.var.upstream.user()).id
      return c.json(await withMarker(userId, page(await deps.store.listRecords(userId, filter), limit)))
    }
    // The platform's grants settle attempts whose outcome was unknown; without them (the platform
    // is down) the records are still the person's to read.
    const [user, grants] = await Promise.all([c.var.upstream.user(), c.var.upstream.grants().catch(() => undefined)])
    if (!grants) return c.json(await withMarker(user.id, page(await deps.store.listRecords(user.id, filter), limit)))
    // Settling and finding vanished grants read every record of the person (an app's newest
    // attempt may be old); the answer is the first page of them.
    const { records, vanished } = await reconcile(deps.store, user.id, grants, {
      upstreamTimeoutMs: deps.config.upstreamTimeoutMs,
      clockMarginMs: deps.config.upstreamClockMarginMs,
      waiting: deps.outbox.pendingFor(user.id),
    })
    if (client_id === undefined) return c.json({ ...(await withMarker(user.id, page(records, limit))), vanished })
    return c.json(page(records.filter((record) => record.client_id === client_id), limit))
  })

  // Before `/records/:id`, which would take `export` for an id.
  app.get('/records/export', async (c) => exportResponse(c, deps.store, (await c.var.upstream.user()).id, deps.log))

  app.get('/records/:id', async (c) => {
    const record = await deps.store.readRecord((await c.var.upstream.user()).id, c.req.param('id'))
    // Someone else's record answers as a missing one does, so an id reveals nothing.
    if (!record) throw new ApiFailure(404, 'not_found', 'There is no such record.')
    return c.json(record)
  })

  /** The signed-in person's record with its receipt; 404 for anyone else's, as for a missing one. */
  async function ownReceipt(userId: string, id: string) {
    const receipt = await deps.store.readReceipt(userId, id)
    if (!receipt) throw new ApiFailure(404, 'not_found', 'There is no such record.')
    return receipt
  }

  // The compact JWS as RFC 7515 §9.2 registers it (application/jose): what a verifier checks.
  app.get('/records/:id/receipt.jws', async (c) => {
    const { jws } = await ownReceipt((await c.var.upstream.user()).id, c.req.param('id'))
    if (jws === null) throw new ApiFailure(404, 'receipt_unsigned', 'This record was written before receipts were signed: it has no signature.')
    return c.body(jws, 200, { 'Content-Type': 'application/jose' })
  })

  // The receipt's JSON download (the receipt page's link): Kantara's names, the record and its JWS.
  // Unsigned records download too, with `jws: null`: the person's record is theirs either way.
  app.get('/records/:id/receipt.json', async (c) => {
    const { record, jws, previousJws } = await ownReceipt((await c.var.upstream.user()).id, c.req.param('id'))
    const body = `${JSON.stringify(toKantaraReceipt(record, { jws, previous_jws: previousJws }), null, 2)}\n`
    return c.body(body, 200, {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Disposition': `attachment; filename="${receiptFileName(record.id)}"`,
    })
  })

  return app
}
