import { describe, expect, test } from 'vitest'
import { pickLanguage } from './languages'

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
