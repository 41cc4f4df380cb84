// The page's language: zh-CN by default, English on request (SPEC.md "Quality bars"). Each
// catalogue is its own chunk, compiled at build time (vite.config.ts) so no message parser ships;
// only the reader's language is fetched, and the BFF preloads it from index.html (server/spa.ts).
import { i18n, type Messages } from '@lingui/core'
import { useSyncExternalStore } from 'react'
import type en from '@/locales/en.json'

export const SUPPORTED_LANGUAGES = ['zh-CN', 'en'] as const
export type Language = (typeof SUPPORTED_LANGUAGES)[number]

/** The reader's own choice; the BFF reads it too, to send `<html lang>` right the first time. */
export const LANGUAGE_COOKIE = 'bge_lang'

/** Every key of en.json (the source of truth) as a dotted path: a missing key is a type error. */
type KeyOf<T, Prefix extends string = ''> = {
  [K in keyof T & string]: T[K] extends string ? `${Prefix}${K}` : KeyOf<T[K], `${Prefix}${K}.`>
}[keyof T & string]
export type MessageKey = KeyOf<typeof en>
export type MessageValues = Record<string, string | number>

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
  return isLanguage(i18n.locale) ? i18n.locale : 'zh-CN'
}

/** Switch the page's language and remember the choice for a year. */
export async function setLanguage(lang: Language): Promise<void> {
  const secure = window.location.protocol === 'https:' ? '; Secure' : ''
  document.cookie = `${LANGUAGE_COOKIE}=${lang}; Path=/; Max-Age=${60 * 60 * 24 * 365}; SameSite=Lax${secure}`
  await activate(lang)
}

// Literal imports, so the build knows both chunks (and the BFF can find them in the manifest).
const catalogues: Record<Language, () => Promise<{ default: Messages }>> = {
  en: () => import('@/locales/en.json?messages'),
  'zh-CN': () => import('@/locales/zh-CN.json?messages'),
}
const loaded = new Set<Language>()

async function activate(lang: Language): Promise<void> {
  if (!loaded.has(lang)) {
    i18n.load(lang, (await catalogues[lang]()).default)
    loaded.add(lang)
  }
  i18n.activate(lang)
}

/** Loads the reader's language; the app renders once this resolves. */
export function startI18n(): Promise<void> {
  return activate(pickInitialLanguage(document.cookie, document.documentElement.lang, navigator.languages ?? [])).then(() => {
    followLanguage()
    i18n.on('change', followLanguage)
  })
}

/** The text of `key` in the page's language, ICU MessageFormat placeholders filled from `values`. */
export function translate(key: MessageKey, values?: MessageValues): string {
  return i18n._(key, values)
}

/** The text of a key computed at run time (a scope name, say), or undefined when the catalogue has none. */
export function knownMessage(key: string): string | undefined {
  return i18n.messages[key] === undefined ? undefined : i18n._(key)
}

function subscribe(onChange: () => void): () => void {
  return i18n.on('change', onChange)
}

/** `t` for components; they re-render when the language changes. */
export function useTranslation(): { t: typeof translate; language: Language } {
  const language = useSyncExternalStore(subscribe, currentLanguage)
  return { t: translate, language }
}

function followLanguage(): void {
  document.documentElement.lang = i18n.locale
  // Pages refine this with their own title (root layout); this is the baseline.
  document.title = translate('common.productName')
}

export { i18n }
