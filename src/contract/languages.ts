// The portal's languages, shared by the SPA (which shows them) and the BFF (which picks the
// language a page is rendered in). Browser-safe: no Node imports.

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

/**
 * The page's language, decided once by the server for both sides (the browser hydrates in the
 * language the page was rendered in): the `bge_lang` cookie first (the reader's own choice), then
 * Accept-Language, then the default.
 */
export function pickLanguage(cookie: string | undefined, acceptLanguage: string | undefined): Language {
  if (isLanguage(cookie)) return cookie
  const ranked = (acceptLanguage ?? '')
    .split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().split(';')
      const q = params.map((p) => /^\s*q=([\d.]+)/.exec(p)?.[1]).find(Boolean)
      return { tag, q: q === undefined ? 1 : Number(q), index }
    })
    .filter((entry) => entry.tag && entry.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index)
  for (const { tag } of ranked) {
    const language = languageOfTag(tag)
    if (language) return language
  }
  return DEFAULT_LANGUAGE
}
