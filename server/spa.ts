// Serves the built SPA: hashed assets with a long cache, and index.html for every page route,
// with <html lang> chosen per request so the first paint is in the reader's language.
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { serveStatic } from '@hono/node-server/serve-static'
import { Hono } from 'hono'
import { compress } from 'hono/compress'
import { getCookie } from 'hono/cookie'
import { z } from 'zod'

const SPA_ROUTES = new Set(['/', '/oauth2/authorize', '/grants', '/developer/preview', '/signin'])

export type Language = 'en' | 'zh-CN'

/** Cookie first (the reader's own choice), then Accept-Language, then Chinese. */
export function pickLanguage(cookie: string | undefined, acceptLanguage: string | undefined): Language {
  if (cookie === 'en' || cookie === 'zh-CN') return cookie
  const ranked = (acceptLanguage ?? '')
    .split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().split(';')
      const q = params.map((p) => /^\s*q=([\d.]+)/.exec(p)?.[1]).find(Boolean)
      return { tag: tag.toLowerCase(), q: q === undefined ? 1 : Number(q), index }
    })
    .filter((entry) => entry.tag && entry.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index)
  for (const { tag } of ranked) {
    if (tag === 'zh' || tag.startsWith('zh-')) return 'zh-CN'
    if (tag === 'en' || tag.startsWith('en-')) return 'en'
  }
  return 'zh-CN'
}

/**
 * The SPA learns the WeChat bridge's URL from a meta tag, so no inline script is needed and the
 * bridge is loaded only when it is configured (and only inside a mini-program web-view).
 */
function withBridgeMeta(html: string, wechatBridgeUrl: string): string {
  if (!wechatBridgeUrl) return html
  const escaped = wechatBridgeUrl.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;')
  return html.replace('</head>', `  <meta name="bge-wechat-bridge" content="${escaped}" />\n  </head>`)
}

/** The lazy route module of each page (src/app/router.tsx), to preload with index.html. */
const ROUTE_MODULES: Record<string, string> = {
  '/oauth2/authorize': 'src/features/consent/consent-route.tsx',
  '/grants': 'src/features/grants/grants-route.tsx',
  '/developer/preview': 'src/features/preview/preview-route.tsx',
  '/signin': 'src/features/session/signin-route.tsx',
}

/** Catalogue sections a page fetches besides `core` (src/lib/i18n.ts, LAZY_SECTIONS in vite.config.ts). */
const PAGE_SECTIONS: Record<string, string[]> = { '/developer/preview': ['preview'], '/grants': ['grants'] }

const manifestSchema = z.record(
  z.string(),
  z.object({ file: z.string(), name: z.string().optional(), src: z.string().optional(), imports: z.array(z.string()).optional() }),
)

/**
 * What a page needs besides the entry, read from Vite's build manifest: the page's own chunk (with
 * the chunks it imports) and the reader's catalogue. Announced as `modulepreload` links, they load
 * alongside the entry instead of after it. An absent or unreadable manifest preloads nothing.
 */
export function preloadPlan(distDir: string): (path: string, lang: Language) => string[] {
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
  // Catalogue chunks come from `?messages` imports (vite.config.ts): `locale-messages:<section>:<file>.js`.
  const catalogue = (section: string, lang: Language) =>
    Object.values(manifest).find(
      (chunk) => chunk.src?.startsWith(`locale-messages:${section}:`) && chunk.src.endsWith(`/${lang}.json.js`),
    )?.file
  return (path, lang) => {
    const module = ROUTE_MODULES[path]
    const pageFiles = module ? withImports(module).filter((file) => !entryFiles.has(file)) : []
    const sections = ['core', ...(PAGE_SECTIONS[path] ?? [])]
    const catalogueFiles = sections.flatMap((section) => catalogue(section, lang) ?? []).map((file) => `/${file}`)
    return [...catalogueFiles, ...pageFiles]
  }
}

export function spaRoutes(distDir: string, wechatBridgeUrl = ''): Hono {
  const app = new Hono()
  const indexPath = join(distDir, 'index.html')
  const indexHtml = existsSync(indexPath) ? withBridgeMeta(readFileSync(indexPath, 'utf8'), wechatBridgeUrl) : undefined
  const preloads = preloadPlan(distDir)

  // Only static files and index.html are compressed: /api answers carry tickets next to reflected
  // input, which compression would expose to a BREACH-style length oracle.
  app.use('*', compress())
  app.use('/assets/*', async (c, next) => {
    await next()
    // Hashed names never change content. Set here, not in serveStatic's onFound, which runs after
    // its response is built, so a header set there never reaches the browser.
    if (c.res.ok) c.header('Cache-Control', 'public, max-age=31536000, immutable')
  })
  app.use('/assets/*', serveStatic({ root: distDir }))
  app.use('*', serveStatic({ root: distDir, rewriteRequestPath: (path) => (path === '/' || path === '/index.html' || path.startsWith('/.') ? '/__none__' : path) }))

  app.get('*', (c) => {
    if (!indexHtml) return c.text('The SPA is not built. Run `npm run build` (npm start does it for you).', 503)
    const lang = pickLanguage(getCookie(c, 'bge_lang'), c.req.header('Accept-Language'))
    const links = preloads(c.req.path, lang).map((file) => `<link rel="modulepreload" crossorigin href="${file}">`)
    const html = indexHtml
      .replace(/<html lang="[^"]*"/, `<html lang="${lang}"`)
      .replace('</head>', `${links.join('')}</head>`)
    c.header('Cache-Control', 'no-store')
    c.header('Vary', 'Accept-Language, Cookie')
    // Unknown paths still get the SPA (it shows the not-found page) but with an honest status.
    return c.html(html, SPA_ROUTES.has(c.req.path) ? 200 : 404)
  })
  return app
}
