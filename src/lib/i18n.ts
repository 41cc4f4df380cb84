// The page's language: zh-CN by default, English on request (SPEC.md "Quality bars"). Each
// catalogue is its own chunk, compiled at build time (vite.config.ts) so no message parser ships;
// only the reader's language is fetched, and the BFF preloads it from index.html (server/pages/spa.ts).
import { i18n, setupI18n, type I18n, type Messages } from '@lingui/core'
import { createContext, useCallback, useContext, useSyncExternalStore } from 'react'
import { DEFAULT_LANGUAGE, isLanguage, LANGUAGE_COOKIE, type Language } from '@/contract/languages'
import { LAZY_SECTIONS, type LazySection } from '@/contract/routes'
import type en from '@/locales/en.json'
import { rememberPreference } from './preference-cookie'

/** Every key of en.json (the source of truth) as a dotted path: a missing key is a type error. */
type KeyOf<T, Prefix extends string = ''> = {
  [K in keyof T & string]: T[K] extends string ? `${Prefix}${K}` : KeyOf<T[K], `${Prefix}${K}.`>
}[keyof T & string]
export type MessageKey = KeyOf<typeof en>
export type MessageValues = Record<string, string | number>

/** The language the page is in now. */
export function currentLanguage(): Language {
  return languageOf(i18n)
}

/** Switch the page's language and remember the choice for a year. */
export async function setLanguage(lang: Language): Promise<void> {
  rememberPreference(LANGUAGE_COOKIE, lang)
  await activate(lang)
}

/**
 * Parts of a catalogue: `core` for every page, the rest fetched by the one page that uses them
 * (`problems`: the consent page's explanations of a request it refuses, src/features/consent).
 */
export type CatalogueSection = 'core' | LazySection

// Literal imports, so the build knows every chunk (and the BFF can find them in the manifest).
const catalogues: Record<Language, Record<CatalogueSection, () => Promise<{ default: Messages }>>> = {
  en: {
    core: () => import('@/locales/en.json?messages'),
    preview: () => import('@/locales/en.json?messages=preview'),
    grants: () => import('@/locales/en.json?messages=grants'),
    activity: () => import('@/locales/en.json?messages=activity'),
    signin: () => import('@/locales/en.json?messages=signin'),
    problems: () => import('@/locales/en.json?messages=problems'),
    verify: () => import('@/locales/en.json?messages=verify'),
  },
  'zh-CN': {
    core: () => import('@/locales/zh-CN.json?messages'),
    preview: () => import('@/locales/zh-CN.json?messages=preview'),
    grants: () => import('@/locales/zh-CN.json?messages=grants'),
    activity: () => import('@/locales/zh-CN.json?messages=activity'),
    signin: () => import('@/locales/zh-CN.json?messages=signin'),
    problems: () => import('@/locales/zh-CN.json?messages=problems'),
    verify: () => import('@/locales/zh-CN.json?messages=verify'),
  },
}

/** Sections the page has asked for so far; every instance and language gets all of them. */
const wantedSections = new Set<CatalogueSection>(['core'])
/** Compiled sections fetched so far, shared by the page's instance and every scoped one. */
const fetched = new Map<string, Promise<Messages>>()
const resolved = new Map<string, Messages>()

function fetchSection(lang: Language, section: CatalogueSection): Promise<Messages> {
  const key = `${lang}/${section}`
  let pending = fetched.get(key)
  if (!pending) {
    pending = catalogues[lang][section]().then((module) => {
      resolved.set(key, module.default)
      return module.default
    })
    fetched.set(key, pending)
  }
  return pending
}

export async function loadMessages(lang: Language): Promise<Messages> {
  const parts = await Promise.all([...wantedSections].map((section) => fetchSection(lang, section)))
  return Object.assign({}, ...parts) as Messages
}

/** Every wanted section of `lang`, if all are already here. */
export function loadedMessages(lang: Language): Messages | undefined {
  const parts = [...wantedSections].map((section) => resolved.get(`${lang}/${section}`))
  return parts.every((part) => part !== undefined) ? (Object.assign({}, ...parts) as Messages) : undefined
}

/**
 * The language the page is switching to, from the moment the switch starts: a section asked for
 * meanwhile (a route loader runs before the first language is active) loads in that language.
 */
let activating: Language | undefined

async function activate(lang: Language): Promise<void> {
  activating = lang
  activateWith(lang, await loadMessages(lang))
}

/** `lang` with its `messages`, at once. */
export function activateWith(lang: Language, messages: Messages): void {
  i18n.load(lang, messages)
  i18n.activate(lang)
}

/**
 * Fetches a page's own catalogue section (in the page's language and in every scoped one); the
 * router awaits it together with the page's code.
 */
export async function loadCatalogueSection(section: CatalogueSection): Promise<void> {
  if (wantedSections.has(section)) return
  wantedSections.add(section)
  const languages = new Set<Language>([activating ?? currentLanguage(), ...scopedInstances.keys()])
  await Promise.all(
    [...languages].map(async (lang) => {
      const messages = await fetchSection(lang, section)
      i18n.load(lang, messages)
      scopedInstances.get(lang)?.load(lang, messages)
    }),
  )
}

/**
 * The browser's page in `lang`, the language the server rendered it in, with the catalogue
 * `sections` that render used: the page hydrates once this resolves (src/start.tsx).
 */
export async function startI18n(lang: Language, sections: readonly CatalogueSection[]): Promise<void> {
  for (const section of sections) wantedSections.add(section)
  await activate(lang)
  i18n.on('change', followLanguage)
}

/**
 * A server render's own instance in `lang`, with every section (src/entry-server.tsx): nothing is
 * shared with another render. `used` collects the lazy sections the render read a text from, so
 * the browser loads them before it hydrates.
 */
export async function renderI18n(lang: Language): Promise<{ instance: I18n; used: () => CatalogueSection[] }> {
  const sections: CatalogueSection[] = ['core', ...LAZY_SECTIONS]
  const parts = await Promise.all(sections.map((section) => fetchSection(lang, section)))
  const instance = setupI18n({ locale: lang, messages: { [lang]: Object.assign({}, ...parts) as Messages } })
  const used = new Set<CatalogueSection>()
  const translateText = instance._.bind(instance)
  instance._ = ((id: unknown, ...rest: unknown[]) => {
    if (typeof id === 'string') {
      const section = LAZY_SECTIONS.find((name) => id.startsWith(`${name}.`))
      if (section) used.add(section)
    }
    return (translateText as (...args: unknown[]) => string)(id, ...rest)
  }) as I18n['_']
  return { instance, used: () => [...used] }
}

/** The text of `key` in the page's language, ICU MessageFormat placeholders filled from `values`. */
export function translate(key: MessageKey, values?: MessageValues): string {
  return i18n._(key, values)
}

function knownIn(instance: I18n, key: string): string | undefined {
  return instance.messages[key] === undefined ? undefined : instance._(key)
}

/**
 * The text of a key computed at run time (a scope name, say) in the page's language, or undefined
 * when the catalogue has none. Components use `known` from `useTranslation()` instead, which
 * follows an `I18nScope` around them.
 */
export function knownMessage(key: string): string | undefined {
  return knownIn(i18n, key)
}

/** The instance components read: the page's, unless an `I18nScope` says otherwise. */
export const I18nContext = createContext<I18n>(i18n)

function languageOf(instance: I18n): Language {
  return isLanguage(instance.locale) ? instance.locale : DEFAULT_LANGUAGE
}

/** `t` for components; they re-render when the language changes. `known` is `knownMessage` for the same language. */
export function useTranslation(): { t: typeof translate; known: typeof knownMessage; language: Language } {
  const instance = useContext(I18nContext)
  const subscribe = useCallback((onChange: () => void) => instance.on('change', onChange), [instance])
  const snapshot = () => languageOf(instance)
  const language = useSyncExternalStore(subscribe, snapshot, snapshot)
  const t = useCallback<typeof translate>((key, values) => instance._(key, values), [instance])
  const known = useCallback((key: string) => knownIn(instance, key), [instance])
  return instance === i18n ? { t: translate, known: knownMessage, language } : { t, known, language }
}

/**
 * One instance per language for scoped parts of the page (src/lib/i18n-scope.ts, which only the
 * developer preview needs, so its code stays out of every other page's first load).
 */
export const scopedInstances = new Map<Language, I18n>()

function followLanguage(): void {
  document.documentElement.lang = i18n.locale
  // Pages refine this with their own title (root layout); this is the baseline.
  document.title = translate('common.productName')
}

