import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { afterEach, describe, expect, test } from 'vitest'
import { PAGE_ROUTES } from '../../src/contract/routes'
import { testWorld, useBff, WEB_APP } from '../../test/support/bff'
import { ALICE } from '../../test/support/fixture-users'
import { RENDER_STATE_ID } from '../../src/contract/render-state'
import { preloadPlan } from './spa'

const dirs: string[] = []
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })))

function distWith(manifest: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'bge-dist-'))
  dirs.push(dir)
  mkdirSync(join(dir, '.vite'))
  writeFileSync(join(dir, '.vite', 'manifest.json'), JSON.stringify(manifest))
  return dir
}

const MANIFEST = {
  'index.html': { file: 'assets/index-1.js', name: 'index', src: 'index.html' },
  'src/start.tsx': { file: 'assets/start-1.js', name: 'start', src: 'src/start.tsx', imports: ['_runtime-1.js', '_shared-1.js'] },
  '_runtime-1.js': { file: 'assets/runtime-1.js', name: 'rolldown-runtime' },
  '_shared-1.js': { file: 'assets/shared-1.js', name: 'shared', imports: ['_runtime-1.js'] },
  '_logo-1.js': { file: 'assets/logo-1.js', name: 'logo', imports: ['_shared-1.js'] },
  'src/features/consent/consent-route.tsx': { file: 'assets/consent-1.js', name: 'consent-route', imports: ['_logo-1.js', '_shared-1.js'] },
  'locale-messages:core:/x/src/locales/en.json.js': { file: 'assets/en.json-1.js', name: 'en.json', src: 'locale-messages:core:/x/src/locales/en.json.js' },
  'locale-messages:core:/x/src/locales/zh-CN.json.js': { file: 'assets/zh-CN.json-1.js', name: 'zh-CN.json', src: 'locale-messages:core:/x/src/locales/zh-CN.json.js' },
  'locale-messages:preview:/x/src/locales/en.json.js': { file: 'assets/en.json-2.js', name: 'en.json', src: 'locale-messages:preview:/x/src/locales/en.json.js' },
  'locale-messages:grants:/x/src/locales/zh-CN.json.js': { file: 'assets/zh-CN.json-3.js', name: 'zh-CN.json', src: 'locale-messages:grants:/x/src/locales/zh-CN.json.js' },
  'src/features/activity/receipt-route.tsx': { file: 'assets/receipt-1.js', name: 'receipt-route', imports: ['_shared-1.js'] },
  'locale-messages:activity:/x/src/locales/en.json.js': { file: 'assets/en.json-4.js', name: 'en.json', src: 'locale-messages:activity:/x/src/locales/en.json.js' },
}

describe('preloadPlan', () => {
  /** The app's chunks, preloaded on every page with the app. */
  const APP = ['/assets/runtime-1.js', '/assets/shared-1.js']
  const hrefs = (plan: ReturnType<typeof preloadPlan>, path: string, lang: 'en' | 'zh-CN') => {
    const { app, modules } = plan(path, lang)
    expect(app).toBe('/assets/start-1.js')
    return modules
  }

  test('names the app, and preloads its chunks, the reader’s catalogue and the page’s chunks, each once', () => {
    const plan = preloadPlan(distWith(MANIFEST))
    expect(hrefs(plan, '/oauth2/authorize', 'zh-CN')).toEqual([...APP, '/assets/zh-CN.json-1.js', '/assets/consent-1.js', '/assets/logo-1.js'])
    expect(hrefs(plan, '/oauth2/authorize', 'en')[2]).toBe('/assets/en.json-1.js')
  })

  test('what index.html already loads is not named again', () => {
    const manifest = { ...MANIFEST, 'index.html': { ...MANIFEST['index.html'], imports: ['_runtime-1.js'] } }
    expect(hrefs(preloadPlan(distWith(manifest)), '/nowhere', 'en')).toEqual(['/assets/shared-1.js', '/assets/en.json-1.js'])
  })

  test('the preview and grants also get their own catalogue section, in the reader’s language', () => {
    const plan = preloadPlan(distWith(MANIFEST))
    expect(hrefs(plan, '/developer/preview', 'en')).toEqual([...APP, '/assets/en.json-1.js', '/assets/en.json-2.js'])
    expect(hrefs(plan, '/grants', 'zh-CN')).toEqual([...APP, '/assets/zh-CN.json-1.js', '/assets/zh-CN.json-3.js'])
  })

  test('a page with a parameter in its path (a receipt) gets its own chunk and section', () => {
    const plan = preloadPlan(distWith(MANIFEST))
    expect(hrefs(plan, '/activity/r-7Hq2xK9', 'en')).toEqual([...APP, '/assets/en.json-1.js', '/assets/en.json-4.js', '/assets/receipt-1.js'])
    expect(hrefs(plan, '/activity/r-7Hq2xK9/more', 'en')).toEqual([...APP, '/assets/en.json-1.js'])
  })

  test('an unknown page gets the app and its catalogue only', () => {
    expect(hrefs(preloadPlan(distWith(MANIFEST)), '/nowhere', 'en')).toEqual([...APP, '/assets/en.json-1.js'])
  })

  test('without a readable manifest it names nothing (npm run dev: Vite serves the source)', () => {
    expect(preloadPlan(join(tmpdir(), 'no-such-dist'))('/grants', 'en')).toEqual({ app: undefined, modules: [] })
    expect(preloadPlan(distWith({ 'index.html': { nope: 1 } }))('/grants', 'en')).toEqual({ app: undefined, modules: [] })
  })
})

describe('index.html', () => {
  test.each([
    [undefined, undefined, 'zh-CN'],
    ['en-US,en;q=0.9', undefined, 'en'],
    ['zh-TW,en;q=0.5', undefined, 'zh-CN'],
    ['fr-FR, en;q=0.8, zh;q=0.5', undefined, 'en'],
    ['de', undefined, 'zh-CN'],
    ['en-GB', 'bge_lang=zh-CN', 'zh-CN'],
    ['zh-CN', 'bge_lang=en', 'en'],
  ])('Accept-Language %j with cookie %j → <html lang="%s">', async (acceptLanguage, cookie, lang) => {
    const bff = useBff()
    const headers: Record<string, string> = {}
    if (acceptLanguage) headers['Accept-Language'] = acceptLanguage
    if (cookie) headers.Cookie = cookie
    const response = await bff.request('/signin', { headers })
    const html = await response.text()
    expect(html).toContain(`<html lang="${lang}">`)
    expect(html).toContain(`"lang":"${lang}"`)
    expect(html.match(/<html lang=/g)).toHaveLength(1)
    expect(response.headers.get('Vary')).toMatch(/Accept-Language/)
    expect(response.headers.get('Cache-Control')).toBe('no-store')
  })

  test('every page of the SPA’s route list is rendered, trailing slash or not; anything else is 404', async () => {
    const bff = useBff()
    // Signed in; each page with what its render comes to: the page, its error screen (a consent
    // link without its parameters, a receipt nobody has), or the home's redirect.
    const expected: Record<string, number> = { '/': 302, '/oauth2/authorize': 400, '/activity/r-7Hq2xK9': 404, '/grants/r-7Hq2xK9/revoke': 302 }
    for (const route of Object.values(PAGE_ROUTES)) {
      // A parameter stands for any one segment: a receipt's id, say.
      const path = route.path.replace(/:\w+/g, 'r-7Hq2xK9')
      for (const variant of path === '/' ? [path] : [path, `${path}/`]) {
        const response = await bff.request(variant, { as: 'alice' })
        expect(response.status, variant).toBe(expected[path] ?? 200)
        if (response.status !== 302) expect(await response.text()).toMatch(/<div id="root"><div/)
      }
    }
    for (const path of ['/no/such/page', '/grants/extra', '/oauth2', '/index.html', '/activity/r-1/extra']) {
      const response = await bff.request(path)
      expect(response.status, path).toBe(404)
      expect(response.headers.get('Content-Type'), path).toMatch(/^text\/html/)
      expect(await response.text(), path).toContain('<div id="root">')
    }
  })

  test('the bundled server under the build (dist/server/) is never served; the build’s public files are', async () => {
    const bff = useBff()
    mkdirSync(join(bff.distDir, 'server', 'chunks'), { recursive: true })
    writeFileSync(join(bff.distDir, 'server', 'index.js'), 'const SECRET_SOURCE = 1\n')
    writeFileSync(join(bff.distDir, 'server', 'chunks', 'config-1.js'), 'const SECRET_SOURCE = 2\n')
    writeFileSync(join(bff.distDir, 'server.txt'), 'public\n')
    for (const path of ['/server/index.js', '/server/chunks/config-1.js', '/server/', '/server/%69ndex.js']) {
      const response = await bff.request(path)
      expect(response.status, path).toBe(404)
      expect(await response.text(), path).not.toContain('SECRET_SOURCE')
    }
    // A file beside it, with a name that starts the same, is served as any public file is.
    expect(await (await bff.request('/server.txt')).text()).toBe('public\n')
  })

  test('the sign-in URL template reaches the page in its render state, {next} kept and the value escaped', async () => {
    const stateOf = (html: string) => JSON.parse(new RegExp(`<script type="application/json" id="${RENDER_STATE_ID}">([^<]*)</script>`).exec(html)?.[1] ?? 'null') as { signIn: { loginUrl: string } }
    const plain = useBff()
    expect(stateOf(await (await plain.request('/no/such/page')).text()).signIn.loginUrl).toBe('/signin?next={next}')

    const loginUrl = 'https://account.example/login?a=1&next={next}"><script>alert(1)</script>'
    const hostile = useBff({ env: { LOGIN_URL: loginUrl } })
    const html = await (await hostile.request('/no/such/page')).text()
    expect(stateOf(html).signIn.loginUrl).toBe(loginUrl)
    expect(html).not.toContain('<script>alert(1)')
  })

  test('the WeChat bridge meta tag is escaped the same way, and absent when not configured', async () => {
    const plain = useBff()
    expect(await (await plain.request('/signin')).text()).not.toContain('bge-wechat-bridge')
    const bff = useBff({ env: { WECHAT_BRIDGE_URL: 'https://res.wx.qq.com/js/sdk.js?a=1&b="2"' } })
    expect(await (await bff.request('/signin')).text()).toContain(
      '<meta name="bge-wechat-bridge" content="https://res.wx.qq.com/js/sdk.js?a=1&amp;b=&quot;2&quot;" />',
    )
  })
})

// Rendering 1,000 samples on the server takes a few seconds on a busy 2-core machine.
describe('compressed pages (issue 17: many samples stay fast)', { timeout: 30_000 }, () => {
  const MANY = 1000
  const manySamples = Array.from({ length: MANY }, (_, index) => ({
    biosample_id: `E-${String(190_000_000_000 + index * 7_919).padStart(12, '0')}`,
    type: ['Lowpass', 'Full', '16S', 'Metagenome'][index % 4] ?? 'Lowpass',
    status: index % 5,
    sample_time: new Date(Date.UTC(2019, 0, 1) + index * 86_400_000).toISOString(),
    project_name: 'Healthy Gut',
  }))
  const world = () => {
    const base = testWorld()
    return { ...base, users: base.users.map((user) => (user.id === ALICE.id ? { ...user, biosamples: manySamples } : user)) }
  }
  const consentPath = `/oauth2/authorize?${new URLSearchParams({ ...WEB_APP, response_type: 'code', state: 'reflected-state' })}`
  const ticketsIn = (html: string) => [...html.matchAll(/"ticket":"([A-Za-z0-9_-]+)"/g)].map((match) => match[1] ?? '')

  test('a 1,000-sample consent page is sent gzip-compressed when the browser accepts it, whole otherwise', async () => {
    const bff = useBff({ fixtures: world() })
    const compressed = await bff.request(consentPath, { as: 'alice', headers: { 'Accept-Encoding': 'gzip, deflate, br' } })
    expect(compressed.status).toBe(200)
    expect(compressed.headers.get('Content-Encoding')).toBe('gzip')
    expect(compressed.headers.get('Vary')).toMatch(/Accept-Encoding/i)
    const wire = Buffer.from(await compressed.arrayBuffer())
    const html = gunzipSync(wire).toString('utf8')
    expect(html).toContain(manySamples[MANY - 1]?.biosample_id)
    // What the phone downloads: a small fraction of the page. The page renders only the list's first
    // rows (src/components/consent/biosample-picker.tsx), so most of it is the render state's 1,000
    // samples as JSON, which compress about 9:1 rather than the 25:1 of a thousand near-identical rows.
    expect(wire.length).toBeLessThan(html.length / 5)

    const whole = await bff.request(consentPath, { as: 'alice' })
    expect(whole.headers.get('Content-Encoding')).toBeNull()
    expect((await whole.text()).length).toBeGreaterThan(MANY * 100)
  })

  test('the ticket differs in nearly every byte on every response, and each page’s ticket decides', async () => {
    const bff = useBff({ fixtures: world() })
    const pages: string[] = []
    for (let i = 0; i < 2; i += 1) {
      const response = await bff.request(consentPath, { as: 'alice', headers: { 'Accept-Encoding': 'gzip' } })
      pages.push(gunzipSync(Buffer.from(await response.arrayBuffer())).toString('utf8'))
    }
    const [first, second] = pages.map((html) => {
      const found = [...new Set(ticketsIn(html))]
      expect(found).toHaveLength(1)
      return found[0] ?? ''
    })
    expect(first).not.toBe(second)
    const [a, b] = [Buffer.from(first ?? '', 'base64url'), Buffer.from(second ?? '', 'base64url')]
    // Unmasked they would share their whole opening (version, session binding, client…).
    expect(a.filter((byte, i) => byte === b[i]).length / a.length).toBeLessThan(0.05)

    const { language } = await bff.consent('alice', WEB_APP)
    const chosen = manySamples.slice(0, 2).map(({ biosample_id, type }) => ({ biosample_id, type }))
    const authorized = await bff.request('/api/oauth2/authorize', { method: 'POST', as: 'alice', json: { ticket: first, language, ...WEB_APP, state: 'reflected-state', separate_consent: true, biosample_ids: chosen } })
    expect(authorized.status).toBe(200)
    expect(await authorized.json()).toMatchObject({ redirect_to: expect.stringContaining('code=') })
    const denied = await bff.request('/api/oauth2/deny', { method: 'POST', as: 'alice', json: { ticket: second, language, ...WEB_APP, state: 'reflected-state' } })
    expect(denied.status).toBe(200)
    expect(await denied.json()).toMatchObject({ redirect_to: expect.stringContaining('error=access_denied') })
  })

  test('/api answers are not compressed', async () => {
    const bff = useBff({ fixtures: world() })
    const response = await bff.request('/api/biosamples', { as: 'alice', headers: { 'Accept-Encoding': 'gzip' } })
    expect(response.status).toBe(200)
    expect(response.headers.get('Content-Encoding')).toBeNull()
  })
})
