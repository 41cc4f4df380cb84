// The entry. It loads the app at once, except on a page the BFF may paint from its answers
// (server/pages/spa.ts puts the app's preloads in a template there): then it first lets that paint reach
// the screen. On a slow network the page's HTML then has the connection to itself instead of
// sharing it with 130 KB of JavaScript, and with the code cached, its evaluation cannot hold the
// paint back. Nothing here may import the app's shared chunk (vite.config.ts).
import '@/app/styles.css'
import type { start } from '@/app/start'
import { APP_LINK_ATTRIBUTE, APP_PRELOADS_ID, PREPAINT_ID, PREPAINT_WAIT_MS } from '@/contract/first-paint'

const firstPaint = () => document.getElementById(PREPAINT_ID)

/** After the frame that shows what is in the document now (at once when the page is not shown). */
function afterNextPaint(): Promise<void> {
  if (document.visibilityState === 'hidden') return Promise.resolve()
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, PREPAINT_WAIT_MS)
    requestAnimationFrame(() => setTimeout(() => (clearTimeout(timer), resolve())))
  })
}

/**
 * Until the first paint has been on screen, or at once when the page turns out to have none. The
 * first paint ends the document (server/pages/page-data.ts), so the document's end says which; an
 * upstream slower than PREPAINT_WAIT_MS gets the app's own loading state instead.
 */
function firstPaintShown(): Promise<void> {
  return new Promise((resolve) => {
    const settle = () => {
      clearTimeout(timer)
      document.removeEventListener('DOMContentLoaded', settle)
      if (firstPaint()) void afterNextPaint().then(resolve)
      else resolve()
    }
    const timer = setTimeout(settle, document.readyState === 'loading' ? PREPAINT_WAIT_MS : 0)
    document.addEventListener('DOMContentLoaded', settle)
  })
}

/** The app's module (src/app/start.tsx), its URL as the BFF announced it (server/pages/spa.ts). */
async function importApp(): Promise<{ start: typeof start }> {
  const href = document.querySelector<HTMLLinkElement>(`link[${APP_LINK_ATTRIBUTE}]`)?.href
  if (href) return import(/* @vite-ignore */ href)
  // Only `npm run dev` serves a page without it.
  if (import.meta.env.DEV) return import('@/app/start')
  throw new Error('The page does not say where the app is (server/pages/spa.ts)')
}

const preloads = document.getElementById(APP_PRELOADS_ID)
if (preloads instanceof HTMLTemplateElement) {
  await firstPaintShown()
  document.head.append(preloads.content)
}
const app = await importApp()
await app.start(firstPaint)
