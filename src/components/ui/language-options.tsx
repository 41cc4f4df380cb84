import { SUPPORTED_LANGUAGES, type Language } from '@/contract/languages'

// Each language named in itself, so a reader who cannot read the current one still finds theirs.
export const LANGUAGE_NAMES: Record<Language, string> = { 'zh-CN': '中文', en: 'English' }

/** The `<option>`s of a language `<select>`: the page's own switch and the preview's. */
export function LanguageOptions() {
  return SUPPORTED_LANGUAGES.map((lang) => (
    <option key={lang} value={lang} lang={lang}>
      {LANGUAGE_NAMES[lang]}
    </option>
  ))
}
