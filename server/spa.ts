// Serves the built SPA: hashed assets with a long cache, and index.html for every page route,
// with <html lang> chosen per request so the first paint is in the reader's language.
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { serveStatic } from '@hono/node-server/serve-static'
import { Hono } from 'hono'
import { compress } from 'hono/compress'
import { getCookie } from 'hono/cookie'

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

export function spaRoutes(distDir: string, wechatBridgeUrl = ''): Hono {
  const app = new Hono()
  const indexPath = join(distDir, 'index.html')
  const indexHtml = existsSync(indexPath) ? withBridgeMeta(readFileSync(indexPath, 'utf8'), wechatBridgeUrl) : undefined

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
  app.use('*', serveStatic({ root: distDir, rewriteRequestPath: (path) => (path === '/' || path === '/index.html' ? '/__none__' : path) }))

  app.get('*', (c) => {
    if (!indexHtml) return c.text('The SPA is not built. Run `npm run build` (npm start does it for you).', 503)
    const lang = pickLanguage(getCookie(c, 'bge_lang'), c.req.header('Accept-Language'))
    const html = indexHtml.replace(/<html lang="[^"]*"/, `<html lang="${lang}"`)
    c.header('Cache-Control', 'no-store')
    c.header('Vary', 'Accept-Language, Cookie')
    // Unknown paths still get the SPA (it shows the not-found page) but with an honest status.
    return c.html(html, SPA_ROUTES.has(c.req.path) ? 200 : 404)
  })
  return app
}
