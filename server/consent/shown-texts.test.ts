import { describe, expect, test } from 'vitest'
import { SUPPORTED_LANGUAGES } from '../../src/contract/languages'
import { canonicalConsentText } from '../../src/contract/records'
import { catalogueScopeTexts } from '../../src/contract/scope-catalogue'
import { PLATFORM_SCOPES as COPIED } from '../../test/support/platform-scopes'
import { PLATFORM_SCOPES } from '../sandbox/platform-scopes'
import { displayedScopes, expectedDigests, shownTextsDigest } from './shown-texts'

test('the web tests’ copy of the platform’s scopes is the sandbox’s', () => {
  expect(COPIED).toEqual(PLATFORM_SCOPES)
})

test('no catalogue scope text holds ICU syntax, so what the page renders is the raw text the BFF expects', () => {
  const texts = catalogueScopeTexts()
  expect(texts.length).toBe(SUPPORTED_LANGUAGES.length * PLATFORM_SCOPES.length * 2)
  for (const text of texts) expect(text, text).not.toMatch(/[{}']/)
})

describe('what the page displays', () => {
  test('Chinese: the platform’s own words; English: the catalogue’s for the platform’s scopes', () => {
    const scopes = [PLATFORM_SCOPES[0], { scope: 'partner.custom', title: '合作方', message: '合作方数据' }, { scope: 'partner.bare', title: '', message: '' }].flatMap((s) => s ?? [])
    expect(displayedScopes(scopes, 'zh-CN')).toEqual([
      { scope: 'profile.default', title: '基本信息', message: '读取头像、用户名、昵称以及性别等基本用户信息' },
      { scope: 'partner.custom', title: '合作方', message: '合作方数据' },
      // Nothing from the platform: the catalogue has no entry either, so the page shows the name.
      { scope: 'partner.bare', title: 'partner.bare', message: '' },
    ])
    expect(displayedScopes(scopes, 'en')).toEqual([
      { scope: 'profile.default', title: 'Basic profile', message: 'Read your avatar, user name, nickname, gender and other basic profile details' },
      { scope: 'partner.custom', title: '合作方', message: '合作方数据' },
      { scope: 'partner.bare', title: 'partner.bare', message: '' },
    ])
  })

  test('a ticket’s digests are those of the texts each language displays, and differ by language and app', () => {
    const digests = expectedDigests('Gene Insight', PLATFORM_SCOPES)
    for (const language of SUPPORTED_LANGUAGES) {
      const texts = { language, app_name: 'Gene Insight', scopes: displayedScopes(PLATFORM_SCOPES, language) }
      expect(digests[language]).toBe(shownTextsDigest(texts))
      expect(digests[language]).toMatch(/^[0-9a-f]{64}$/)
    }
    expect(digests.en).not.toBe(digests['zh-CN'])
    expect(expectedDigests('Gene Insight 2', PLATFORM_SCOPES).en).not.toBe(digests.en)
  })

  test('the digest is SHA-256 over the canonical form’s UTF-8 bytes', () => {
    const texts = { language: 'zh-CN' as const, app_name: '基因', scopes: [{ scope: 's', title: '标题', message: 'm' }] }
    // Version 1, as records before issue 19 hashed it.
    expect(canonicalConsentText(texts, 1)).toBe('["zh-CN","基因",[["s","标题","m"]]]')
    expect(canonicalConsentText(texts)).toBe('[2,"zh-CN","基因",[["s","标题","m"]],null]')
    // sha256 of that string, computed independently (printf '%s' '…' | sha256sum).
    expect(shownTextsDigest(texts)).toBe('d582578df259c9b1224b762839fdc216ec47690bad4ddaa68df1deb5302a72ab')
  })
})
