// The SPA's stylesheet travels inside each page rather than beside it (docs/performance.md, "The
// stylesheet in the page"): a person arriving from an app has nothing cached, and on a phone a linked
// stylesheet is one more round trip between the HTML and the first paint (0.8 s of Lighthouse's
// 1.67 s LCP with throttling applied). The CSP admits exactly these texts by hash, never inline
// style as such.
import { createHash } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

/** A stylesheet link as Vite writes it into index.html: a hashed file under /assets/. */
const STYLESHEET_LINK = /<link rel="stylesheet"(?: crossorigin)? href="\/(assets\/[\w.-]+\.css)">/g

export interface InlinedStyles {
  /** index.html with its stylesheets as `<style>` elements. */
  html: string
  /** Each inlined text's CSP source (`'sha256-…'`), for `style-src`. */
  hashes: string[]
}

/** The CSP source that admits exactly this `<style>` text. */
export function styleHash(css: string): string {
  return `'sha256-${createHash('sha256').update(css, 'utf8').digest('base64')}'`
}

/**
 * Replaces the template's stylesheet links with the stylesheets themselves. A link whose file is
 * missing, or whose text could end the element early (`</style`), stays a link.
 */
export function inlineStylesheets(html: string, distDir: string): InlinedStyles {
  const hashes: string[] = []
  const inlined = html.replace(STYLESHEET_LINK, (link, file: string) => {
    const path = join(distDir, file)
    if (!existsSync(path)) return link
    const css = readFileSync(path, 'utf8')
    if (/<\/style/i.test(css)) return link
    hashes.push(styleHash(css))
    return `<style>${css}</style>`
  })
  return { html: inlined, hashes }
}
