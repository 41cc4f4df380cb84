// The portal's languages, shared by the SPA (which shows them) and the BFF (which picks `<html
// lang>` for the first paint). Browser-safe: no Node imports.

/** zh-CN first: the default for a reader who states no preference (SPEC.md "Quality bars"). */
export const SUPPORTED_LANGUAGES = ['zh-CN', 'en'] as const
export type Language = (typeof SUPPORTED_LANGUAGES)[number]
export const DEFAULT_LANGUAGE: Language = 'zh-CN'

/** The reader's own choice, remembered for a year; the BFF reads it too. */
export const LANGUAGE_COOKIE = 'bge_lang'

export function isLanguage(value: unknown): value is Language {
  return SUPPORTED_LANGUAGES.some((lang) => lang === value)
}

/** The supported language a BCP 47 tag asks for, if any (`zh-Hans-CN` → zh-CN, `en-GB` → en). */
export function languageOfTag(tag: string): Language | undefined {
  const lower = tag.trim().toLowerCase()
  if (lower === 'zh' || lower.startsWith('zh-')) return 'zh-CN'
  if (lower === 'en' || lower.startsWith('en-')) return 'en'
  return undefined
}
