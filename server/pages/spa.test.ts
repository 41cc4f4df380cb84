import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, test } from 'vitest'
import { PAGE_ROUTES } from '../../src/contract/routes'
import { useBff } from '../../test/support/bff'
import { pickLanguage, preloadPlan } from './spa'

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
  'src/app/start.tsx': { file: 'assets/start-1.js', name: 'start', src: 'src/app/start.tsx', imports: ['_shared-1.js'] },
  '_shared-1.js': { file: 'assets/shared-1.js', name: 'shared' },
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
  const APP = ['/assets/start-1.js', '/assets/shared-1.js']
  const hrefs = (plan: ReturnType<typeof preloadPlan>, path: string, lang: 'en' | 'zh-CN') => plan(path, lang).map((preload) => preload.href)

  test('preloads the app, the reader’s catalogue and the page’s chunks that the app does not already load', () => {
    const plan = preloadPlan(distWith(MANIFEST))
    expect(hrefs(plan, '/oauth2/authorize', 'zh-CN')).toEqual([...APP, '/assets/zh-CN.json-1.js', '/assets/consent-1.js', '/assets/logo-1.js'])
    expect(hrefs(plan, '/oauth2/authorize', 'en')[2]).toBe('/assets/en.json-1.js')
  })

  test('marks the app’s own module, which the entry imports by its link', () => {
    const marked = preloadPlan(distWith(MANIFEST))('/grants', 'en').filter((preload) => preload.app)
    expect(marked).toEqual([{ href: '/assets/start-1.js', app: true }])
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

  test('without a readable manifest it preloads nothing', () => {
    expect(preloadPlan(join(tmpdir(), 'no-such-dist'))('/grants', 'en')).toEqual([])
    expect(preloadPlan(distWith({ 'index.html': { nope: 1 } }))('/grants', 'en')).toEqual([])
  })
})

describe('pickLanguage', () => {
  test.each([
    [undefined, undefined, 'zh-CN'],
    [undefined, 'en-US,en;q=0.9', 'en'],
    [undefined, 'zh-TW,en;q=0.5', 'zh-CN'],
    [undefined, 'zh-Hans-CN', 'zh-CN'],
    [undefined, 'fr-FR, en;q=0.8, zh;q=0.5', 'en'],
    [undefined, 'en;q=0, zh;q=0.1', 'zh-CN'],
    [undefined, 'de', 'zh-CN'],
    ['fr', 'en', 'en'],
    ['zh-CN', 'en-GB', 'zh-CN'],
  ] as const)('cookie %j, Accept-Language %j → %s', (cookie, acceptLanguage, lang) => {
    expect(pickLanguage(cookie, acceptLanguage)).toBe(lang)
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
    const response = await bff.request('/grants', { headers })
    const html = await response.text()
    expect(html).toContain(`<html lang="${lang}">`)
    expect(html.match(/<html lang=/g)).toHaveLength(1)
    expect(response.headers.get('Vary')).toMatch(/Accept-Language/)
    expect(response.headers.get('Cache-Control')).toBe('no-store')
  })

  test('every page of the SPA’s route list is served with 200, trailing slash or not; anything else with 404', async () => {
    const bff = useBff()
    for (const route of Object.values(PAGE_ROUTES)) {
      // A parameter stands for any one segment: a receipt's id, say.
      const path = route.path.replace(/:\w+/g, 'r-7Hq2xK9')
      for (const variant of path === '/' ? [path] : [path, `${path}/`]) {
        const response = await bff.request(variant)
        expect(response.status, variant).toBe(200)
        expect(await response.text()).toContain('<div id="root">')
      }
    }
    for (const path of ['/no/such/page', '/grants/extra', '/oauth2', '/index.html', '/activity/r-1/extra', '/activity//']) {
      const response = await bff.request(path)
      expect(response.status, path).toBe(404)
      expect(response.headers.get('Content-Type'), path).toMatch(/^text\/html/)
      expect(await response.text(), path).toContain('<div id="root">')
    }
  })

  test('the sign-in URL template reaches the page in a meta tag, {next} kept and the value escaped', async () => {
    const plain = useBff()
    expect(await (await plain.request('/grants')).text()).toContain('<meta name="bge-login-url" content="/signin?next={next}" />')

    const loginUrl = 'https://account.example/login?a=1&next={next}"><script>alert(1)</script>'
    const hostile = useBff({ env: { LOGIN_URL: loginUrl } })
    const html = await (await hostile.request('/no/such/page')).text()
    expect(html).toContain(
      '<meta name="bge-login-url" content="https://account.example/login?a=1&amp;next={next}&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;" />',
    )
    expect(html).not.toContain('<script>alert(1)')
  })

  test('the WeChat bridge meta tag is escaped the same way, and absent when not configured', async () => {
    const plain = useBff()
    expect(await (await plain.request('/grants')).text()).not.toContain('bge-wechat-bridge')
    const bff = useBff({ env: { WECHAT_BRIDGE_URL: 'https://res.wx.qq.com/js/sdk.js?a=1&b="2"' } })
    expect(await (await bff.request('/grants')).text()).toContain(
      '<meta name="bge-wechat-bridge" content="https://res.wx.qq.com/js/sdk.js?a=1&amp;b=&quot;2&quot;" />',
    )
  })
})
