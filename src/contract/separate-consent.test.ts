import { describe, expect, test } from 'vitest'
import en from '../locales/en.json'
import zhCN from '../locales/zh-CN.json'
import { SUPPORTED_LANGUAGES } from './languages'
import { needsSeparateConsent, separateConsentWords } from './separate-consent'
import { catalogueWordsFormat } from './separate-consent-catalogue'

describe('which scopes need the separate consent', () => {
  test('genetic ones (variant.*), writing ones too; no other tier', () => {
    expect(['variant.rsid', 'variant.chr', 'variant.rsid:write'].map(needsSeparateConsent)).toEqual([true, true, true])
    expect(['profile.default', 'sample.default:read', 'sample.default:write', 'survey.default', 'model.default', 'partner.variant'].map(needsSeparateConsent)).toEqual([
      false,
      false,
      false,
      false,
      false,
      false,
    ])
  })
})

describe('the words', () => {
  test('the catalogue messages hold plain {placeholders} only, so the page’s compiled catalogue and the BFF’s filling agree', () => {
    for (const section of [en.separateConsent.words, zhCN.separateConsent.words]) {
      for (const message of Object.values(section)) {
        // No ICU quoting ('), plural or select (#, nested braces): only {name}-style placeholders.
        expect(message.replace(/\{\w+\}/g, ''), message).not.toMatch(/[{}'#]/)
      }
    }
  })

  test('the label, then the five items, in both languages; the description quoted as the app’s own words', () => {
    const input = { appName: 'Gene Insight', appDescription: 'Explains your ancestry.', geneticScopes: [{ title: 'Variants', message: 'Reads rs numbers' }, { title: 'Chromosomes', message: '' }] }
    expect(separateConsentWords(input, catalogueWordsFormat('en'))).toEqual([
      'I agree that Gene Insight may read my genetic data',
      'What it is for, in Gene Insight’s own words: “Explains your ancestry.”',
      'What it can read: Variants (Reads rs numbers); Chromosomes',
      'What it can mean: genetic data reveals your health predispositions and ancestry, says things about your blood relatives too, and cannot be changed like a password.',
      'How it is protected: Gene Insight can read only the samples you choose on this page, and this portal keeps a receipt of your consent in these exact words.',
      'How to withdraw: press Revoke on My authorizations at any time. Copies Gene Insight already made are not deleted; to ask for that, contact Gene Insight.',
    ])
    expect(separateConsentWords(input, catalogueWordsFormat('zh-CN'))).toEqual([
      '我同意 Gene Insight 读取我的基因数据',
      '用途（以下是 Gene Insight 自己的说明）：“Explains your ancestry.”',
      '可读取的内容：Variants（Reads rs numbers）；Chromosomes',
      '意味着什么：基因数据能揭示你的健康风险和祖源，也会透露你血缘亲属的情况，而且无法像密码那样更换。',
      '如何保护：Gene Insight 只能读取你在本页选择的样品；本门户会按这些原文保存一份同意回执。',
      '如何撤回：你可以随时在“我的授权”中点击“撤销授权”。Gene Insight 已经复制的数据不会因此删除；如需删除，请联系 Gene Insight。',
    ])
  })

  test('an app that gave no description (or only blanks): the purpose says so instead of quoting nothing', () => {
    for (const language of SUPPORTED_LANGUAGES) {
      const [, purpose] = separateConsentWords({ appName: 'A', appDescription: ' \n', geneticScopes: [] }, catalogueWordsFormat(language))
      expect(purpose).toBe(language === 'en' ? 'What it is for: A has not described what it does with your data.' : '用途：A 没有说明它会如何使用你的数据。')
    }
  })

  test('the app’s texts are inserted as they are, never read as placeholders or replacement patterns', () => {
    const tricky = "{description} $& $' {name}"
    const words = separateConsentWords({ appName: tricky, appDescription: tricky, geneticScopes: [{ title: tricky, message: tricky }] }, catalogueWordsFormat('en'))
    expect(words[0]).toBe(`I agree that ${tricky} may read my genetic data`)
    expect(words[1]).toBe(`What it is for, in ${tricky}’s own words: “${tricky}”`)
    expect(words[2]).toBe(`What it can read: ${tricky} (${tricky})`)
  })
})
