import { useId, type ReactNode } from 'react'
import { LANGUAGE_NAMES } from '@/components/ui/language-options'
import { UpstreamText } from '@/components/ui/upstream-text'
import type { SinceLast, SinceLastCompared } from '@/contract/since-last'
import { useTimeZone } from '@/lib/clock'
import { formatDate } from '@/lib/format'
import { useTranslation } from '@/lib/i18n'
import { useScopeText } from './scope-text'

/** Whether the comparison found nothing but, perhaps, the samples (which the page lists either way). */
function nothingChanged(since: SinceLastCompared): boolean {
  return since.added.length === 0 && since.removed.length === 0 && since.changed.length === 0
}

/**
 * "What changed since you last agreed" (SPEC.md "Consent page"), above the scopes: what the app gets
 * now that it did not, what it no longer gets, whose words changed, and the samples shared then —
 * or that nothing did. Presentational: the comparison is the BFF's (src/contract/since-last.ts).
 */
export function SinceLastAgreed({ since }: { since: SinceLast }) {
  const { t, language } = useTranslation()
  const timeZone = useTimeZone()
  const headingId = useId()
  if (since.status === 'unavailable') {
    return (
      <section aria-labelledby={headingId} className="rounded-xl border border-slate-300 bg-slate-50 px-4 py-3 text-sm dark:border-slate-700 dark:bg-slate-900">
        <h2 id={headingId} className="text-base font-semibold">
          {t('sinceLast.heading')}
        </h2>
        <p className="mt-1 text-slate-700 dark:text-slate-300">{t('sinceLast.unavailable')}</p>
      </section>
    )
  }
  const date = formatDate(since.at, language, timeZone)
  const unchanged = nothingChanged(since)
  return (
    <section
      aria-labelledby={headingId}
      className={`rounded-xl border border-l-4 px-4 py-3 text-sm ${
        unchanged
          ? 'border-slate-200 border-l-slate-400 bg-white dark:border-slate-800 dark:border-l-slate-500 dark:bg-slate-900'
          : 'border-amber-300 border-l-amber-500 bg-amber-50 dark:border-amber-800 dark:border-l-amber-400 dark:bg-amber-950/60'
      }`}
    >
      <h2 id={headingId} className="text-base font-semibold">
        {t('sinceLast.heading')}
      </h2>
      {unchanged ? (
        <p className="mt-1 text-slate-800 dark:text-slate-200">{t('sinceLast.nothing', { date })}</p>
      ) : (
        <>
          <p className="mt-1 text-slate-800 dark:text-slate-200">{t('sinceLast.intro', { date })}</p>
          <Changes since={since} />
        </>
      )}
      <SamplesThen since={since} />
    </section>
  )
}

function Changes({ since }: { since: SinceLastCompared }) {
  const { t, language } = useTranslation()
  const textOf = useScopeText()
  // Removed and reworded scopes are in the words of the page agreed to, which may be another
  // language than this page's: said once, and marked with `lang` so a screen reader voices them right.
  const thenLang = since.language === language ? undefined : since.language
  return (
    <div className="mt-2 grid gap-3">
      {since.added.length > 0 ? (
        <ChangeGroup title={t('sinceLast.added', { count: since.added.length })}>
          {since.added.map((scope) => {
            // Displayed by the page's own rule in its language, as the scope list below shows it.
            const text = textOf(scope)
            return (
              <li key={scope.scope}>
                <ScopeWords title={text.title} message={text.message} />
              </li>
            )
          })}
        </ChangeGroup>
      ) : null}
      {since.removed.length > 0 ? (
        <ChangeGroup title={t('sinceLast.removed', { count: since.removed.length })}>
          {since.removed.map((scope) => (
            <li key={scope.scope} lang={thenLang}>
              <ScopeWords title={scope.title} message={scope.message} />
            </li>
          ))}
        </ChangeGroup>
      ) : null}
      {since.changed.length > 0 ? (
        <ChangeGroup title={t('sinceLast.changed', { count: since.changed.length })}>
          {since.changed.map((change) => {
            // Named once by its title now; the title is repeated under Then and Now only when it is what changed.
            const retitled = change.then.title !== change.now.title
            return (
              <li key={change.scope} lang={thenLang}>
                {retitled ? null : (
                  <span className="block font-medium break-words">
                    <UpstreamText>{change.now.title}</UpstreamText>
                  </span>
                )}
                <dl className="mt-0.5 grid gap-x-3 gap-y-1 grid-cols-[auto_minmax(0,1fr)]">
                  <dt lang={language} className="text-slate-600 dark:text-slate-400">{t('sinceLast.then')}</dt>
                  <dd>
                    <ScopeWords title={retitled ? change.then.title : ''} message={change.then.message} />
                  </dd>
                  <dt lang={language} className="text-slate-600 dark:text-slate-400">{t('sinceLast.now')}</dt>
                  <dd>
                    <ScopeWords title={retitled ? change.now.title : ''} message={change.now.message} />
                  </dd>
                </dl>
              </li>
            )
          })}
        </ChangeGroup>
      ) : null}
      {thenLang && (since.removed.length > 0 || since.changed.length > 0) ? (
        <p className="text-slate-700 dark:text-slate-300">{t('sinceLast.otherLanguage', { language: LANGUAGE_NAMES[thenLang] })}</p>
      ) : null}
    </div>
  )
}

function ChangeGroup({ title, children }: { title: string; children: ReactNode }) {
  const headingId = useId()
  return (
    <div>
      <h3 id={headingId} className="font-semibold">
        {title}
      </h3>
      <ul aria-labelledby={headingId} className="mt-1 grid gap-2">
        {children}
      </ul>
    </div>
  )
}

/** A scope's title (none when empty) and message. */
function ScopeWords({ title, message }: { title: string; message: string }) {
  return (
    <>
      {title ? (
        <span className="block font-medium break-words">
          <UpstreamText>{title}</UpstreamText>
        </span>
      ) : null}
      {message ? (
        <span className="block break-words text-slate-700 dark:text-slate-300">
          <UpstreamText>{message}</UpstreamText>
        </span>
      ) : null}
    </>
  )
}

/** The samples shared then; what is shared now is the picker's, which the note points to. */
function SamplesThen({ since }: { since: SinceLastCompared }) {
  const { t } = useTranslation()
  const headingId = useId()
  return (
    <div className="mt-3">
      <h3 id={headingId} className="font-semibold">
        {t('sinceLast.samplesThen', { count: since.samples_then.length })}
      </h3>
      {since.samples_then.length > 0 ? (
        <ul aria-labelledby={headingId} className="mt-1 flex flex-wrap gap-2">
          {since.samples_then.map((sample) => (
            <li key={sample.biosample_id} className="inline-flex max-w-full items-baseline gap-1.5 rounded-full bg-slate-100 px-3 py-1 dark:bg-slate-800">
              <span className="font-mono break-all">{sample.biosample_id}</span>
              {sample.type ? <span className="text-slate-600 dark:text-slate-400">{sample.type}</span> : null}
            </li>
          ))}
        </ul>
      ) : null}
      <p className="mt-1 text-slate-700 dark:text-slate-300">{t('sinceLast.samplesNow')}</p>
    </div>
  )
}
