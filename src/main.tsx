// The browser's entry: a module script, so it runs once the whole page has been parsed. The page
// arrives rendered by the BFF with its stylesheet inside it, and works without script: its forms
// post (the consent decision, Show all, revoke). So the app's code (about 130 KB gzip, most of a
// second at 1.6 Mbit/s) is asked for only once that page is painted, rather than sharing a slow
// connection with the rest of the HTML while it is on its way (docs/performance.md, "Script after
// the paint"). Then this loads the app with the page's own modules (its route's chunks and
// catalogue, named by the BFF, all at once) and src/start.tsx hydrates; until then, and if the code
// never arrives, the page works as served.
import '@/app/styles.css'
import { BOOT_META } from './page-boot'

/** Runs `start` once the page's first frame is painted (docs/performance.md, "Script after the paint"). */
function afterFirstPaint(start: () => void): void {
  // A hidden page paints nothing and gets no animation frames: there is no paint to wait for.
  if (document.visibilityState === 'hidden') {
    start()
    return
  }
  // A frame's callbacks run before it is painted; a task they queue runs after.
  requestAnimationFrame(() => setTimeout(start, 0))
}

function named(meta: string): string | undefined {
  return document.querySelector<HTMLMetaElement>(`meta[name="${meta}"]`)?.content
}

afterFirstPaint(() => {
  for (const href of named(BOOT_META.modules)?.split(' ').filter(Boolean) ?? []) {
    const link = document.createElement('link')
    link.rel = 'modulepreload'
    link.crossOrigin = ''
    link.href = href
    document.head.append(link)
  }
  // By the URL the page names: a literal import would make the bundler load the app with this file.
  // In development (server/dev.ts) no build names it, and Vite serves the source (a literal import
  // there, which the build drops: an import by URL would load the module twice under two URLs).
  const app = named(BOOT_META.app)
  const started = app !== undefined ? import(/* @vite-ignore */ app) : import.meta.env.DEV ? import('./start') : undefined
  started?.catch((error: unknown) => {
    // The page as served still works (its forms post); a reload may bring the code.
    console.error('The portal’s code did not load; the page works without it.', error)
  })
})
