import { describe, expect, test } from 'vitest'
import { z } from 'zod'
import { APP_PRELOADS_ID } from '../../src/contract/first-paint'
import { applicationPath, pageDataSchema, type PageData } from '../../src/contract/page-data'
import { ALICE, PORTAL, testWorld, useBff, WEB_APP, type Bff, type UserKey } from '../../test/support/bff'
import type { FixturesInput } from '../sandbox/fixtures'
import { escapeJsonForHtml, PAGE_DATA_GRACE_MS, PREPAINT_MAX_CHARS, PREPAINT_MODULE } from './page-data'

const CONSENT_PAGE = `/oauth2/authorize?${new URLSearchParams({ ...WEB_APP, response_type: 'code', state: 's<1>' })}`
const CONSENT_PATHS = [
  '/api/session',
  `/api/oauth2/application?${new URLSearchParams({ client_id: WEB_APP.client_id, redirect_uri: WEB_APP.redirect_uri, scope: WEB_APP.scope, response_type: 'code' })}`,
  '/api/biosamples',
  `/api/oauth2/grants?client_id=${WEB_APP.client_id}`,
]
const GRANTS_PATHS = ['/api/oauth2/grants', '/api/biosamples', '/api/records', '/api/session']

const ELEMENT = /<script type="application\/json" id="bge-data-(\d+)">([^<]*)<\/script>/g

/** The answers a page carries, by path, checked against the shape the SPA reads. */
function embedded(html: string): Map<string, PageData> {
  return new Map([...html.matchAll(ELEMENT)].map(([, , json = '']) => {
    const data = z.parse(pageDataSchema, JSON.parse(json))
    return [data.path, data]
  }))
}

/** An answer but for its error envelope's request id, which is each request's own. */
function withoutRequestId<T>(data: T): T {
  const parsed = z.object({ body: z.object({ error: z.object({ request_id: z.string() }).loose() }).loose() }).loose().safeParse(data)
  if (!parsed.success) return data
  const { request_id: _id, ...error } = parsed.data.body.error
  return { ...parsed.data, body: { ...parsed.data.body, error } } as T
}

/** What /api itself answers the same person, right after. */
async function apiAnswer(bff: Bff, path: string, as: UserKey | { token: string }): Promise<{ status: number; body: unknown }> {
  const response = await bff.request(path, { as })
  return { status: response.status, body: await response.json() }
}

/** The consent ticket differs per answer (it is signed when issued); everything else must not. */
function withoutTicket(body: unknown): unknown {
  const parsed = z.object({ ticket: z.string() }).loose().safeParse(body)
  return parsed.success ? { ...parsed.data, ticket: 'ticket' } : body
}

describe('consent and grants pages carry their /api answers', () => {
  test('consent: the four reads of its loader, each as /api answers them, after the root element and before the end', async () => {
    const bff = useBff()
    const response = await bff.request(CONSENT_PAGE, { as: 'alice' })
    expect(response.status).toBe(200)
    const html = await response.text()
    const answers = embedded(html)
    expect([...answers.keys()].sort()).toEqual([...CONSENT_PATHS].sort())
    for (const path of CONSENT_PATHS) {
      const data = answers.get(path)
      const direct = await apiAnswer(bff, path, 'alice')
      expect(data?.status, path).toBe(200)
      expect(withoutTicket(data?.body), path).toEqual(withoutTicket(direct.body))
    }
    expect(html.indexOf('<div id="root"></div>')).toBeLessThan(html.search(ELEMENT))
    expect(html.trimEnd().endsWith('</html>')).toBe(true)
  })

  test('the embedded consent ticket is a real one: an authorize made with it succeeds', async () => {
    const bff = useBff()
    const html = await (await bff.request(CONSENT_PAGE, { as: 'alice' })).text()
    const application = z
      .object({ ticket: z.string() })
      .parse(embedded(html).get(CONSENT_PATHS[1] ?? '')?.body)
    const { shown } = await bff.consent('alice', WEB_APP)
    const authorize = await bff.request('/api/oauth2/authorize', {
      method: 'POST',
      as: 'alice',
      json: { ticket: application.ticket, shown, ...WEB_APP, state: 'xyz', biosample_ids: [{ biosample_id: 'E-A0001', type: 'Lowpass' }] },
    })
    expect(authorize.status).toBe(200)
  })

  test.each([
    ['response_type=token', { ...WEB_APP, response_type: 'token' }, 'token'],
    ['no response_type', { ...WEB_APP }, undefined],
  ])('a consent link that cannot succeed (%s): its read is the one the SPA makes, and carries no ticket', async (_name, params, responseType) => {
    const bff = useBff()
    const html = await (await bff.request(`/oauth2/authorize?${new URLSearchParams({ ...params, state: 's' })}`, { as: 'alice' })).text()
    // The SPA's consent loader asks for exactly this path (src/lib/application.ts), so it finds the answer.
    const path = applicationPath({ clientId: WEB_APP.client_id, redirectUri: WEB_APP.redirect_uri, scope: WEB_APP.scope, responseType })
    const answer = embedded(html).get(path)
    expect(answer?.status).toBe(200)
    expect(answer?.body).toMatchObject({ application: { client_id: WEB_APP.client_id }, ticket: null })
  })

  test('grants: grants, biosamples, records and the session, each as /api answers them', async () => {
    const bff = useBff()
    const answers = embedded(await (await bff.request('/grants', { as: 'bob' })).text())
    expect([...answers.keys()].sort()).toEqual([...GRANTS_PATHS].sort())
    for (const path of GRANTS_PATHS) {
      expect(answers.get(path), path).toEqual({ v: 1, path, ...(await apiAnswer(bff, path, 'bob')) })
    }
  })

  test.each([
    ['grants', '/grants'],
    ['consent', CONSENT_PAGE],
  ])('an expired or junk session (%s): one platform call, the session read, whose 401 envelope sends the SPA to sign-in', async (_name, path) => {
    const bff = useBff()
    const as = { token: 'tok-expired' }
    const answers = embedded(await (await bff.request(path, { as })).text())
    // The other reads are never started: a bad cookie costs the platform one call per page.
    expect(bff.upstreamCalls.map((call) => call.path)).toEqual(['/openbge/user/profile'])
    expect([...answers.keys()]).toEqual(['/api/session'])
    expect(answers.get('/api/session')?.status).toBe(401)
    expect(withoutRequestId(answers.get('/api/session'))?.body).toEqual(withoutRequestId(await apiAnswer(bff, '/api/session', as)).body)
  })

  test('an upstream failure is embedded as the status and error envelope /api gives', async () => {
    const faults: FixturesInput['faults'] = [{ path: '/openbge/oauth2/grants', kind: 'error_code', code: 40015, times: 1 }]
    const page = useBff({ faults })
    const answers = embedded(await (await page.request('/grants', { as: 'bob' })).text())
    const direct = await apiAnswer(useBff({ faults }), '/api/oauth2/grants', 'bob')
    expect(direct.status).toBeGreaterThanOrEqual(400)
    expect(withoutRequestId(answers.get('/api/oauth2/grants'))).toEqual({ v: 1, path: '/api/oauth2/grants', ...withoutRequestId(direct) })
    expect(answers.get('/api/biosamples')?.status).toBe(200)
  })

  test.each([
    ['no session cookie', '/grants', undefined],
    ['no session cookie, consent', CONSENT_PAGE, undefined],
    ['a page that reads nothing', '/developer/preview?client_id=web-app&redirect_uri=x', 'alice'],
    ['consent without redirect_uri', '/oauth2/authorize?client_id=web-app', 'alice'],
    ['consent with client_id twice', `${CONSENT_PAGE}&client_id=profile-app`, 'alice'],
    ['consent with state twice', `${CONSENT_PAGE}&state=2`, 'alice'],
    ['consent with a forbidden redirect scheme', '/oauth2/authorize?client_id=script-app&redirect_uri=javascript%3Aalert(1)', 'alice'],
  ] as const)('%s: index.html alone, nothing asked upstream', async (_, path, as) => {
    const bff = useBff()
    const response = await bff.request(path, as ? { as } : {})
    expect(response.status).toBe(200)
    expect(response.headers.get('Cache-Control')).toBe('no-store')
    expect(await response.text()).not.toContain('bge-data-')
    expect(bff.upstreamCalls).toEqual([])
  })

  test('a HEAD request asks nothing upstream', async () => {
    const bff = useBff()
    const response = await bff.request('/grants', { as: 'alice', method: 'HEAD' })
    expect(response.status).toBe(200)
    expect(bff.upstreamCalls).toEqual([])
  })

  test('EMBED_PAGE_DATA=false serves every page without answers', async () => {
    const bff = useBff({ env: { EMBED_PAGE_DATA: 'false' } })
    for (const path of [CONSENT_PAGE, '/grants']) {
      expect(await (await bff.request(path, { as: 'alice' })).text(), path).not.toContain('bge-data-')
    }
    expect(bff.upstreamCalls).toEqual([])
  })
})

describe('the streamed page', () => {
  test('head and root go out at once; the answers follow when the slow upstream has answered', async () => {
    const latencyMs = 800
    const bff = useBff({ latencyMs })
    const started = performance.now()
    const response = await bff.app.request(new URL('/grants', PORTAL).href, {
      headers: { Host: new URL(PORTAL).host, Cookie: `${bff.config.authCookie}=${ALICE.auth_token}` },
    })
    const reader = response.body?.getReader()
    if (!reader) throw new Error('no body')
    const decoder = new TextDecoder()
    const first = await reader.read()
    const firstAt = performance.now() - started
    const head = decoder.decode(first.value)
    // The entry runs while the page streams, so the loading state shows before the answers end it.
    expect(head).toContain('<script type="module" async src="/assets/app-3f9c2a.js"></script>')
    expect(head).toContain('<div id="root"></div>')
    expect(head).not.toContain('bge-data-')
    expect(firstAt).toBeLessThan(latencyMs / 2)

    let rest = ''
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) rest += decoder.decode(chunk.value)
    expect(performance.now() - started).toBeGreaterThanOrEqual(latencyMs)
    expect(embedded(rest).size).toBe(GRANTS_PATHS.length)
  })

  test('a platform that does not answer: the page carries the read\'s 504 and ends within REQUEST_DEADLINE_MS', async () => {
    const deadlineMs = 800
    const bff = useBff({ faults: [{ path: '/openbge/oauth2/grants', kind: 'timeout' }], env: { REQUEST_DEADLINE_MS: String(deadlineMs) } })
    const started = performance.now()
    const html = await (await bff.request('/grants', { as: 'alice' })).text()
    const took = performance.now() - started
    expect(took).toBeGreaterThanOrEqual(deadlineMs - 50)
    expect(took).toBeLessThan(deadlineMs + PAGE_DATA_GRACE_MS)
    expect(embedded(html).get('/api/oauth2/grants')).toMatchObject({ status: 504, body: { error: { code: 'upstream_timeout' } } })
    expect(html.trimEnd().endsWith('</html>')).toBe(true)
  })

  test('CSP, no-store, Vary and the HTML content type, and no inline executable script', async () => {
    const bff = useBff()
    const response = await bff.request(CONSENT_PAGE, { as: 'alice' })
    expect(response.headers.get('Content-Type')).toBe('text/html; charset=utf-8')
    expect(response.headers.get('Cache-Control')).toMatch(/^no-store\b/)
    expect(response.headers.get('Vary')).toMatch(/Cookie/)
    expect(response.headers.get('Vary')).toMatch(/Accept-Language/)
    const csp = response.headers.get('Content-Security-Policy') ?? ''
    expect(csp).toContain("script-src 'self';")
    expect(csp).not.toMatch(/unsafe-inline|nonce-|sha256-/)
    const scripts = [...(await response.text()).matchAll(/<script([^>]*)>/g)].map(([, attributes]) => attributes)
    expect(scripts.length).toBeGreaterThan(1)
    for (const attributes of scripts) expect(attributes).toMatch(/^ type="module"(?: async)? src="\/assets\/[^"]+"$|^ type="application\/json" id="bge-data-\d+"$/)
  })

  test('BREACH: a page carrying the ticket is never compressed, whatever the browser accepts', async () => {
    const bff = useBff()
    for (const path of [CONSENT_PAGE, '/grants']) {
      const response = await bff.request(path, { as: 'alice', headers: { 'Accept-Encoding': 'gzip, deflate, br' } })
      expect(response.headers.get('Content-Encoding'), path).toBeNull()
      expect(response.headers.get('Cache-Control'), path).toBe('no-store, no-transform')
      expect(await response.text(), path).toContain('bge-data-')
    }
  })
})

describe('the first paint (src/prepaint.tsx, here a stand-in module that shows what it was given)', () => {
  /** A renderer that paints its input, or fails as told by the page's query. */
  const RENDERER = `export async function prepaint({ url, lang, answers }) {
    if (new URL(url).searchParams.has('fail')) throw new Error('render broke')
    if (new URL(url).searchParams.has('long')) return '<p>' + 'x'.repeat(${PREPAINT_MAX_CHARS}) + '</p>'
    const paths = [...answers.keys()].sort().join(' ')
    return '<main><h1>painted</h1><p>' + lang + '|' + new URL(url).pathname + '|' + paths + '|' + [...answers.values()].map((a) => a.status).join(',') + '</p></main>'
  }`
  const PAINTED = /<div id="bge-first-paint" inert aria-hidden="true"><main><h1>painted<\/h1><p>([^<]*)<\/p><\/main><\/div>/

  test('comes once every answer is in: the page URL, its language and the answers by path, after them and before the end', async () => {
    const bff = useBff({ prepaintModule: RENDERER })
    for (const [path, paths, lang] of [
      ['/grants', GRANTS_PATHS, 'en'],
      [CONSENT_PAGE, CONSENT_PATHS, 'zh-CN'],
    ] as const) {
      const html = await (await bff.request(path, { as: 'alice', headers: { 'Accept-Language': lang } })).text()
      const painted = PAINTED.exec(html)
      expect(painted?.[1], path).toBe(`${lang}|${new URL(path, PORTAL).pathname}|${[...paths].sort().join(' ')}|${paths.map(() => 200).join(',')}`)
      expect(html.indexOf('<div id="root"></div>')).toBeLessThan(html.search(ELEMENT))
      expect([...html.matchAll(ELEMENT)].every((match) => (match.index ?? 0) < (painted?.index ?? 0))).toBe(true)
      expect(html.indexOf('</body>')).toBeGreaterThan(painted?.index ?? Infinity)
    }
  })

  test('a read that timed out is still an answer: the renderer gets its 504 (and paints nothing for it)', async () => {
    const deadlineMs = 400
    const bff = useBff({
      prepaintModule: RENDERER,
      faults: [{ path: '/openbge/oauth2/grants', kind: 'timeout' }],
      env: { REQUEST_DEADLINE_MS: String(deadlineMs) },
    })
    const html = await (await bff.request('/grants', { as: 'alice' })).text()
    // The read's own 504 came within the page's wait, so the renderer decides; src/prepaint.tsx
    // returns nothing for a page whose loader fails.
    expect(PAINTED.exec(html)?.[1]).toContain('504')
  })

  test('a renderer that fails leaves the page whole, and says so in the log', async () => {
    const bff = useBff({ prepaintModule: RENDERER })
    const html = await (await bff.request(`${CONSENT_PAGE}&fail=1`, { as: 'alice' })).text()
    expect(html).not.toContain('bge-first-paint')
    expect(html.trimEnd().endsWith('</html>')).toBe(true)
    expect(bff.logEntries().some((line) => line.msg.startsWith('prepaint failed for /oauth2/authorize: Error: render broke'))).toBe(true)
  })

  test('a renderer module that does not load leaves every page whole, and says so in the log', async () => {
    const bff = useBff({ prepaintModule: 'export const prepaint = "not a function"' })
    const html = await (await bff.request('/grants', { as: 'alice' })).text()
    expect(html).not.toContain('bge-first-paint')
    expect(embedded(html).size).toBe(GRANTS_PATHS.length)
    expect(html.trimEnd().endsWith('</html>')).toBe(true)
    expect(bff.logEntries().some((line) => line.msg.startsWith('prepaint failed for /grants'))).toBe(true)
  })

  test('none when it would be longer than PREPAINT_MAX_CHARS: the SPA paints that page', async () => {
    const bff = useBff({ prepaintModule: RENDERER })
    const html = await (await bff.request(`${CONSENT_PAGE}&long=1`, { as: 'alice' })).text()
    expect(html).not.toContain('bge-first-paint')
    expect(embedded(html).size).toBe(CONSENT_PATHS.length)
    expect(html.trimEnd().endsWith('</html>')).toBe(true)
  })

  test('none without a session, and none with EMBED_PAGE_DATA=false', async () => {
    for (const bff of [useBff({ prepaintModule: RENDERER }), useBff({ prepaintModule: RENDERER, env: { EMBED_PAGE_DATA: 'false' } })]) {
      const html = await (await bff.request('/grants', bff.config.embedPageData ? {} : { as: 'alice' })).text()
      expect(html).not.toContain('bge-first-paint')
    }
  })

  test('a page that may come painted holds the app’s preloads in a template, which the entry opens once that paint is on screen', async () => {
    const APP_LINKS = '<link rel="modulepreload" crossorigin href="/assets/start-5e1d.js" data-bge-app><link rel="modulepreload" crossorigin href="/assets/shared-9a7c.js">'
    const held = (html: string) => html.includes(`<template id="${APP_PRELOADS_ID}">${APP_LINKS}`)
    const open = (html: string) => !html.includes(APP_PRELOADS_ID) && html.includes(APP_LINKS)
    const painted = useBff({ prepaintModule: RENDERER })
    for (const path of ['/grants', CONSENT_PAGE]) {
      const html = await (await painted.request(path, { as: 'alice' })).text()
      expect(held(html), path).toBe(true)
      // Every link is in the template: none loads with the page.
      expect(html.replace(/<template[^]*?<\/template>/, ''), path).not.toContain('modulepreload')
    }
    // Pages that cannot come painted load the app with the entry: not streamed, no session, no renderer.
    expect(open(await (await painted.request('/activity', { as: 'alice' })).text())).toBe(true)
    expect(open(await (await painted.request('/grants')).text())).toBe(true)
    expect(open(await (await useBff().request('/grants', { as: 'alice' })).text())).toBe(true)
    // A renderer that fails to load: once that is known (the first page after start may not wait for it).
    const broken = useBff({ prepaintModule: 'export const prepaint = 1' })
    await (await broken.request('/grants', { as: 'alice' })).text()
    expect(open(await (await broken.request('/grants', { as: 'alice' })).text())).toBe(true)
  })

  test('the renderer is never served', async () => {
    const bff = useBff({ prepaintModule: RENDERER })
    for (const path of [`/${PREPAINT_MODULE}`, '/.ssr/', '/%2essr/prepaint.js', '/assets/../.ssr/prepaint.js']) {
      const body = await (await bff.request(path)).text()
      expect(body, path).not.toContain('render broke')
    }
  })
})

describe('hostile upstream texts', () => {
  const NAME = '</script><script>alert(1)</script><!-- & \u2028\u2029 <\\/script>'

  test('cannot end the element or open markup, and read back exactly as sent', async () => {
    const world = testWorld()
    const bff = useBff({
      fixtures: {
        ...world,
        applications: world.applications.map((app) => (app.client_id === WEB_APP.client_id ? { ...app, name: NAME, description: NAME } : app)),
      },
    })
    const html = await (await bff.request(CONSENT_PAGE, { as: 'alice' })).text()
    expect(html).not.toContain('<script>alert(1)')
    expect(html).not.toContain('<!--')
    expect(html).not.toMatch(/[\u2028\u2029]/)
    expect(html.match(/<\/script>/g)?.length).toBe([...html.matchAll(/<script/g)].length)
    const application = z
      .object({ application: z.object({ name: z.string(), description: z.string() }) })
      .parse(embedded(html).get(CONSENT_PATHS[1] ?? '')?.body)
    expect(application.application).toMatchObject({ name: NAME, description: NAME })
  })

  test('escapeJsonForHtml keeps the JSON equal to itself', () => {
    const value = { text: '<>&\u2028\u2029"\\', nested: ['</script>'] }
    const escaped = escapeJsonForHtml(JSON.stringify(value))
    expect(escaped).not.toMatch(/[<>&\u2028\u2029]/)
    expect(JSON.parse(escaped)).toEqual(value)
  })
})
