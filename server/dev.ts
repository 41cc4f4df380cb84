// `npm run dev`: the portal as `npm start` runs it (server/portal.ts: the same app, BFF, sandbox and
// server render), with its pages from source. Vite runs inside it in middleware mode: it serves the
// SPA's modules with hot reload to the browser, and each page is rendered by the current
// src/entry-server.tsx (ssrLoadModule) into Vite's own index.html. What this shows is what
// production serves, rendered and hydrated the same way.
import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { createServer as createHttpServer } from 'node:http'
import { getRequestListener } from '@hono/node-server'
import { createServer as createViteServer } from 'vite'
import type { RenderInput, RenderResult } from '../src/entry-server'
import { startPortal } from './portal'

/**
 * Vite's development tags are inline (React Refresh's preamble) or injected at run time (each CSS
 * module's `<style>`), which the portal's CSP refuses. Vite marks each of them with this nonce
 * (`html.cspNonce`), and pages served here admit it; nothing else in the policy changes.
 */
const devNonce = randomBytes(16).toString('base64url')

function withDevNonce(response: Response): Response {
  const policy = response.headers.get('Content-Security-Policy')
  if (!policy) return response
  const admitted = policy.replace(/\b(script-src|style-src)\b([^;]*)/g, `$1$2 'nonce-${devNonce}'`)
  const headers = new Headers(response.headers)
  headers.set('Content-Security-Policy', admitted)
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers })
}

/**
 * The build links the SPA's stylesheet from index.html; in development src/main.tsx's import of it
 * only becomes a `<style>` once the script runs. Linked here too (Vite serves a stylesheet that a
 * `<link>` asks for as plain CSS), the rendered page is styled from its first paint, as in production.
 */
const STYLESHEET = '/src/app/styles.css'

function withStylesheet(page: string): string {
  return page.replace('</head>', `  <link rel="stylesheet" href="${STYLESHEET}" />\n  </head>`)
}

// `node --watch` restarts the process with SIGTERM on every change under server/: with no load
// balancer to tell, there is nothing to drain for (SHUTDOWN_GRACE_MS), unless one is set.
process.env.SHUTDOWN_GRACE_MS ??= '0'

const httpServer = createHttpServer()
const vite = await createViteServer({
  server: { middlewareMode: true, hmr: { server: httpServer } },
  appType: 'custom',
  html: { cspNonce: devNonce },
  // vite.config.ts imported by this process itself (tsx is its loader), not bundled to a file
  // beside it that `node --watch` would see come and go and restart the process for.
  configLoader: 'native',
})

await startPortal({
  // Vite serves public/ itself; the build in dist/, if any, is not what this shows.
  distDir: vite.config.publicDir,
  pages: {
    // Per request: Vite reloads the module graph when a file changes.
    render: async (input: RenderInput) => ((await vite.ssrLoadModule('/src/entry-server.tsx')) as { render: (input: RenderInput) => Promise<RenderResult> }).render(input),
    template: async (url) => withStylesheet(await vite.transformIndexHtml(url, readFileSync('index.html', 'utf8'))),
  },
  createServer: (fetch) => {
    const answer = getRequestListener(async (request, env) => withDevNonce(await fetch(request, env)))
    // Vite first (/src/…, /@vite/client, /node_modules/…, public/); what it does not serve, the app does.
    httpServer.on('request', (request, response) => vite.middlewares(request, response, () => void answer(request, response)))
    return httpServer
  },
})
