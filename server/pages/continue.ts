// GET /oauth2/continue?c=…: the portal page a web app's consent decision, made by the page's form,
// continues from (server/consent/continuations.ts says why). It is a navigation of its own, so the
// app's callback may redirect wherever it likes; it goes on by `<meta http-equiv="refresh">` and,
// should that be off, by a link. No script: the page's CSP allows none inline.
import { Hono } from 'hono'
import { getCookie } from 'hono/cookie'
import { html } from 'hono/html'
import { LANGUAGE_COOKIE, pickLanguage, type Language } from '../../src/contract/languages'
import en from '../../src/locales/en.json'
import zhCN from '../../src/locales/zh-CN.json'
import type { Continuations } from '../consent/continuations'
import { CONTINUE_PATH } from '../consent/form-actions'

const TEXTS: Record<Language, typeof en.problems.continue> = { en: en.problems.continue, 'zh-CN': zhCN.problems.continue }

function fill(text: string, host: string): string {
  return text.replace('{host}', host)
}

export function continuationRoutes(continuations: Continuations): Hono {
  const app = new Hono()
  app.get(CONTINUE_PATH, (c) => {
    const lang = pickLanguage(getCookie(c, LANGUAGE_COOKIE), c.req.header('Accept-Language'))
    const texts = TEXTS[lang]
    c.header('Cache-Control', 'no-store')
    const target = continuations.open(c.req.query('c') ?? '')
    if (target === undefined) {
      return c.html(
        html`<!doctype html>
<html lang="${lang}">
  <head><meta charset="utf-8" /><meta name="viewport" content="width=device-width, initial-scale=1" /><title>BGE</title></head>
  <body><main><p>${texts.expired}</p></main></body>
</html>`,
        400,
      )
    }
    const host = new URL(target).host
    return c.html(html`<!doctype html>
<html lang="${lang}">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <meta http-equiv="refresh" content="0;url=${target}" />
    <title>${fill(texts.title, host)}</title>
  </head>
  <body>
    <main>
      <h1>${fill(texts.title, host)}</h1>
      <p>${texts.body}</p>
      <p><a href="${target}">${fill(texts.link, host)}</a></p>
    </main>
  </body>
</html>`)
  })
  return app
}
