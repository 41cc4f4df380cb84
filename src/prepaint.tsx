// The first paint, rendered by the BFF (SPEC.md "Quality bars": the page's data arrives with its
// HTML). Built for Node (`vite build --ssr`, see package.json) and called by server/pages/spa.ts once a
// streamed page's answers are in: the same routes, loaders and components as the SPA, run on those
// answers, rendered to HTML that the browser paints before the JavaScript has arrived. It is not
// hydrated: src/app/start.tsx renders the live page over it and removes it (PREPAINT_ID).
import { AsyncLocalStorage } from 'node:async_hooks'
import { QueryClientProvider } from '@tanstack/react-query'
import { renderToString } from 'react-dom/server'
import { createStaticHandler, createStaticRouter, StaticRouterProvider } from 'react-router'
import { createQueryClient } from '@/app/query-client'
import { appRoutes } from '@/app/router'
import type { Language } from '@/contract/languages'
import type { PageData } from '@/contract/page-data'
import { activateWith, loadMessages } from '@/lib/i18n'
import { setEmbeddedAnswerSource } from '@/lib/page-data'

export interface PrepaintInput {
  /** The page's URL as the browser asked for it. */
  url: string
  lang: Language
  /** The page's answers by path, as they are embedded in it. */
  answers: ReadonlyMap<string, PageData>
}

/** Each render reads its own page's answers, however many run at once. */
const pageAnswers = new AsyncLocalStorage<ReadonlyMap<string, PageData>>()
setEmbeddedAnswerSource((path) => pageAnswers.getStore()?.get(path))

/**
 * The page's body as the SPA would render it from `answers`; undefined when there is nothing to
 * paint ahead of the SPA: a redirect (sign-in, back to the app), a failed read, an error page. The
 * SPA then shows those itself, as it does without this.
 */
export async function prepaint({ url, lang, answers }: PrepaintInput): Promise<string | undefined> {
  const queryClient = createQueryClient()
  const handler = createStaticHandler(appRoutes(queryClient))
  const context = await pageAnswers.run(answers, () => handler.query(new Request(url)))
  if (context instanceof Response || context.errors || context.statusCode !== 200) return undefined
  const messages = await loadMessages(lang)
  // From here to the end of the render nothing awaits, so no other page's language gets in.
  activateWith(lang, messages)
  const router = createStaticRouter(handler.dataRoutes, context)
  return renderToString(
    <QueryClientProvider client={queryClient}>
      <StaticRouterProvider router={router} context={context} hydrate={false} />
    </QueryClientProvider>,
  )
}
