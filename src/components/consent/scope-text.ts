import { useTranslation } from '@/lib/i18n'
import type { Scope } from '@/contract/api'
import { displayedScopeText, type ScopeText } from '@/contract/scope-text'

/** A scope's title and message in the component's language, by the rule the BFF checks decisions against. */
export function useScopeText(): (scope: Scope) => ScopeText {
  const { language, known } = useTranslation()
  return (scope) => displayedScopeText(scope, language, known)
}
