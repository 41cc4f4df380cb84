// The page an app's redirect lands on in the sandbox: what the app at the redirect address
// received. Plain HTML with no inline script or style, which the portal's Content-Security-Policy
// forbids; its stylesheet is `/sandbox/callback.css`. Every value from the query is interpolated
// through hono/html, which escapes it.
import { Hono } from 'hono'
import { html } from 'hono/html'

// A stylesheet of its own: the portal's CSP allows styles from self only, never inline.
const CALLBACK_CSS = `:root { color-scheme: light dark; font-family: system-ui, -apple-system, "PingFang SC", "Noto Sans CJK SC", sans-serif; line-height: 1.5; }
body { margin: 0; background: #f8fafc; color: #0f172a; }
main { max-width: 40rem; margin: 0 auto; padding: 1.5rem 1rem 3rem; }
h1 { font-size: 1.5rem; margin: 0 0 .5rem; }
h2 { font-size: 1rem; margin: 1.5rem 0 .25rem; color: #334155; }
code { font-family: ui-monospace, "SFMono-Regular", Menlo, monospace; background: #e2e8f0; padding: .1rem .3rem; border-radius: .25rem; overflow-wrap: anywhere; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; margin: 0; }
dd { margin: 0; }
a { color: #047857; display: inline-block; min-height: 44px; line-height: 44px; }
@media (prefers-color-scheme: dark) {
  body { background: #0f172a; color: #f1f5f9; }
  h2 { color: #cbd5e1; }
  code { background: #1e293b; }
  a { color: #6ee7b7; }
}
`

function callbackPage(query: URLSearchParams, rawQuery: string) {
  const code = query.get('code')
  const error = query.get('error')
  const state = query.get('state')
  const outcome =
    code !== null
      ? html`<p>The app received an authorization code: <code>${code}</code></p>`
      : error !== null
        ? html`<p>The app received an error: <code>${error}</code></p>`
        : html`<p>The app received neither a code nor an error.</p>`
  const stateText =
    state === null ? html`<p>No state was returned.</p>` : state === '' ? html`<p>The state is empty.</p>` : html`<p><code>${state}</code></p>`
  const entries = [...query.entries()]
  const parameters = entries.length
    ? html`<dl>
${entries.map(([key, value]) => html`<dt>${key}</dt><dd><code>${value}</code></dd>\n`)}</dl>`
    : html`<p>The query is empty.</p>`
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sandbox callback — what the app received</title>
<link rel="stylesheet" href="/sandbox/callback.css">
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
</head>
<body>
<main>
<h1>What the app received</h1>
<p>This page stands in for the app at its redirect address in the BGE sandbox.</p>
<h2>Result</h2>
${outcome}
<h2>State</h2>
${stateText}
<h2>Query parameters</h2>
${parameters}
<h2>Full query</h2>
<p><code>${rawQuery || '(none)'}</code></p>
<p><a href="/grants">Back to your authorized apps</a></p>
</main>
</body>
</html>
`
}

/** `/callback` and its stylesheet, mounted by the sandbox. */
export function callbackRoutes(): Hono {
  const app = new Hono()

  app.get('/callback', (c) => {
    // The query carries a live code: keep it out of caches.
    c.header('Cache-Control', 'no-store')
    const url = new URL(c.req.url)
    return c.html(callbackPage(url.searchParams, url.search))
  })

  app.get('/callback.css', (c) => {
    c.header('Cache-Control', 'public, max-age=3600')
    return c.body(CALLBACK_CSS, 200, { 'Content-Type': 'text/css; charset=utf-8' })
  })

  return app
}
