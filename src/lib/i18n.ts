// The page's language: zh-CN by default, English on request (SPEC.md "Quality bars"). Both
// catalogues are bundled – they are small, and loading one later would delay the first paint.
import i18n from 'i18next'
import { initReactI18next } from 'react-i18next'
import en from '@/locales/en.json'
import zhCN from '@/locales/zh-CN.json'

export const SUPPORTED_LANGUAGES = ['zh-CN', 'en'] as const
export type Language = (typeof SUPPORTED_LANGUAGES)[number]

/** The reader's own choice; the BFF reads it too, to send `<html lang>` right the first time. */
export const LANGUAGE_COOKIE = 'bge_lang'

declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'translation'
    // en.json is the source of truth: keys missing there are type errors.
    resources: { translation: typeof en }
  }
}

export function isLanguage(value: unknown): value is Language {
  return SUPPORTED_LANGUAGES.some((lang) => lang === value)
}

/**
 * The language to start in: the `bge_lang` cookie, else `<html lang>` (the BFF chose it from
 * Accept-Language), else the browser's first Chinese or English preference, else Chinese.
 */
export function pickInitialLanguage(cookieHeader: string, htmlLang: string, browserLanguages: readonly string[]): Language {
  const fromCookie = cookieHeader
    .split(';')
    .map((part) => part.trim().split('='))
    .find(([name]) => name === LANGUAGE_COOKIE)?.[1]
  if (isLanguage(fromCookie)) return fromCookie
  if (isLanguage(htmlLang)) return htmlLang
  for (const tag of browserLanguages) {
    const lower = tag.toLowerCase()
    if (lower === 'zh' || lower.startsWith('zh-')) return 'zh-CN'
    if (lower === 'en' || lower.startsWith('en-')) return 'en'
  }
  return 'zh-CN'
}

/** The language the page is in now. */
export function currentLanguage(): Language {
  return isLanguage(i18n.language) ? i18n.language : 'zh-CN'
}

/** Switch the page's language and remember the choice for a year. */
export async function setLanguage(lang: Language): Promise<void> {
  const secure = window.location.protocol === 'https:' ? '; Secure' : ''
  document.cookie = `${LANGUAGE_COOKIE}=${lang}; Path=/; Max-Age=${60 * 60 * 24 * 365}; SameSite=Lax${secure}`
  await i18n.changeLanguage(lang)
}

function followLanguage(lang: string): void {
  document.documentElement.lang = lang
  // Pages refine this with their own title (root layout); this is the baseline.
  document.title = i18n.t('common.productName')
}

i18n.on('languageChanged', followLanguage)

void i18n.use(initReactI18next).init({
  resources: { en: { translation: en }, 'zh-CN': { translation: zhCN } },
  lng: pickInitialLanguage(document.cookie, document.documentElement.lang, navigator.languages ?? []),
  supportedLngs: [...SUPPORTED_LANGUAGES],
  // en.json is the source of truth, so a key not yet translated shows English, not its name.
  fallbackLng: 'en',
  // Resources are bundled: initialise synchronously so the first render already has them.
  initAsync: false,
  // React escapes text itself.
  interpolation: { escapeValue: false },
  react: { useSuspense: false },
})

export { i18n }
