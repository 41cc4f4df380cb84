import { useSuspenseInfiniteQuery } from '@tanstack/react-query'
import { useEffect, useId, useRef, useState } from 'react'
import { Link } from 'react-router'
import { AppLogo } from '@/components/ui/app-logo'
import { EmptyState, ListFilter } from '@/components/ui/list-filter'
import { Alert } from '@/components/ui/alert'
import { Button, buttonClassName } from '@/components/ui/button'
import { LiveRegion } from '@/components/ui/live-region'
import { Page } from '@/components/ui/page'
import { VanishedNotices } from '@/components/records/vanished-notices'
import { RECORDS_EXPORT_PATH } from '@/contract/kantara'
import { foldAttempts, type ConsentAttempt } from '@/contract/records'
import { useNow, useTimeZone } from '@/lib/clock'
import { formatDate, formatRelative } from '@/lib/format'
import { useTranslation } from '@/lib/i18n'
import { receiptPath, recordQueries } from '@/lib/records'
import { UpstreamText } from '@/components/ui/upstream-text'
import { attemptState, STATE_EDGE, StateBadge, StateNote, useStateLabel } from './attempt-state'

/** Past this many attempts the list gets a filter box, as the grants page does past five grants. */
const FILTER_FROM = 10

/** Attempts whose app name or client id contains `query`, ignoring case and surrounding spaces. */
export function filterAttempts(attempts: readonly ConsentAttempt[], query: string): readonly ConsentAttempt[] {
  const needle = query.trim().toLocaleLowerCase()
  if (!needle) return attempts
  return attempts.filter(({ record }) => record.app_name.toLocaleLowerCase().includes(needle) || record.client_id.toLocaleLowerCase().includes(needle))
}

/**
 * `/activity`: every authorize, deny and revoke the person made here, newest first: one row per
 * attempt, in the state it is in now (a record that settles an attempt is folded into it). The
 * BFF sends a page of records at a time; "Show older" adds the next one below (the list, the
 * filter and the count cover what is loaded), and says how many came.
 */
export function ActivityPage() {
  const { t, language } = useTranslation()
  const timeZone = useTimeZone()
  const { data, hasNextPage, fetchNextPage, isFetchingNextPage, isFetchNextPageError } = useSuspenseInfiniteQuery(recordQueries.pages())
  const [firstPage] = data.pages
  const purged = data.pages.at(-1)?.purged
  const attempts = foldAttempts(data.pages.flatMap((page) => page.records))
  const [query, setQuery] = useState('')
  const olderCount = attempts.length - foldAttempts(firstPage?.records ?? []).length
  // Keyboard and screen reader: once older decisions came, focus moves to the first of them (the
  // button it was on may be gone, as it is after the last page).
  const focusFrom = useRef<number | undefined>(undefined)
  const list = useRef<HTMLUListElement>(null)
  useEffect(() => {
    const from = focusFrom.current
    if (from === undefined || isFetchingNextPage) return
    focusFrom.current = undefined
    const first = attempts[from]
    if (first) list.current?.querySelector<HTMLElement>(`[data-record="${CSS.escape(first.record.id)}"] a`)?.focus()
  }, [attempts, isFetchingNextPage])
  function showOlder() {
    focusFrom.current = attempts.length
    void fetchNextPage()
  }

  const showFilter = attempts.length >= FILTER_FROM
  const activeQuery = showFilter ? query.trim() : ''
  const shown = filterAttempts(attempts, activeQuery)

  return (
    <Page width="wide">
      <h1 className="text-2xl font-semibold tracking-tight sm:text-3xl">{t('common.titles.activity')}</h1>
      <p className="mt-3 max-w-prose text-slate-700 dark:text-slate-300">{t('activity.intro')}</p>
      <VanishedNotices vanished={firstPage?.vanished} section="activity" className="mt-6" />
      <LiveRegion message={isFetchingNextPage ? t('activity.loadingOlder') : olderCount > 0 ? t('activity.olderLoaded', { count: olderCount }) : ''} />

      {attempts.length === 0 ? (
        <EmptyState title={t('activity.empty.title')}>{t('activity.empty.body')}</EmptyState>
      ) : (
        <>
          <p className="mt-6 text-sm font-medium text-slate-700 dark:text-slate-300">{t('activity.count', { count: attempts.length })}</p>
          {showFilter ? (
            <ListFilter
              label={t('activity.filterLabel')}
              value={query}
              onChange={setQuery}
              status={
                activeQuery
                  ? shown.length
                    ? t('activity.filterCount', { shown: shown.length, total: attempts.length })
                    : t('activity.noMatch', { query: activeQuery })
                  : null
              }
              clear={activeQuery && shown.length === 0 ? { label: t('activity.clearFilter') } : null}
            />
          ) : null}
          {shown.length ? (
            <ul ref={list} aria-label={t('activity.listLabel')} className="mt-4 grid gap-3">
              {shown.map((attempt) => (
                <li key={attempt.record.id} data-record={attempt.record.id}>
                  <AttemptCard attempt={attempt} />
                </li>
              ))}
            </ul>
          ) : null}
          {isFetchNextPageError ? (
            <Alert variant="error" className="mt-4">
              {t('activity.olderFailed')}
            </Alert>
          ) : null}
          {hasNextPage ? (
            <Button variant="secondary" className="mt-4" busy={isFetchingNextPage} onClick={showOlder}>
              {t('activity.showOlder')}
            </Button>
          ) : null}
        </>
      )}
      {/* Retention's marker ends the list: what was removed before the oldest record kept. */}
      {!hasNextPage && purged ? (
        <p className="mt-6 max-w-prose border-t border-slate-200 pt-4 text-sm text-slate-700 dark:border-slate-800 dark:text-slate-300">
          {t('activity.purged', { count: purged.count, date: formatDate(purged.through, language, timeZone) })}
        </p>
      ) : null}
      <RecordsExport />
    </Page>
  )
}

/**
 * Every record in one file (PIPL Art. 45: a copy of one's personal information), all pages of it,
 * not only those loaded here. A plain link: the BFF streams the file and names it.
 */
function RecordsExport() {
  const { t } = useTranslation()
  const titleId = useId()
  return (
    <section aria-labelledby={titleId} className="mt-8 max-w-prose border-t border-slate-200 pt-6 dark:border-slate-800">
      <h2 id={titleId} className="text-base font-semibold">
        {t('activity.signing.exportTitle')}
      </h2>
      <p className="mt-1 text-sm text-slate-700 dark:text-slate-300">{t('activity.signing.exportBody')}</p>
      <a href={RECORDS_EXPORT_PATH} download className={buttonClassName('secondary', 'mt-3')}>
        {t('activity.signing.export')}
      </a>
    </section>
  )
}

/** One decision: which app, what was decided and what became of it, when, which samples; and its receipt. */
function AttemptCard({ attempt }: { attempt: ConsentAttempt }) {
  const { t, language } = useTranslation()
  const timeZone = useTimeZone()
  const now = useNow()
  const stateLabel = useStateLabel()
  const nameId = useId()
  const { record } = attempt
  const date = formatDate(record.at, language, timeZone)
  const decision = stateLabel(attempt)
  const samples = record.biosamples
  return (
    <article
      aria-labelledby={nameId}
      className={`grid gap-3 rounded-xl border border-l-4 border-slate-200 bg-white p-4 shadow-sm sm:grid-cols-[minmax(0,1fr)_auto] sm:items-start sm:p-5 dark:border-slate-800 dark:bg-slate-900 ${STATE_EDGE[attemptState(attempt)]}`}
    >
      <div className="flex min-w-0 gap-3 sm:gap-4">
        <AppLogo name={record.app_name} logo={record.app_logo} size="sm" className="mt-0.5" />
        <div className="min-w-0 flex-1">
          <h2 id={nameId} className="text-base font-semibold break-words sm:text-lg">
            <UpstreamText>{record.app_name}</UpstreamText>
          </h2>
          <p className="mt-1 flex flex-wrap items-center gap-x-2 gap-y-1 text-sm text-slate-700 dark:text-slate-300">
            <StateBadge attempt={attempt} />
            <time dateTime={record.at}>{date}</time>
            <span aria-hidden="true">·</span>
            <span className="whitespace-nowrap">{formatRelative(record.at, language, now)}</span>
          </p>
          <p className="mt-1 text-sm break-words text-slate-600 dark:text-slate-400">
            {samples.length
              ? t('activity.samples', { count: samples.length, ids: samples.map((sample) => sample.biosample_id).join(', ') })
              : t('activity.noSamples')}
          </p>
          <StateNote attempt={attempt} className="mt-1 text-sm break-words text-slate-800 dark:text-slate-200" />
          {/* Records from before issue 19 have no signature and no place in the chain: said, not hidden. */}
          {record.chain_seq === null ? <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">{t('activity.signing.unsigned')}</p> : null}
        </div>
      </div>
      {/* The name starts with the visible text (WCAG 2.5.3) and says which decision it opens. */}
      <Link
        to={receiptPath(record.id)}
        aria-label={t('activity.openFor', { decision, name: record.app_name, date })}
        className="-ms-3 inline-flex min-h-target items-center justify-self-start rounded-lg px-3 text-sm font-medium text-brand-700 underline underline-offset-4 hover:bg-brand-50 sm:ms-0 sm:justify-self-end dark:text-brand-100 dark:hover:bg-slate-800"
      >
        {t('activity.open')}
      </Link>
    </article>
  )
}
