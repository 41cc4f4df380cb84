import { Hono } from 'hono'
import { z } from 'zod'
import { reconcile } from '../consent/records'
import type { BffDeps } from '../deps'
import { ApiFailure } from '../http/api-failure'
import { parseQuery } from '../http/validate'
import type { RecordCursor } from '../store/portal-store'
import type { ConsentRecord } from '../../src/contract/records'

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

  app.get('/records/:id', async (c) => {
    const record = await deps.store.readRecord((await c.var.upstream.user()).id, c.req.param('id'))
    // Someone else's record answers as a missing one does, so an id reveals nothing.
    if (!record) throw new ApiFailure(404, 'not_found', 'There is no such record.')
    return c.json(record)
  })

  return app
}
