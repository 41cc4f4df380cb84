// The page's data with its HTML (SPEC.md "Quality bars"): for consent and grants the BFF asks its
// own /api, in-process, for what the page's first load reads, the moment the page is requested,
// and streams each answer into the page as it comes, so no API round follows the JavaScript. The
// SPA's fetch client takes them from there (src/lib/page-data.ts).
//
// In-process through the whole app rather than with each route's work factored out: the answers
// are then /api's by construction (its deadline, guards, upstream retries, error envelope and log
// line included) with no second way to produce any of them, for the price of a Request and a
// JSON round trip per answer.
import type { Context } from 'hono'
import { stream } from 'hono/streaming'
import type { Language } from '../../src/contract/languages'
import { PREPAINT_ID } from '../../src/contract/first-paint'
import { applicationPath, grantsPath, PAGE_DATA_ID_PREFIX, PAGE_DATA_VERSION, type PageData } from '../../src/contract/page-data'
import { hasForbiddenScheme } from '../../src/contract/redirect'
import { PAGE_ROUTES, pageOfPath } from '../../src/contract/routes'
import type { PeerEnv } from '../http/limits'

/**
 * The BFF itself, as the page's own requests would reach it; `env` carries the page's client
 * address (server/http/limits.ts `PeerEnv`), so the per-IP limit counts the page's reads.
 */
export type ApiFetch = (request: Request, env?: PeerEnv) => Response | Promise<Response>

/**
 * How much longer than the request deadline the page waits for its answers before it ends without
 * those still missing. Each read has the deadline of any /api request (REQUEST_DEADLINE_MS) and
 * answers by then, a 504 at worst, so this only guards against a read that never settles. The page
 * is not blank meanwhile: its entry script runs while the page streams (`asyncEntry`), showing the
 * loading state and its "still waiting" line, and the SPA takes the answers when the page ends.
 */
export const PAGE_DATA_GRACE_MS = 1_000

/**
 * The entry module runs as soon as it has loaded instead of after the whole document: a streamed
 * page's document ends only when its slowest read has answered. The root element comes before any
 * answer, in the first chunk, and src/app/start.tsx waits for it should it ever run earlier.
 */
export function asyncEntry(head: string): string {
  return head.replace('<script type="module"', '<script type="module" async')
}

/**
 * The request headers /api reads that the page's own request carries too. Not Host or
 * `X-Forwarded-*`: the reads are addressed to the page's origin as the page's request resolved it
 * (server/http/proxy.ts), and an in-process request has no socket whose proxy could be trusted.
 */
const FORWARDED_HEADERS = ['Cookie', 'Accept-Language']

/**
 * The GET /api paths the SPA's first load of `url` reads: its route loader's and the header's
 * session, spelled as the SPA spells them (the answers are found by path). None for other pages,
 * and none for a consent request the page refuses before asking anything (a parameter missing or
 * given twice, a forbidden redirect scheme).
 */
export function pageDataPaths(url: URL): string[] {
  const page = pageOfPath(url.pathname)
  if (page === PAGE_ROUTES.grants) return [SESSION_PATH, grantsPath(), '/api/biosamples', '/api/records']
  if (page !== PAGE_ROUTES.consent) return []
  const params = url.searchParams
  const names = [...params.keys()]
  const clientId = params.get('client_id')
  const redirectUri = params.get('redirect_uri')
  if (new Set(names).size !== names.length || !clientId || !redirectUri || hasForbiddenScheme(redirectUri)) return []
  const application = applicationPath({
    clientId,
    redirectUri,
    scope: params.get('scope') ?? undefined,
    responseType: params.get('response_type') ?? undefined,
  })
  return [SESSION_PATH, application, '/api/biosamples', grantsPath(clientId)]
}

/** The session read, which every page that reads anything starts with. */
export const SESSION_PATH = '/api/session'

/**
 * Starts the reads of `paths` as the page's request (its cookie) from the page itself, at `origin`
 * (requestOrigin), with `env` giving them the page's client address: the
 * session first, then, once it answered 200, every other one at once (SPEC.md "Security": an
 * invalid cookie costs at most one platform call per page). When the session is not good, the
 * other reads are left out; the SPA, sent to sign-in or shown the failure, needs none of them.
 */
export function startPageData(api: ApiFetch, page: Request, origin: string, paths: readonly string[], env?: PeerEnv): Promise<PageData | undefined>[] {
  const headers = new Headers({ Accept: 'application/json', 'X-Requested-With': 'fetch', 'Sec-Fetch-Site': 'same-origin' })
  for (const name of FORWARDED_HEADERS) {
    const value = page.headers.get(name)
    if (value !== null) headers.set(name, value)
  }
  const read = async (path: string): Promise<PageData | undefined> => {
    const response = await api(new Request(new URL(path, origin), { headers }), env)
    try {
      return { v: PAGE_DATA_VERSION, path, status: response.status, body: await response.json() }
    } catch {
      // Not JSON (never from /api): left out, the page asks for it itself.
      return undefined
    }
  }
  const session = paths.includes(SESSION_PATH) ? read(SESSION_PATH) : undefined
  const signedIn = session?.then((data) => data?.status === 200, () => false) ?? Promise.resolve(true)
  return paths.map((path) => (path === SESSION_PATH && session ? session : signedIn.then((good) => (good ? read(path) : undefined))))
}

/**
 * JSON that stays inside its element whatever the upstream wrote: `</script>` or `<!--` cannot
 * end it or open markup, and U+2028/2029 stay escaped for any reader that treats it as script.
 * Each of these characters only occurs inside JSON strings, where `\uXXXX` means the same.
 */
export function escapeJsonForHtml(json: string): string {
  return json.replace(/[<>&\u2028\u2029]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`)
}

/** One answer as the page carries it: data, never script (`script-src 'self'` stays as it is). */
export function pageDataElement(index: number, data: PageData): string {
  return `<script type="application/json" id="${PAGE_DATA_ID_PREFIX}${index}">${escapeJsonForHtml(JSON.stringify(data))}</script>`
}

/** Where `npm run build` puts src/prepaint.tsx, built for Node, inside the SPA's own build. */
export const PREPAINT_MODULE = '.ssr/prepaint.js'

/**
 * The page's first paint from its answers (src/prepaint.tsx, built to PREPAINT_MODULE):
 * the page's body as HTML, or undefined when the SPA should show it (a redirect, an error).
 */
export type Prepaint = (input: { url: string; lang: Language; answers: ReadonlyMap<string, PageData> }) => Promise<string | undefined>

/**
 * The largest first paint sent. It is not compressed (BREACH, above `streamPage`), so a page
 * much longer than its first screen costs a phone more to download than painting it early saves:
 * the consent page of someone with 1,000 samples renders to 700 KB. Such pages are painted by the
 * SPA, as without a renderer. The demo consent page is 14 KB; each sample adds about 0.7 KB.
 */
export const PREPAINT_MAX_CHARS = 64 * 1024

/**
 * The element the first paint comes in, after the root element: painted until the SPA renders
 * into the root (styles.css hides it from then on) and removed by the SPA (src/app/start.tsx). `inert`
 * and `aria-hidden`: it looks like the page but is only a picture of it, so nothing chosen there
 * can be lost, and no screen reader or tool finds a second copy of the page's controls in it.
 */
export function prepaintElement(body: string): string | undefined {
  if (body.length > PREPAINT_MAX_CHARS) return undefined
  return `<div id="${PREPAINT_ID}" inert aria-hidden="true">${body}</div>`
}

/**
 * The page, streamed: `head` (the document up to the root element, preloads included) at once,
 * then each answer as it is ready, in the order they come, then, when every answer came and
 * `prepaint` has something, the page painted from them, then `tail`. Answers not ready within
 * `waitMs` are left out. The caller has set the headers.
 *
 * Not compressed (`no-transform` keeps hono/compress and any proxy off it): the answers carry the
 * consent ticket next to text reflected from the query, the BREACH length oracle that keeps /api
 * uncompressed too. Masking the ticket per response would allow compression, but the page is
 * small beside its 135 KB of JavaScript (consent: 18 KB, 14 of them its first paint, which
 * PREPAINT_MAX_CHARS bounds): not worth a second ticket format.
 */
export function streamPage(
  c: Context,
  parts: { head: string; tail: string; answers: Promise<PageData | undefined>[]; waitMs: number; prepaint?: (answers: PageData[]) => Promise<string | undefined> },
) {
  return stream(c, async (out) => {
    await out.write(parts.head)
    let ended = false
    let index = 0
    const written = Promise.all(
      parts.answers.map(async (answer) => {
        const data = await answer.catch(() => undefined)
        if (data && !ended && !out.aborted) await out.write(pageDataElement(index++, data))
        return data
      }),
    )
    let timer: NodeJS.Timeout | undefined
    const all = await Promise.race([written, new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), parts.waitMs)))])
    clearTimeout(timer)
    ended = true
    const answers = all?.filter((data) => data !== undefined) ?? []
    const complete = answers.length === parts.answers.length
    const body = complete && parts.prepaint && !out.aborted ? await parts.prepaint(answers) : undefined
    const painted = body && prepaintElement(body)
    if (painted && !out.aborted) await out.write(painted)
    if (!out.aborted) await out.write(parts.tail)
  })
}
