// Reads the answers the BFF streamed with the page (src/contract/page-data.ts), so the first
// load's reads need no request. Used by the fetch client only (src/lib/http.ts): an embedded answer
// then goes through the same schema, and becomes the same ApiError, as one fetched from /api, and
// lands in the query cache under the query factories' own keys.
import { safeParse } from 'zod/v4/core'
import { PAGE_DATA_ID_PREFIX, PAGE_DATA_MAX_AGE_MS, PAGE_DATA_VERSION, pageDataSchema, type PageData } from '@/contract/page-data'

let embedded: Map<string, PageData> | undefined

/** Every embedded answer by path, read once; the elements go, so nothing reads them twice. */
function readEmbedded(): Map<string, PageData> {
  const answers = new Map<string, PageData>()
  for (const element of document.querySelectorAll(`script[id^="${PAGE_DATA_ID_PREFIX}"]`)) {
    element.remove()
    try {
      const parsed = safeParse(pageDataSchema, JSON.parse(element.textContent))
      if (parsed.success && parsed.data.v === PAGE_DATA_VERSION) answers.set(parsed.data.path, parsed.data)
    } catch {
      // Unparseable: the page fetches it as if it were not there.
    }
  }
  return answers
}

/**
 * The BFF's answer to GET `path` embedded in this page, as the Response /api would have given;
 * once, and only while the page is young. Undefined: fetch it.
 */
export async function takeEmbeddedAnswer(path: string): Promise<Response | undefined> {
  const answer = await source(path)
  return answer && new Response(JSON.stringify(answer.body), { status: answer.status })
}

/** Where the answers come from: the page's elements, or the BFF's own while it renders the first paint (src/prepaint.tsx). */
let source = async (path: string): Promise<PageData | undefined> => {
  // Module scripts run once the document is parsed, so the streamed elements are all there; a
  // caller that ran earlier waits for the end of the document rather than miss them.
  if (document.readyState === 'loading') await new Promise((resolve) => document.addEventListener('DOMContentLoaded', resolve, { once: true }))
  embedded ??= readEmbedded()
  const answer = embedded.get(path)
  embedded.delete(path)
  return answer && performance.now() <= PAGE_DATA_MAX_AGE_MS ? answer : undefined
}

export function setEmbeddedAnswerSource(read: (path: string) => PageData | undefined): void {
  source = async (path) => read(path)
}
