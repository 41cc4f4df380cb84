// Which words a scope is shown in. One rule for the consent page (which displays them) and the BFF
// (which checks that a decision names the words the page displayed, and records them). Browser-safe.
import type { Language } from './languages'

/** Catalogue keys cannot hold `.` (the separator of nested keys), so `sample.default:read` is `sample_default_read`. */
export function scopeCatalogueKey(scope: string): string {
  return scope.replace(/[.:]/g, '_')
}

export interface ScopeText {
  title: string
  message: string
}

/**
 * A catalogue entry of `language` by its full key (`scopes.profile_default.title`), or undefined
 * when the catalogue has none. The SPA passes its i18n lookup, the BFF reads the catalogue files.
 */
export type CatalogueLookup = (key: string, language: Language) => string | undefined

/**
 * A scope's title and message as a page in `language` displays them. The platform writes them in
 * Chinese, so the Chinese page shows its text as is; other languages use the catalogue's text for
 * the platform's known scopes and fall back to the platform's text for any other (its name when
 * the platform gave no title).
 */
export function displayedScopeText(scope: { scope: string; title: string; message: string }, language: Language, lookup: CatalogueLookup): ScopeText {
  if (language === 'zh-CN' && (scope.title || scope.message)) return { title: scope.title, message: scope.message }
  const key = `scopes.${scopeCatalogueKey(scope.scope)}`
  const title = lookup(`${key}.title`, language)
  const message = lookup(`${key}.message`, language)
  if (title !== undefined && message !== undefined) return { title, message }
  return { title: scope.title || scope.scope, message: scope.message }
}
