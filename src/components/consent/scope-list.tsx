import { useId } from 'react'
import { useTranslation } from '@/lib/i18n'
import type { Scope } from '@/contract/api'
import { isGenomicScope, isWriteScope } from '@/contract/scopes'
import { useScopeText } from './scope-text'

/** What the app will be able to do, one entry per requested scope; changes and genetic data flagged in words. */
export function ScopeList({ scopes }: { scopes: Scope[] }) {
  const { t } = useTranslation()
  const textOf = useScopeText()
  const headingId = useId()
  return (
    <section aria-labelledby={headingId}>
      <h2 id={headingId} className="text-lg font-semibold">
        {t('consent.scopes.heading')}
      </h2>
      {scopes.length === 0 ? (
        <p className="mt-2 text-slate-700 dark:text-slate-300">{t('consent.scopes.none')}</p>
      ) : (
        <ul className="mt-3 divide-y divide-slate-200 rounded-xl border border-slate-200 bg-white dark:divide-slate-800 dark:border-slate-800 dark:bg-slate-900">
          {scopes.map((scope) => {
            const text = textOf(scope)
            const write = isWriteScope(scope.scope)
            const genomic = isGenomicScope(scope.scope)
            return (
              <li key={scope.scope} className="px-4 py-3">
                <div className="flex flex-wrap items-center gap-2">
                  <span className="font-medium break-words">{text.title}</span>
                  {write ? <Badge tone="write">{t('consent.scopes.write')}</Badge> : null}
                  {genomic ? <Badge tone="genomic">{t('consent.scopes.genomic')}</Badge> : null}
                </div>
                {text.message ? <p className="mt-1 text-sm break-words text-slate-700 dark:text-slate-300">{text.message}</p> : null}
              </li>
            )
          })}
        </ul>
      )}
    </section>
  )
}

function Badge({ tone, children }: { tone: 'write' | 'genomic'; children: string }) {
  const colours =
    tone === 'write'
      ? 'bg-amber-100 text-amber-900 ring-amber-300 dark:bg-amber-950 dark:text-amber-100 dark:ring-amber-700'
      : 'bg-violet-100 text-violet-900 ring-violet-300 dark:bg-violet-950 dark:text-violet-100 dark:ring-violet-700'
  return <span className={`inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium ring-1 ${colours}`}>{children}</span>
}
