import { createHash } from 'node:crypto'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, test } from 'vitest'
import { STYLESHEET, useBff } from '../../test/support/bff'
import { inlineStylesheets, styleHash } from './inline-style'

const dirs: string[] = []
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })))

function distWith(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'bge-dist-'))
  dirs.push(dir)
  mkdirSync(join(dir, 'assets'))
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text)
  return dir
}

const LINK = '<link rel="stylesheet" crossorigin href="/assets/index-1.css">'
const page = (head: string) => `<!doctype html><html><head><title>t</title>${head}</head><body><div id="root"></div></body></html>`

describe('inlineStylesheets', () => {
  test('puts the linked stylesheet in the page as it is, and gives its CSP hash', () => {
    const css = ':root{color-scheme:light dark}.a>b::after{content:"→ 中文"}\n'
    const { html, hashes } = inlineStylesheets(page(LINK), distWith({ 'assets/index-1.css': css }))
    expect(html).toBe(page(`<style>${css}</style>`))
    // What a browser hashes: the element's text, byte for byte, as UTF-8 (CSP Level 3).
    expect(hashes).toEqual([`'sha256-${createHash('sha256').update(Buffer.from(css, 'utf8')).digest('base64')}'`])
    expect(hashes[0]).toBe(styleHash(css))
  })

  test('a stylesheet that could close the element, or a missing one, stays a link and is not hashed', () => {
    const dist = distWith({ 'assets/index-1.css': 'a{}</STYLE><script>alert(1)</script>' })
    expect(inlineStylesheets(page(LINK), dist)).toEqual({ html: page(LINK), hashes: [] })
    expect(inlineStylesheets(page(LINK.replace('index-1', 'index-2')), dist)).toEqual({ html: page(LINK.replace('index-1', 'index-2')), hashes: [] })
  })

  test('a link outside /assets/ is left alone', () => {
    const elsewhere = '<link rel="stylesheet" href="/../secret.css">'
    expect(inlineStylesheets(page(elsewhere), distWith({}))).toEqual({ html: page(elsewhere), hashes: [] })
  })
})

describe('pages', () => {
  test('carry the build’s stylesheet inside them, admitted by its hash; the file is still served', async () => {
    const bff = useBff()
    const response = await bff.request('/signin')
    const html = await response.text()
    expect(html).toContain(`<style>${STYLESHEET.text}</style>`)
    expect(html).not.toContain('rel="stylesheet"')
    expect(response.headers.get('Content-Security-Policy')).toContain(`style-src 'self' ${styleHash(STYLESHEET.text)};`)
    expect(await (await bff.request(STYLESHEET.path)).text()).toBe(STYLESHEET.text)
  })
})
