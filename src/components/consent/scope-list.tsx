import { useId } from 'react'
import { useTranslation } from '@/lib/i18n'
import type { GrantedScope } from '@/contract/api'
import { isWriteScope, SCOPE_TIERS, scopeTier, type ScopeTier } from '@/contract/scopes'
import { useScopeText } from './scope-text'
import { UpstreamText } from '@/components/ui/upstream-text'

/** A tier's colours only echo its heading, which says what the tier is: colour never carries the meaning. */
const ACCENT: Record<ScopeTier, { edge: string; head: string }> = {
  genetic: { edge: 'border-l-violet-500 dark:border-l-violet-400', head: 'bg-violet-50 dark:bg-violet-950/60' },
  changes: { edge: 'border-l-amber-500 dark:border-l-amber-400', head: 'bg-amber-50 dark:bg-amber-950/60' },
  health: { edge: 'border-l-sky-500 dark:border-l-sky-400', head: 'bg-sky-50 dark:bg-sky-950/60' },
  basic: { edge: 'border-l-slate-400 dark:border-l-slate-500', head: 'bg-slate-50 dark:bg-slate-800/60' },
}

/**
 * What the app will be able to do, grouped by tier, the most revealing first, each tier with one
 * sentence of what it means for the person; then that the permissions come only all together.
 * `scopes` is what a decision grants; when that is more than the link asked for, the ones it asked
 * for are marked and the page says why the others are listed too.
 */
export function ScopeList({ scopes }: { scopes: GrantedScope[] }) {
  const { t } = useTranslation()
  const textOf = useScopeText()
  const headingId = useId()
  // Marks on every scope would say nothing: they appear only when some granted scope was not asked for.
  const moreThanAsked = scopes.some((scope) => !scope.asked)
  const tiers = SCOPE_TIERS.map((tier) => ({ tier, scopes: scopes.filter((scope) => scopeTier(scope.scope) === tier) })).filter(
    (group) => group.scopes.length > 0,
  )
  return (
    <section aria-labelledby={headingId}>
      <h2 id={headingId} className="text-lg font-semibold">
        {t('consent.scopes.heading')}
      </h2>
      {tiers.length === 0 ? (
        <p className="mt-2 text-slate-700 dark:text-slate-300">{t('consent.scopes.none')}</p>
      ) : (
        <>
          <div className="mt-3 grid gap-3">
            {tiers.map((group) => (
              <div
                key={group.tier}
                role="group"
                aria-labelledby={`${headingId}-${group.tier}`}
                className={`overflow-hidden rounded-xl border border-l-4 border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900 ${ACCENT[group.tier].edge}`}
              >
                <div className={`px-4 py-3 ${ACCENT[group.tier].head}`}>
                  <h3 id={`${headingId}-${group.tier}`} className="font-semibold">{t(`consent.scopes.tiers.${group.tier}.heading`)}</h3>
                  <p className="mt-1 text-sm text-slate-700 dark:text-slate-300">{t(`consent.scopes.tiers.${group.tier}.meaning`)}</p>
                </div>
                <ul className="divide-y divide-slate-200 border-t border-slate-200 dark:divide-slate-800 dark:border-slate-800">
                  {group.scopes.map((scope) => {
                    const text = textOf(scope)
                    // Only a tier above "changes" can hold a write scope; its heading does not say so.
                    const alsoWrites = group.tier === 'genetic' && isWriteScope(scope.scope)
                    return (
                      <li key={scope.scope} className="px-4 py-3">
                        <div className="flex flex-wrap items-center gap-2">
                          <span className="font-medium break-words"><UpstreamText>{text.title}</UpstreamText></span>
                          {moreThanAsked && scope.asked ? (
                            <span className="inline-flex items-center rounded-full bg-slate-100 px-2 py-0.5 text-xs font-medium text-slate-800 ring-1 ring-slate-300 dark:bg-slate-800 dark:text-slate-100 dark:ring-slate-600">
                              {t('consent.scopes.asked')}
                            </span>
                          ) : null}
                          {alsoWrites ? (
                            <span className="inline-flex items-center rounded-full bg-amber-100 px-2 py-0.5 text-xs font-medium text-amber-900 ring-1 ring-amber-300 dark:bg-amber-950 dark:text-amber-100 dark:ring-amber-700">
                              {t('consent.scopes.alsoWrites')}
                            </span>
                          ) : null}
                        </div>
                        {text.message ? <p className="mt-1 text-sm break-words text-slate-700 dark:text-slate-300"><UpstreamText>{text.message}</UpstreamText></p> : null}
                      </li>
                    )
                  })}
                </ul>
              </div>
            ))}
          </div>
          {moreThanAsked ? <p className="mt-3 text-sm text-slate-700 dark:text-slate-300">{t('consent.scopes.moreThanAsked')}</p> : null}
          <p className="mt-3 text-sm text-slate-700 dark:text-slate-300">{t('consent.scopes.together')}</p>
        </>
      )}
    </section>
  )
}
