import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, test } from 'vitest'
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
  'index.html': { file: 'assets/index-1.js', name: 'index', src: 'index.html', imports: ['_shared-1.js'] },
  '_shared-1.js': { file: 'assets/shared-1.js', name: 'shared' },
  '_logo-1.js': { file: 'assets/logo-1.js', name: 'logo', imports: ['_shared-1.js'] },
  'src/features/consent/consent-route.tsx': { file: 'assets/consent-1.js', name: 'consent-route', imports: ['_logo-1.js', '_shared-1.js'] },
  'locale-messages:core:/x/src/locales/en.json.js': { file: 'assets/en.json-1.js', name: 'en.json', src: 'locale-messages:core:/x/src/locales/en.json.js' },
  'locale-messages:core:/x/src/locales/zh-CN.json.js': { file: 'assets/zh-CN.json-1.js', name: 'zh-CN.json', src: 'locale-messages:core:/x/src/locales/zh-CN.json.js' },
  'locale-messages:preview:/x/src/locales/en.json.js': { file: 'assets/en.json-2.js', name: 'en.json', src: 'locale-messages:preview:/x/src/locales/en.json.js' },
  'locale-messages:grants:/x/src/locales/zh-CN.json.js': { file: 'assets/zh-CN.json-3.js', name: 'zh-CN.json', src: 'locale-messages:grants:/x/src/locales/zh-CN.json.js' },
}

describe('preloadPlan', () => {
  test('preloads the reader’s catalogue and the page’s chunks that the entry does not already load', () => {
    const plan = preloadPlan(distWith(MANIFEST))
    expect(plan('/oauth2/authorize', 'zh-CN')).toEqual(['/assets/zh-CN.json-1.js', '/assets/consent-1.js', '/assets/logo-1.js'])
    expect(plan('/oauth2/authorize', 'en')[0]).toBe('/assets/en.json-1.js')
  })

  test('the preview and grants also get their own catalogue section, in the reader’s language', () => {
    const plan = preloadPlan(distWith(MANIFEST))
    expect(plan('/developer/preview', 'en')).toEqual(['/assets/en.json-1.js', '/assets/en.json-2.js'])
    expect(plan('/grants', 'zh-CN')).toEqual(['/assets/zh-CN.json-1.js', '/assets/zh-CN.json-3.js'])
  })

  test('an unknown page gets its catalogue only', () => {
    expect(preloadPlan(distWith(MANIFEST))('/nowhere', 'en')).toEqual(['/assets/en.json-1.js'])
  })

  test('without a readable manifest it preloads nothing', () => {
    expect(preloadPlan(join(tmpdir(), 'no-such-dist'))('/grants', 'en')).toEqual([])
    expect(preloadPlan(distWith({ 'index.html': { nope: 1 } }))('/grants', 'en')).toEqual([])
  })
})
