import { describe, expect, test } from 'vitest'
import en from '@/locales/en.json'
import zhCN from '@/locales/zh-CN.json'
import { pickInitialLanguage } from './i18n'

function keysOf(value: unknown, prefix = ''): string[] {
  if (typeof value !== 'object' || value === null) return [prefix]
  return Object.entries(value).flatMap(([key, child]) => keysOf(child, prefix ? `${prefix}.${key}` : key))
}

describe('catalogues', () => {
  test('Chinese translates exactly the keys English has', () => {
    expect(keysOf(zhCN).sort()).toEqual(keysOf(en).sort())
  })

  test('no text is empty', () => {
    const texts = [en, zhCN].flatMap((catalogue) =>
      keysOf(catalogue).map((key) => key.split('.').reduce<unknown>((node, part) => (node as Record<string, unknown>)[part], catalogue)),
    )
    expect(texts.every((text) => typeof text === 'string' && text.trim() !== '')).toBe(true)
  })
})

describe('pickInitialLanguage', () => {
  test('the reader’s own choice wins', () => {
    expect(pickInitialLanguage('a=1; bge_lang=en; b=2', 'zh-CN', ['zh-CN'])).toBe('en')
    expect(pickInitialLanguage('bge_lang=zh-CN', 'en', ['en-US'])).toBe('zh-CN')
  })

  test('then the language the server chose for <html lang>', () => {
    expect(pickInitialLanguage('bge_lang=fr', 'en', ['zh-CN'])).toBe('en')
    expect(pickInitialLanguage('', 'zh-CN', ['en-US'])).toBe('zh-CN')
  })

  test('then the browser’s first Chinese or English preference', () => {
    expect(pickInitialLanguage('', '', ['fr-FR', 'en-GB', 'zh-TW'])).toBe('en')
    expect(pickInitialLanguage('', 'fr', ['ja', 'zh-Hant-HK', 'en'])).toBe('zh-CN')
    expect(pickInitialLanguage('', '', ['ZH'])).toBe('zh-CN')
  })

  test('else Chinese', () => {
    expect(pickInitialLanguage('', '', ['fr-FR', 'de'])).toBe('zh-CN')
    expect(pickInitialLanguage('', '', [])).toBe('zh-CN')
  })
})
