// The catalogues' scope texts, read raw: the BFF's side of `displayedScopeText`'s lookup (the SPA
// reads the same texts through its compiled catalogues, src/lib/i18n.ts). Browser-safe, so the web
// tests can prove both sides display the same words, but no page imports it: it holds every text of
// both catalogues' `scopes` sections. They hold no ICU syntax (tested), so raw is what is rendered.
import en from '../locales/en.json'
import zhCN from '../locales/zh-CN.json'
import { SUPPORTED_LANGUAGES, type Language } from './languages'
import type { CatalogueLookup } from './scope-text'

type ScopeSection = Record<string, { title: string; message: string }>

/** Each language's `scopes` section by the keys the SPA's lookup uses (`scopes.profile_default.title`). */
const catalogues: Record<Language, Map<string, string>> = { en: flatten(en.scopes), 'zh-CN': flatten(zhCN.scopes) }

function flatten(section: ScopeSection): Map<string, string> {
  return new Map(
    Object.entries(section).flatMap(([key, text]) => [
      [`scopes.${key}.title`, text.title],
      [`scopes.${key}.message`, text.message],
    ]),
  )
}

export const catalogueLookup: CatalogueLookup = (key, language) => catalogues[language].get(key)

/** Every scope text of both catalogues. */
export function catalogueScopeTexts(): string[] {
  return SUPPORTED_LANGUAGES.flatMap((language) => [...catalogues[language].values()])
}
