// The separate consent's words as the BFF recomputes them: the locale files' `separateConsent.words`
// read raw, their `{placeholders}` filled here (the SPA formats the same messages through its
// compiled catalogues). Browser-safe so the web tests can prove both give the same bytes, but no page
// imports it. The messages hold no ICU syntax beyond plain placeholders (tested), so filling them is
// all the formatting there is.
import en from '../locales/en.json'
import zhCN from '../locales/zh-CN.json'
import type { Language } from './languages'
import type { SeparateConsentKey, WordsFormat } from './separate-consent'

const PREFIX = 'separateConsent.words.'
const sections: Record<Language, Record<string, string>> = { en: en.separateConsent.words, 'zh-CN': zhCN.separateConsent.words }

/** `language`'s raw message for `key`; throws for a key the catalogue lacks (a build mistake, not input). */
export function rawSeparateConsentMessage(key: SeparateConsentKey, language: Language): string {
  const message = sections[language][key.slice(PREFIX.length)]
  if (message === undefined) throw new Error(`${language}: no message ${key}`)
  return message
}

/** The BFF's side of `WordsFormat`, in `language`. A value is inserted as is, never read as a message. */
export function catalogueWordsFormat(language: Language): WordsFormat {
  return (key, values = {}) =>
    rawSeparateConsentMessage(key, language).replace(/\{(\w+)\}/g, (placeholder, name: string) => values[name] ?? placeholder)
}
