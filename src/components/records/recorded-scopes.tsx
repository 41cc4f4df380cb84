import { useTranslation } from '@/lib/i18n'
import type { Language } from '@/contract/languages'
import type { RecordScope } from '@/contract/records'
import { SCOPE_TIERS } from '@/contract/scopes'
import { UpstreamText } from '@/components/ui/upstream-text'

interface RecordedScopesProps {
  scopes: readonly RecordScope[]
  /** The language the words were shown in (the record's), which may not be the page's. */
  language: Language
  /** The level of each tier's heading, below the caller's own. */
  headingLevel: 3 | 4
}

/**
 * A record's permissions as the person saw them: grouped by the tier recorded with each (highest
 * first, as the consent page shows them), each with its title and message exactly as recorded,
 * never re-translated. The tier headings are the page's, in its current language.
 */
export function RecordedScopes({ scopes, language, headingLevel }: RecordedScopesProps) {
  const { t } = useTranslation()
  const Heading = headingLevel === 3 ? 'h3' : 'h4'
  const tiers = SCOPE_TIERS.map((tier) => ({ tier, scopes: scopes.filter((scope) => scope.tier === tier) })).filter((group) => group.scopes.length > 0)
  return (
    <div className="grid gap-3">
      {tiers.map((group) => (
        <div key={group.tier} className="break-inside-avoid">
          <Heading className="text-sm font-semibold text-slate-800 dark:text-slate-200">{t(`consent.scopes.tiers.${group.tier}.heading`)}</Heading>
          <ul lang={language} className="mt-1 grid gap-1.5 border-l-2 border-slate-300 ps-3 dark:border-slate-600">
            {group.scopes.map((scope) => (
              <li key={scope.scope} className="text-sm">
                <span className="font-medium break-words"><UpstreamText>{scope.title}</UpstreamText></span>
                {scope.message ? <span className="block break-words text-slate-700 dark:text-slate-300"><UpstreamText>{scope.message}</UpstreamText></span> : null}
              </li>
            ))}
          </ul>
        </div>
      ))}
    </div>
  )
}
