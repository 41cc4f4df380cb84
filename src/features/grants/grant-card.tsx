import { useId } from 'react'
import { Link } from 'react-router'
import { useTranslation } from '@/lib/i18n'
import { RecordedScopes } from '@/components/records/recorded-scopes'
import { Alert } from '@/components/ui/alert'
import { AppLogo } from '@/components/ui/app-logo'
import { Button } from '@/components/ui/button'
import { useNow, useTimeZone } from '@/lib/clock'
import { formatDate, formatRelative } from '@/lib/format'
import type { Grant } from '@/contract/api'
import type { ConsentRecord } from '@/contract/records'
import { receiptPath } from '@/lib/records'
import { UpstreamText } from '@/components/ui/upstream-text'
import { revokePagePath } from './api'

interface GrantCardProps {
  grant: Grant
  /** The latest authorize of this app that was granted, if the portal kept one (failed or unconfirmed ones are not what it holds). */
  record: ConsentRecord | undefined
  /** How many of the person's samples the grant does not include. */
  notShared: number
  /** The last attempt to revoke this grant failed: say so where the grant came back. */
  revokeFailed: boolean
  onRevoke: (grant: Grant) => void
}

/** One authorized app: who it is, since when, which samples it reads, and a way to end that. */
export function GrantCard({ grant, record, notShared, revokeFailed, onRevoke }: GrantCardProps) {
  const { t, language } = useTranslation()
  const timeZone = useTimeZone()
  const now = useNow()
  const nameId = useId()
  const date = formatDate(grant.grant_time, language, timeZone)
  const relative = formatRelative(grant.grant_time, language, now)
  const samples = grant.biosample_ids

  return (
    <article
      aria-labelledby={nameId}
      // Phone: one column, Revoke last and full width. Wider: Revoke beside the app's name.
      className="grid gap-4 rounded-xl border border-slate-200 bg-white p-4 shadow-sm sm:grid-cols-[minmax(0,1fr)_auto] sm:p-5 dark:border-slate-800 dark:bg-slate-900"
    >
      <div className="flex gap-3 sm:gap-4">
        <AppLogo name={grant.name} logo={grant.logo} />
        <div className="min-w-0 flex-1">
          <h2 id={nameId} className="text-lg font-semibold break-words">
            <UpstreamText>{grant.name}</UpstreamText>
          </h2>
          <p className="mt-0.5 text-sm text-slate-600 dark:text-slate-400">
            {t('grants.clientId')}{' '}
            <code className="font-mono break-all text-slate-800 dark:text-slate-200">{grant.client_id}</code>
          </p>
          {date ? (
            <p className="mt-0.5 text-sm text-slate-600 dark:text-slate-400">
              <time dateTime={grant.grant_time}>{t('grants.authorizedOn', { date })}</time>
              <span aria-hidden="true"> · </span>
              <span className="whitespace-nowrap">{relative}</span>
            </p>
          ) : null}
        </div>
      </div>

      <div className="sm:col-start-1">
        <h3 className="text-sm font-medium text-slate-800 dark:text-slate-200">
          {samples.length ? t('grants.samples', { count: samples.length }) : t('grants.noSamples')}
        </h3>
        {samples.length ? (
          <ul className="mt-2 flex flex-wrap gap-2">
            {samples.map((sample) => (
              <li
                key={sample.biosample_id}
                className="inline-flex max-w-full items-baseline gap-1.5 rounded-full bg-slate-100 px-3 py-1 text-sm dark:bg-slate-800"
              >
                <span className="font-mono break-all">{sample.biosample_id}</span>
                {sample.type ? <span className="text-slate-600 dark:text-slate-400">{sample.type}</span> : null}
              </li>
            ))}
          </ul>
        ) : null}
        {notShared ? <p className="mt-2 text-sm text-slate-700 dark:text-slate-300">{t('grants.notShared', { count: notShared })}</p> : null}
      </div>

      <AgreedTo record={record} />

      {revokeFailed ? (
        <Alert variant="error" role="none" className="sm:col-span-2">
          {t('grants.revokeFailedShort', { name: grant.name })}
        </Alert>
      ) : null}

      {/* Without script the button leads to the revoke page (a GET form, so it stays a button);
          with it, the page's dialog asks instead. */}
      <form method="get" action={revokePagePath(grant.client_id)} className="sm:col-start-2 sm:row-start-1 sm:self-start">
        {/* The name starts with the visible text (WCAG 2.5.3) and says which app it is for. */}
        <Button
          type="submit"
          variant="secondary"
          className="w-full sm:w-auto"
          aria-label={t('grants.revokeApp', { name: grant.name })}
          onClick={(event) => {
            event.preventDefault()
            onRevoke(grant)
          }}
        >
          {t('grants.revoke')}
        </Button>
      </form>
    </article>
  )
}

/** "What you agreed to": the words and samples of the latest authorize, or that there is no record. */
function AgreedTo({ record }: { record: ConsentRecord | undefined }) {
  const { t, language } = useTranslation()
  const timeZone = useTimeZone()
  return (
    <details className="group sm:col-start-1">
      <summary className="inline-flex min-h-target cursor-pointer items-center gap-1 rounded-lg font-medium text-brand-700 dark:text-brand-100">
        <span aria-hidden="true" className="inline-block transition-transform group-open:rotate-90 motion-reduce:transition-none">
          ›
        </span>
        {t('grants.agreed.summary')}
      </summary>
      <div className="mt-2 grid gap-3 text-sm">
        {record ? (
          <>
            <p className="text-slate-700 dark:text-slate-300">
              {t('grants.agreed.when', { date: formatDate(record.at, language, timeZone) })}
            </p>
            <RecordedScopes scopes={record.scopes} language={record.language} headingLevel={3} />
            <p className="break-words">
              {record.biosamples.length
                ? t('grants.agreed.samples', { count: record.biosamples.length, ids: record.biosamples.map((sample) => sample.biosample_id).join(', ') })
                : t('grants.agreed.noSamples')}
            </p>
            <Link to={receiptPath(record.id)} className="justify-self-start font-medium text-brand-700 underline underline-offset-4 dark:text-brand-100">
              {t('grants.agreed.receipt')}
            </Link>
          </>
        ) : (
          <p className="text-slate-700 dark:text-slate-300">{t('grants.agreed.noRecord')}</p>
        )}
      </div>
    </details>
  )
}
