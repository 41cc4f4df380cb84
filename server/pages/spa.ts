// Serves the SPA: hashed assets with a long cache, and every page rendered on the server with the
// SPA's own routes (src/entry-server.tsx, built into RENDER_MODULE), in the language decided here
// for both sides, with the state the browser hydrates from (src/app/hydration.ts).
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { serveStatic } from '@hono/node-server/serve-static'
import { Hono, type Context } from 'hono'
import { compress } from 'hono/compress'
import { getCookie } from 'hono/cookie'
import { html } from 'hono/html'
import { z } from 'zod'
import { renderStateElement } from '../../src/contract/render-state'
import { LANGUAGE_COOKIE, pickLanguage, type Language } from '../../src/contract/languages'
import { PAGE_META } from '../../src/contract/page-meta'
import { BOOT_META } from '../../src/page-boot'
import { PAGE_ROUTES, pageOfPath } from '../../src/contract/routes'
import { TIME_ZONE_COOKIE, timeZoneOf } from '../../src/contract/time-zone'
import type { FormActionContext } from '../../src/lib/form-action'
import type { RenderInput, RenderResult } from '../../src/entry-server'
import type { Config } from '../config'
import { peerEnv, type PeerEnv } from '../http/limits'
import { requestOrigin } from '../http/proxy'
import { consentPageCsp } from '../http/page-forms'
import { contentSecurityPolicy, pageFormGuard } from '../http/security'
import { consentFormAction, revokeFormAction } from '../consent/form-actions'
import { inlineStylesheets } from './inline-style'

/** Where `npm run build` puts src/entry-server.tsx, built for Node, inside the SPA's own build (never served: a dot path). */
export const RENDER_MODULE = '.ssr/entry-server.js'

/**
 * Where `npm run build` puts the bundled BFF (scripts/build-server.mjs), inside the build like
 * RENDER_MODULE and, like it, never served: its paths fall through to the pages (a 404).
 */
export const SERVER_BUNDLE_DIR = '/server/'

/** Paths under the build that are not public: the SPA's template itself, dot paths, the server bundle. */
function isPrivatePath(path: string): boolean {
  return path === '/' || path === '/index.html' || path.startsWith('/.') || path.startsWith(SERVER_BUNDLE_DIR)
}

/** The BFF itself, as the page's own requests would reach it, from the page's client address. */
export type ApiFetch = (request: Request, env?: PeerEnv) => Response | Promise<Response>

export type Render = (input: RenderInput) => Promise<RenderResult>

/** The page's HTML around the render, for a page's URL: index.html as the browser gets it. */
export type PageTemplate = (url: string) => Promise<string>

/** Pages from source (`npm run dev`, server/dev.ts): Vite's index.html and src/entry-server.tsx, read per request. */
export interface PageSource {
  render: Render
  template: PageTemplate
}

/**
 * What the browser learns from the page itself rather than from a request: the WeChat bridge's
 * URL, when configured, so it is loaded only inside a mini-program web-view.
 */
async function withPageMeta(page: string, meta: { wechatBridgeUrl: string }): Promise<string> {
  if (!meta.wechatBridgeUrl) return page
  const tag = await html`<meta name="${PAGE_META.wechatBridge}" content="${meta.wechatBridgeUrl}" />`
  return page.replace('</head>', `  ${tag}\n  </head>`)
}

const manifestSchema = z.record(
  z.string(),
  z.object({ file: z.string(), name: z.string().optional(), src: z.string().optional(), imports: z.array(z.string()).optional() }),
)

/** The app's entry in the build (src/main.tsx starts it once the page is painted). */
const APP_ENTRY = 'src/start.tsx'

/** What src/main.tsx loads once the page is painted: the app's module, and what to preload with it. */
export interface PageModules {
  app: string | undefined
  modules: string[]
}

/**
 * What a page loads besides index.html's entry, from Vite's build manifest: the app (src/start.tsx)
 * with the chunks it imports, the reader's catalogue, and the page's own chunk with the chunks it
 * imports. Named in the page (src/page-boot.ts), src/main.tsx imports the app and preloads the rest
 * alongside it once the page is painted, rather than one after another. An absent or unreadable
 * manifest names nothing (`npm run dev`: Vite serves the source).
 */
export function preloadPlan(distDir: string): (path: string, lang: Language) => PageModules {
  const manifestPath = join(distDir, '.vite', 'manifest.json')
  const parsed = existsSync(manifestPath) ? manifestSchema.safeParse(JSON.parse(readFileSync(manifestPath, 'utf8'))) : undefined
  if (!parsed?.success) return () => ({ app: undefined, modules: [] })
  const manifest = parsed.data
  const withImports = (key: string, seen = new Set<string>()): string[] => {
    const chunk = manifest[key]
    if (!chunk || seen.has(key)) return []
    seen.add(key)
    return [`/${chunk.file}`, ...(chunk.imports ?? []).flatMap((child) => withImports(child, seen))]
  }
  const loaded = new Set(withImports('index.html'))
  const appFiles = withImports(APP_ENTRY).filter((file) => !loaded.has(file))
  // Catalogue chunks come from `?messages` imports (vite.config.ts): `locale-messages:<section>:<file>.js`.
  const catalogue = (section: string, lang: Language) =>
    Object.values(manifest).find((chunk) => chunk.src?.startsWith(`locale-messages:${section}:`) && chunk.src.endsWith(`/${lang}.json.js`))?.file
  return (path, lang) => {
    const page = pageOfPath(path)
    const pageFiles = page?.module ? withImports(page.module) : []
    const sections = ['core', ...(page?.sections ?? [])]
    const catalogueFiles = sections.flatMap((section) => catalogue(section, lang) ?? []).map((file) => `/${file}`)
    const modules = new Set([...appFiles.slice(1), ...catalogueFiles, ...pageFiles].filter((file) => !loaded.has(file)))
    return { app: appFiles[0], modules: [...modules] }
  }
}

const renderModuleSchema = z.object({ render: z.custom<Render>((value) => typeof value === 'function') })

/** The server render of the build, imported once; undefined when the build has none. */
function renderLoader(distDir: string): () => Promise<Render | undefined> {
  const path = join(distDir, RENDER_MODULE)
  let loaded: Promise<Render | undefined> | undefined
  return () =>
    (loaded ??= existsSync(path) ? import(pathToFileURL(path).href).then((module: unknown) => renderModuleSchema.parse(module).render) : Promise.resolve(undefined))
}

/** Where the page's markup goes. */
const ROOT_ELEMENT = '<div id="root"></div>'

/** The session read, which every page that reads anything starts with. */
const SESSION_PATH = '/api/session'

/** Reads that never use the session: the sandbox's sign-in page lists its users to anyone. */
const SESSIONLESS_READS = new Set(['/api/sandbox/users'])

/** Headers a page's own `/api` reads carry from the page's request. */
const FORWARDED_HEADERS = ['Cookie', 'Accept-Language']

/** Whether the build can serve pages (`/readyz` asks): index.html and the server render are there. */
export function spaBuilt(distDir: string, render?: Render, template?: PageTemplate): boolean {
  return (template !== undefined || existsSync(join(distDir, 'index.html'))) && (render !== undefined || existsSync(join(distDir, RENDER_MODULE)))
}

/**
 * The pages. `api` answers a page's `/api` reads in-process, as the page's own requests: the
 * same routes, limits and deadline as the browser's reads. `render` is the build's server render
 * unless given (tests give src/entry-server.tsx itself), and `template` the build's index.html.
 */
export function spaRoutes(
  distDir: string,
  config: Pick<Config, 'loginUrl' | 'wechatBridgeUrl' | 'authCookie' | 'upstreamTimeZone'>,
  api: ApiFetch,
  options: { log?: (line: string) => void; render?: Render; template?: PageTemplate } = {},
): Hono {
  const { log } = options
  const app = new Hono()
  const indexPath = join(distDir, 'index.html')
  // The build's stylesheet goes inside every page (server/pages/inline-style.ts), admitted by hash.
  const built = existsSync(indexPath) ? inlineStylesheets(readFileSync(indexPath, 'utf8'), distDir) : undefined
  const indexHtml = built ? withPageMeta(built.html, config) : undefined
  const pagePolicy = contentSecurityPolicy(config.wechatBridgeUrl, built?.hashes)
  const { template: pageTemplate } = options
  const loadTemplate = pageTemplate ? async (url: string) => withPageMeta(await pageTemplate(url), config) : () => indexHtml
  const preloads = preloadPlan(distDir)
  const loadRender = options.render ? () => Promise.resolve(options.render) : renderLoader(distDir)
  // Loaded now rather than by the first page, which would otherwise wait for it.
  void loadRender().catch((error: unknown) => log?.(`server render not loaded: ${error instanceof Error ? error.message : String(error)}`))

  // Static files and pages are compressed (gzip): a consent page with 1,000 samples is 870 KB of
  // HTML, 35 KB gzipped, which is what makes it paint fast at 1.6 Mbit/s (docs/performance.md).
  // A page holds its consent ticket beside text reflected from the query, so the ticket is masked
  // afresh in every response (server/consent/ticket.ts, BREACH) and no byte of it repeats. /api
  // answers (mounted before this) are not compressed: a page's reads come inside the page.
  app.use('/assets/*', compress())
  app.use('/assets/*', async (c, next) => {
    await next()
    // Hashed names never change content. Set here, not in serveStatic's onFound, which runs after
    // its response is built, so a header set there never reaches the browser.
    if (c.res.ok) c.header('Cache-Control', 'public, max-age=31536000, immutable')
  })
  app.use('/assets/*', serveStatic({ root: distDir }))
  app.use('*', compress())
  app.use('*', serveStatic({ root: distDir, rewriteRequestPath: (path) => (isPrivatePath(path) ? '/__none__' : path) }))

  // A page's form (the consent decision, revoke) posts to the page itself: checked here as a form
  // from the portal's own page (pageFormGuard, server/http/security.ts), then answered by the route's action.
  app.post('*', pageFormGuard)
  app.on(['GET', 'POST'], '*', async (c) => {
    const template = await loadTemplate(c.req.path)
    const render = await loadRender().catch(() => undefined)
    if (!template || !render) return c.text('The SPA is not built. Run `npm run build` (npm start does it for you).', 503)
    const lang = pickLanguage(getCookie(c, LANGUAGE_COOKIE), c.req.header('Accept-Language'))
    const origin = requestOrigin(c)
    const url = new URL(c.req.path + new URL(c.req.url).search, origin)
    const posted = c.req.method === 'POST'
    const result = await render({
      // A form's body goes to the route's action as the browser sent it.
      request: new Request(url, {
        method: c.req.method,
        signal: c.req.raw.signal,
        ...(posted && { headers: { 'Content-Type': c.req.header('Content-Type') ?? '' }, body: await c.req.arrayBuffer() }),
      }),
      lang,
      // The person's zone once their browser has said it (src/lib/clock.tsx), the platform's before.
      timeZone: timeZoneOf(getCookie(c, TIME_ZONE_COOKIE), config.upstreamTimeZone),
      now: Date.now(),
      signIn: { loginUrl: config.loginUrl, origin },
      api: pageReads(c, api, origin, getCookie(c, config.authCookie) !== undefined),
      requestContext: {
        formActions: {
          consent: (request: Request) => consentFormAction(c, request),
          revoke: (request: Request) => revokeFormAction(c, request),
        },
      } satisfies FormActionContext,
    })
    c.header('Cache-Control', 'no-store')
    c.header('Vary', 'Accept-Language, Cookie')
    if (result.kind === 'response') return answerWith(c, result.response)
    // The consent page's form may send the person to its validated redirect (server/http/page-forms.ts).
    const consentRedirect = c.req.path === PAGE_ROUTES.consent.path && result.state.router.errors === null ? url.searchParams.get('redirect_uri') : null
    c.header('Content-Security-Policy', consentRedirect ? consentPageCsp(c, consentRedirect, pagePolicy) : pagePolicy)
    // Named, not loaded: src/main.tsx loads them once the page is painted.
    const { app, modules } = preloads(c.req.path, lang)
    const boot = app === undefined ? '' : await html`<meta name="${BOOT_META.app}" content="${app}"><meta name="${BOOT_META.modules}" content="${modules.join(' ')}">`
    const page = template
      .replace(/<html lang="[^"]*"/, `<html lang="${lang}"`)
      .replace('</head>', `${boot}</head>`)
      .replace(ROOT_ELEMENT, `<div id="root">${result.html}</div>${renderStateElement(result.state)}`)
    // The page's own status: 404 for an unknown path, a read's failure for an error screen.
    return c.html(page, result.status as 200)
  })
  return app
}

/**
 * A page's `/api` reads, made in-process with the page's cookie and language, from the page's
 * own origin and client address (so limits and CSRF checks see what they would from the browser).
 * With the session cookie (`withSession`), the session is read first and the reads that need it
 * only once it is good (SPEC.md "Security": an invalid cookie costs the platform one call per
 * page); until then they wait, and when it is not good they get its answer (the 401 that sends the
 * page to sign-in).
 */
function pageReads(c: Context, api: ApiFetch, origin: string, withSession: boolean): (path: string, init: RequestInit) => Promise<Response> {
  const forwarded: Record<string, string> = { 'Sec-Fetch-Site': 'same-origin' }
  for (const name of FORWARDED_HEADERS) {
    const value = c.req.header(name)
    if (value !== undefined) forwarded[name] = value
  }
  const env = peerEnv(c)
  const read = async (path: string, init: RequestInit): Promise<Response> => {
    const headers = new Headers(init.headers)
    for (const [name, value] of Object.entries(forwarded)) headers.set(name, value)
    return api(new Request(new URL(path, origin), { ...init, headers, credentials: undefined }), env)
  }
  let session: Promise<Response> | undefined
  const sessionRead = (init: RequestInit) => (session ??= read(SESSION_PATH, init))
  return async (path, init) => {
    if (path === SESSION_PATH) return (await sessionRead(init)).clone()
    if (!withSession || SESSIONLESS_READS.has(path)) return read(path, init)
    const answer = await sessionRead({ method: 'GET', headers: init.headers })
    return answer.ok ? read(path, init) : answer.clone()
  }
}

/** A loader's redirect as the HTTP answer it is: its status and Location, nothing of the router's own headers. */
function answerWith(c: Context, response: Response): Response {
  const location = response.headers.get('Location')
  if (location === null) return response
  return c.redirect(location, response.status === 301 || response.status === 303 || response.status === 307 || response.status === 308 ? response.status : 302)
}
