// Serves the built SPA: hashed assets with a long cache, and index.html for every page route,
// with <html lang> chosen per request so the first paint is in the reader's language.
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { serveStatic } from '@hono/node-server/serve-static'
import { Hono } from 'hono'
import { compress } from 'hono/compress'
import { getCookie } from 'hono/cookie'
import { html } from 'hono/html'
import { z } from 'zod'
import { APP_LINK_ATTRIBUTE, APP_PRELOADS_ID } from '../../src/contract/first-paint'
import { DEFAULT_LANGUAGE, isLanguage, LANGUAGE_COOKIE, languageOfTag, type Language } from '../../src/contract/languages'
import { PAGE_META } from '../../src/contract/page-meta'
import { pageOfPath } from '../../src/contract/routes'
import type { Config } from '../config'
import { peerEnv } from '../http/limits'
import { asyncEntry, pageDataPaths, PAGE_DATA_GRACE_MS, PREPAINT_MODULE, startPageData, streamPage, type ApiFetch, type Prepaint } from './page-data'
import { requestOrigin } from '../http/proxy'

/** Cookie first (the reader's own choice), then Accept-Language, then the default. */
export function pickLanguage(cookie: string | undefined, acceptLanguage: string | undefined): Language {
  if (isLanguage(cookie)) return cookie
  const ranked = (acceptLanguage ?? '')
    .split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().split(';')
      const q = params.map((p) => /^\s*q=([\d.]+)/.exec(p)?.[1]).find(Boolean)
      return { tag, q: q === undefined ? 1 : Number(q), index }
    })
    .filter((entry) => entry.tag && entry.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index)
  for (const { tag } of ranked) {
    const language = languageOfTag(tag)
    if (language) return language
  }
  return DEFAULT_LANGUAGE
}

/**
 * What the SPA learns from the page itself rather than from a request: the sign-in URL template
 * (with its literal `{next}`) and, when configured, the WeChat bridge's URL, so no inline script
 * is needed and the bridge is loaded only inside a mini-program web-view.
 */
async function withPageMeta(page: string, meta: { loginUrl: string; wechatBridgeUrl: string }): Promise<string> {
  const bridge = meta.wechatBridgeUrl ? html`\n    <meta name="${PAGE_META.wechatBridge}" content="${meta.wechatBridgeUrl}" />` : ''
  const tags = await html`<meta name="${PAGE_META.loginUrl}" content="${meta.loginUrl}" />${bridge}`
  return page.replace('</head>', `  ${tags}\n  </head>`)
}

const manifestSchema = z.record(
  z.string(),
  z.object({ file: z.string(), name: z.string().optional(), src: z.string().optional(), imports: z.array(z.string()).optional() }),
)

/** The app's module, a build entry of its own (vite.config.ts), by its key in Vite's manifest. */
export const APP_MODULE = 'src/app/start.tsx'

export interface Preload {
  href: string
  /** The app's module itself. */
  app: boolean
}

/**
 * What a page needs besides the entry, read from Vite's build manifest, first to last: the app the
 * entry imports (APP_MODULE, whose link the entry finds by APP_LINK_ATTRIBUTE) with the chunks it
 * imports, the reader's catalogue, and the page's own chunk with the chunks it imports. Announced
 * as `modulepreload` links, they load alongside the entry instead of after it. An absent or
 * unreadable manifest preloads nothing; the page then cannot start (src/main.tsx says so).
 */
export function preloadPlan(distDir: string): (path: string, lang: Language) => Preload[] {
  const manifestPath = join(distDir, '.vite', 'manifest.json')
  const parsed = existsSync(manifestPath) ? manifestSchema.safeParse(JSON.parse(readFileSync(manifestPath, 'utf8'))) : undefined
  if (!parsed?.success) return () => []
  const manifest = parsed.data
  const withImports = (key: string, seen = new Set<string>()): string[] => {
    const chunk = manifest[key]
    if (!chunk || seen.has(key)) return []
    seen.add(key)
    return [`/${chunk.file}`, ...(chunk.imports ?? []).flatMap((child) => withImports(child, seen))]
  }
  const entryFiles = new Set(withImports('index.html'))
  const appFiles = withImports(APP_MODULE).filter((file) => !entryFiles.has(file))
  const loaded = new Set([...entryFiles, ...appFiles])
  // Catalogue chunks come from `?messages` imports (vite.config.ts): `locale-messages:<section>:<file>.js`.
  const catalogue = (section: string, lang: Language) =>
    Object.values(manifest).find(
      (chunk) => chunk.src?.startsWith(`locale-messages:${section}:`) && chunk.src.endsWith(`/${lang}.json.js`),
    )?.file
  return (path, lang) => {
    const page = pageOfPath(path)
    const pageFiles = page?.module ? withImports(page.module).filter((file) => !loaded.has(file)) : []
    const sections = ['core', ...(page?.sections ?? [])]
    const catalogueFiles = sections.flatMap((section) => catalogue(section, lang) ?? []).map((file) => `/${file}`)
    return [...appFiles, ...catalogueFiles, ...pageFiles].map((href) => ({ href, app: href === appFiles[0] }))
  }
}

const prepaintModuleSchema = z.object({ prepaint: z.custom<Prepaint>((value) => typeof value === 'function') })

/**
 * The first-paint renderer of the build (`npm run build` puts it in `dist/.ssr`, which is never
 * served: paths starting with a dot are not), imported once. Without one, pages stream their
 * answers alone and the SPA paints them; with a broken one, each page logs why and does the same.
 * `mayRender` says, without waiting for the import, whether a page may still come painted: no
 * page's first bytes wait for it.
 */
function prepaintLoader(distDir: string): { load: () => Promise<Prepaint | undefined>; mayRender: () => boolean } {
  const path = join(distDir, PREPAINT_MODULE)
  const present = existsSync(path)
  let failed = false
  let loaded: Promise<Prepaint | undefined> | undefined
  const load = () =>
    (loaded ??= present
      ? import(pathToFileURL(path).href)
          .then((module: unknown) => prepaintModuleSchema.parse(module).prepaint)
          .catch((error: unknown) => {
            failed = true
            throw error
          })
      : Promise.resolve(undefined))
  return { load, mayRender: () => present && !failed }
}

/** Where the streamed page's answers go: after the root element, which the SPA replaces anyway. */
const ROOT_ELEMENT = '<div id="root"></div>'

/**
 * `api` answers the reads consent and grants stream with their HTML (server/pages/page-data.ts); without
 * it, or with `EMBED_PAGE_DATA=false`, every page is index.html alone and the SPA fetches.
 */
export function spaRoutes(
  distDir: string,
  config: Pick<Config, 'loginUrl' | 'wechatBridgeUrl' | 'authCookie' | 'embedPageData' | 'requestDeadlineMs'>,
  api?: ApiFetch,
  log?: (line: string) => void,
): Hono {
  const app = new Hono()
  const indexPath = join(distDir, 'index.html')
  const indexHtml = existsSync(indexPath) ? withPageMeta(readFileSync(indexPath, 'utf8'), config) : undefined
  const preloads = preloadPlan(distDir)
  const prepaintModule = prepaintLoader(distDir)
  // Loaded now rather than by the first page that needs it, which would otherwise wait for it.
  void prepaintModule.load().catch((error: unknown) => log?.(`prepaint module not loaded: ${error instanceof Error ? error.message : String(error)}`))

  // Only static files and index.html are compressed: /api answers, and the pages that carry them
  // (server/pages/page-data.ts), hold tickets next to reflected input, which compression would expose to
  // a BREACH-style length oracle.
  app.use('*', compress())
  app.use('/assets/*', async (c, next) => {
    await next()
    // Hashed names never change content. Set here, not in serveStatic's onFound, which runs after
    // its response is built, so a header set there never reaches the browser.
    if (c.res.ok) c.header('Cache-Control', 'public, max-age=31536000, immutable')
  })
  app.use('/assets/*', serveStatic({ root: distDir }))
  app.use('*', serveStatic({ root: distDir, rewriteRequestPath: (path) => (path === '/' || path === '/index.html' || path.startsWith('/.') ? '/__none__' : path) }))

  app.get('*', async (c) => {
    if (!indexHtml) return c.text('The SPA is not built. Run `npm run build` (npm start does it for you).', 503)
    const lang = pickLanguage(getCookie(c, LANGUAGE_COOKIE), c.req.header('Accept-Language'))
    c.header('Vary', 'Accept-Language, Cookie')
    // Only someone signed in has anything to read (without the cookie every read would be a 401),
    // and only a GET has a body to carry it.
    const embed = api && config.embedPageData && c.req.method === 'GET' && getCookie(c, config.authCookie)
    const paths = embed ? pageDataPaths(new URL(c.req.url)) : []
    // A page that may come painted holds the app's preloads back until that paint is on screen
    // (src/contract/first-paint.ts); any other page has them load with the entry.
    const mayBePainted = paths.length > 0 && prepaintModule.mayRender()
    const links = preloads(c.req.path, lang)
      .map(({ href, app }) => `<link rel="modulepreload" crossorigin href="${href}"${app ? ` ${APP_LINK_ATTRIBUTE}` : ''}>`)
      .join('')
    const page = (await indexHtml)
      .replace(/<html lang="[^"]*"/, `<html lang="${lang}"`)
      .replace('</head>', `${mayBePainted ? `<template id="${APP_PRELOADS_ID}">${links}</template>` : links}</head>`)
    if (api && paths.length > 0) {
      const answers = startPageData(api, c.req.raw, requestOrigin(c), paths, peerEnv(c))
      c.header('Cache-Control', 'no-store, no-transform')
      c.header('Content-Type', 'text/html; charset=utf-8')
      const root = page.indexOf(ROOT_ELEMENT)
      const at = root === -1 ? page.length : root + ROOT_ELEMENT.length
      const url = c.req.url
      return streamPage(c, {
        head: asyncEntry(page.slice(0, at)),
        tail: page.slice(at),
        answers,
        waitMs: config.requestDeadlineMs + PAGE_DATA_GRACE_MS,
        prepaint: async (data) => {
          try {
            const render = await prepaintModule.load()
            return await render?.({ url, lang, answers: new Map(data.map((answer) => [answer.path, answer])) })
          } catch (error) {
            // The SPA paints the page anyway; a first paint that fails is a bug to see, not an outage.
            log?.(`prepaint failed for ${c.req.path}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`)
            return undefined
          }
        },
      })
    }
    c.header('Cache-Control', 'no-store')
    // Unknown paths still get the SPA (it shows the not-found page) but with an honest status.
    return c.html(page, pageOfPath(c.req.path) ? 200 : 404)
  })
  return app
}
