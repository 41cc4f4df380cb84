import { useTranslation } from 'react-i18next'
import type { Scope } from '@/contract/api'

/** Catalogue keys cannot hold `.` (i18next's separator), so `sample.default:read` is `sample_default_read`. */
export function scopeCatalogueKey(scope: string): string {
  return scope.replace(/[.:]/g, '_')
}

interface ScopeText {
  title: string
  message: string
}

/**
 * A scope's title and message in the component's language. The platform writes them in Chinese,
 * so the Chinese UI shows its text as is; other languages use the catalogue's text for the
 * platform's known scopes and fall back to the platform's text for any other.
 */
export function useScopeText(): (scope: Scope) => ScopeText {
  const { i18n } = useTranslation()
  const lang = i18n.resolvedLanguage ?? i18n.language
  return (scope) => {
    if (lang === 'zh-CN' && (scope.title || scope.message)) return { title: scope.title, message: scope.message }
    const known: unknown = i18n.getResource(lang, 'translation', `scopes.${scopeCatalogueKey(scope.scope)}`)
    if (isScopeText(known)) return known
    return { title: scope.title || scope.scope, message: scope.message }
  }
}

function isScopeText(value: unknown): value is ScopeText {
  return typeof value === 'object' && value !== null && 'title' in value && 'message' in value
}
