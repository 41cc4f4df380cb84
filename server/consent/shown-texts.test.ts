import { describe, expect, test } from 'vitest'
import { SUPPORTED_LANGUAGES } from '../../src/contract/languages'
import { canonicalConsentText } from '../../src/contract/records'
import { catalogueScopeTexts } from '../../src/contract/scope-catalogue'
import { PLATFORM_SCOPES as COPIED } from '../../test/support/platform-scopes'
import { PLATFORM_SCOPES } from '../sandbox/platform-scopes'
import { displayedScopes, displayedSeparateConsent, expectedDigests, shownTextsDigest } from './shown-texts'

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

  test('a ticket’s digests are those of the texts each language displays, the separate consent’s words included, and differ by language and app', () => {
    const app = { name: 'Gene Insight', description: 'Explains your ancestry.' }
    const digests = expectedDigests(app, PLATFORM_SCOPES)
    for (const language of SUPPORTED_LANGUAGES) {
      const scopes = displayedScopes(PLATFORM_SCOPES, language)
      const separate = displayedSeparateConsent(language, app, scopes)
      expect(separate?.words).toHaveLength(6)
      expect(digests[language]).toBe(shownTextsDigest({ language, app_name: app.name, scopes, separate_consent: separate }))
      // Without the words it would be another digest: they are part of what the ticket vouches for.
      expect(digests[language]).not.toBe(shownTextsDigest({ language, app_name: app.name, scopes }))
      expect(digests[language]).toMatch(/^[0-9a-f]{64}$/)
    }
    expect(digests.en).not.toBe(digests['zh-CN'])
    expect(expectedDigests({ ...app, name: 'Gene Insight 2' }, PLATFORM_SCOPES).en).not.toBe(digests.en)
    // The description is quoted in the words: changed, the page shown is not the page decided on.
    expect(expectedDigests({ ...app, description: 'Sells your genome.' }, PLATFORM_SCOPES).en).not.toBe(digests.en)
  })

  test('without a genetic scope there is no separate consent, and the app’s description is not hashed', () => {
    const basic = PLATFORM_SCOPES.filter((s) => !s.scope.startsWith('variant.'))
    expect(displayedSeparateConsent('en', { name: 'A', description: 'd' }, displayedScopes(basic, 'en'))).toBeNull()
    expect(expectedDigests({ name: 'A', description: 'one' }, basic)).toEqual(expectedDigests({ name: 'A', description: 'two' }, basic))
  })

  test('the separate consent names the genetic scopes only, as each language displays them', () => {
    const app = { name: 'Gene Insight', description: '' }
    const scopes = PLATFORM_SCOPES.filter((s) => s.scope === 'variant.rsid' || s.scope === 'profile.default')
    const en = displayedSeparateConsent('en', app, displayedScopes(scopes, 'en'))
    const zh = displayedSeparateConsent('zh-CN', app, displayedScopes(scopes, 'zh-CN'))
    const rsid = (language: 'en' | 'zh-CN') => displayedScopes(scopes, language).find((s) => s.scope === 'variant.rsid')
    expect(en?.words[0]).toBe('I agree that Gene Insight may read my genetic data')
    expect(en?.words[1]).toBe('What it is for: Gene Insight has not described what it does with your data.')
    expect(en?.words[2]).toBe(`What it can read: ${rsid('en')?.title} (${rsid('en')?.message})`)
    expect(zh?.words[0]).toBe('我同意 Gene Insight 读取我的基因数据')
    expect(zh?.words[2]).toBe(`可读取的内容：${rsid('zh-CN')?.title}（${rsid('zh-CN')?.message}）`)
    expect(en?.words.join()).not.toMatch(/Basic profile/)
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
