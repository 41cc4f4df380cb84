import { useTranslation } from '@/lib/i18n'
import type { Scope } from '@/contract/api'

/** Catalogue keys cannot hold `.` (the separator of nested keys), so `sample.default:read` is `sample_default_read`. */
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
  const { language, known } = useTranslation()
  return (scope) => {
    if (language === 'zh-CN' && (scope.title || scope.message)) return { title: scope.title, message: scope.message }
    const key = `scopes.${scopeCatalogueKey(scope.scope)}`
    const title = known(`${key}.title`)
    const message = known(`${key}.message`)
    if (title !== undefined && message !== undefined) return { title, message }
    return { title: scope.title || scope.scope, message: scope.message }
  }
}
