import { useSuspenseQuery } from '@tanstack/react-query'
import { useId, type ReactNode } from 'react'
import { Link, useParams } from 'react-router'
import { RecordedScopes } from '@/components/records/recorded-scopes'
import { AppLogo } from '@/components/ui/app-logo'
import { Button, buttonClassName } from '@/components/ui/button'
import { Page } from '@/components/ui/page'
import { LANGUAGE_NAMES } from '@/components/ui/language-options'
import { receiptJsonPath } from '@/contract/kantara'
import { PAGE_ROUTES } from '@/contract/routes'
import { foldAttempts, type ConsentAttempt } from '@/contract/records'
import { useTimeZone } from '@/lib/clock'
import { formatDateTime } from '@/lib/format'
import { useTranslation } from '@/lib/i18n'
import { attemptOf, isInForce, receiptPath, recordQueries } from '@/lib/records'
import { sessionQueries } from '@/lib/session'
import { StateBadge, StateNote, useStateLabel } from './attempt-state'
import { SeparateConsentWords } from './separate-consent-words'
import { UpstreamText } from '@/components/ui/upstream-text'

/**
 * `/activity/:id`: one decision as a receipt — who, which app, what and when, the words shown,
 * the samples, where the person went, the fingerprint of the words and how to take it back.
 * Prints on one A4 page: the header, the links back and the buttons stay on screen only.
 */
export function ReceiptPage() {
  const { t, language } = useTranslation()
  const timeZone = useTimeZone()
  const { id = '' } = useParams()
  const { data: record } = useSuspenseQuery(recordQueries.detail(id))
  const { data: list } = useSuspenseQuery(recordQueries.list())
  const { data: session } = useSuspenseQuery(sessionQueries.current())
  const stateLabel = useStateLabel()
  // A record that settles an attempt shows as what it says of it; its own page points to the attempt.
  const attempt = attemptOf(record, list.records) ?? { record, outcome: record.outcome, resolution: undefined }
  const settles = record.resolves
  // A withdrawal's confirmation reports on a revoke: its page points to that revoke, as a settling record's does.
  const confirms = record.confirms
  const of = settles ?? confirms
  // Whether the decision is in force is the attempt's question, also when this record settles it.
  const decided = of === null ? attempt : foldAttempts(list.records).find((other) => other.record.id === of)

  return (
    <Page className="print:max-w-none print:p-0">
      <Link
        to={PAGE_ROUTES.activity.path}
        className="-ml-2 inline-flex min-h-target items-center rounded-lg px-2 text-sm font-medium text-brand-700 underline underline-offset-4 print:hidden dark:text-brand-100"
      >
        <span aria-hidden="true">←&nbsp;</span>
        {t('activity.receipt.back')}
      </Link>
      <h1 className="mt-2 text-2xl font-semibold tracking-tight sm:text-3xl print:mt-0 print:text-xl">{t('common.titles.receipt')}</h1>
      <p className="mt-2 text-slate-700 dark:text-slate-300 print:text-sm">{t('activity.receipt.intro')}</p>
      {settles === null ? null : (
        <p className="mt-4 rounded-lg border border-sky-300 bg-sky-50 px-4 py-3 text-sm text-sky-950 dark:border-sky-800 dark:bg-sky-950 dark:text-sky-100">
          {t('activity.receipt.settlesNote')}{' '}
          <Link to={receiptPath(settles)} className="font-medium underline underline-offset-4">
            {t('activity.receipt.settlesLink')}
          </Link>
        </p>
      )}
      {confirms === null ? null : (
        <p className="mt-4 rounded-lg border border-sky-300 bg-sky-50 px-4 py-3 text-sm text-sky-950 dark:border-sky-800 dark:bg-sky-950 dark:text-sky-100">
          {t('activity.withdrawal.confirmsNote')}{' '}
          <Link to={receiptPath(confirms)} className="font-medium underline underline-offset-4">
            {t('activity.withdrawal.confirmsLink')}
          </Link>
        </p>
      )}

      <div className="mt-6 flex items-center gap-3 rounded-xl border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900 print:mt-3 print:p-2">
        <AppLogo name={record.app_name} logo={record.app_logo} />
        <div className="min-w-0">
          <p className="text-lg font-semibold break-words"><UpstreamText>{record.app_name}</UpstreamText></p>
          <p className="mt-1 flex flex-wrap items-center gap-2 text-sm text-slate-700 dark:text-slate-300">
            <StateBadge attempt={attempt} />
            <time dateTime={record.at}>{formatDateTime(record.at, language, timeZone)}</time>
          </p>
        </div>
      </div>

      <dl className="mt-6 grid gap-x-6 gap-y-3 text-sm sm:grid-cols-[auto_minmax(0,1fr)] print:mt-3 print:grid-cols-[auto_minmax(0,1fr)] print:gap-y-1">
        <Field label={t('activity.receipt.who')}>
          <UpstreamText>{session.user.name}</UpstreamText> <span className="text-slate-600 dark:text-slate-400">({t('activity.receipt.userId', { id: record.user_id })})</span>
        </Field>
        <Field label={t('activity.receipt.app')}>
          <UpstreamText>{record.app_name}</UpstreamText>{' '}
          <span className="text-slate-600 dark:text-slate-400">
            ({t('activity.receipt.clientId')} <code className="font-mono break-all">{record.client_id}</code>)
          </span>
        </Field>
        <Field label={t('activity.receipt.decision')}>
          {stateLabel(attempt)}
          <StateNote attempt={attempt} className="mt-0.5 text-slate-700 dark:text-slate-300" />
        </Field>
        {of === null ? <Answer attempt={attempt} /> : null}
        {of === null ? <Confirmation attempt={attempt} /> : null}
        {of === null && record.previous_receipt !== null ? (
          <Field label={t('activity.previous.label')}>
            <Link to={receiptPath(record.previous_receipt)} className="font-medium text-brand-700 underline underline-offset-4 dark:text-brand-100">
              {t(record.decision === 'revoke' ? 'activity.previous.ends' : 'activity.previous.agreed')}
            </Link>
          </Field>
        ) : null}
        <Field label={t('activity.receipt.when')}>
          <time dateTime={record.at}>{formatDateTime(record.at, language, timeZone)}</time>
          <span className="block text-slate-600 dark:text-slate-400">
            {t('activity.receipt.utc')} <code className="font-mono">{record.at}</code>
          </span>
        </Field>
        <Field label={t('activity.receipt.sentTo')}>
          {record.redirect_host ? (
            <code className="font-mono break-all">{record.redirect_host}</code>
          ) : record.mini_program_name ? (
            t('activity.receipt.sentToMiniProgram', { name: record.mini_program_name })
          ) : (
            t('activity.receipt.sentNowhere')
          )}
        </Field>
        <Field label={t('activity.receipt.language')}>{LANGUAGE_NAMES[record.language]}</Field>
        <Field label={t('activity.receipt.recordId')}>
          <code className="font-mono break-all">{record.id}</code>
        </Field>
      </dl>

      <Section title={t('activity.receipt.scopes')}>
        {record.scopes.length ? (
          <RecordedScopes scopes={record.scopes} language={record.language} headingLevel={3} />
        ) : (
          <p className="text-sm text-slate-700 dark:text-slate-300">{t('activity.receipt.noScopes')}</p>
        )}
      </Section>

      {record.separate_consent ? (
        <Section title={t('activity.receipt.separateConsent.title')}>
          <SeparateConsentWords consent={record.separate_consent} language={record.language} />
        </Section>
      ) : null}

      <Section title={t('activity.receipt.samples')}>
        {record.biosamples.length ? (
          <ul className="flex flex-wrap gap-2 text-sm">
            {record.biosamples.map((sample) => (
              <li key={sample.biosample_id} className="inline-flex max-w-full items-baseline gap-1.5 rounded-full bg-slate-100 px-3 py-1 dark:bg-slate-800 print:bg-transparent print:px-0">
                <span className="font-mono break-all">{sample.biosample_id}</span>
                {sample.type ? <span className="text-slate-600 dark:text-slate-400">{sample.type}</span> : null}
              </li>
            ))}
          </ul>
        ) : (
          <p className="text-sm text-slate-700 dark:text-slate-300">{t('activity.receipt.noSamples')}</p>
        )}
      </Section>

      <Section title={t('activity.receipt.hash')}>
        <p className="font-mono text-sm break-all">{record.text_sha256}</p>
        <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">{t('activity.receipt.hashHelp')}</p>
        {record.chain_seq === null ? <p className="mt-2 text-sm text-slate-700 dark:text-slate-300">{t('activity.signing.unsignedReceipt')}</p> : null}
      </Section>

      <Section title={t('activity.receipt.revoke')}>
        <HowToRevoke attempt={attempt} inForce={decided !== undefined && isInForce(decided, list.records)} />
      </Section>

      <div className="mt-8 flex flex-wrap gap-3 print:hidden">
        <Button onClick={() => window.print()}>{t('activity.receipt.print')}</Button>
        {/* A plain link: the BFF names the file (consent-receipt-<id>.json) and adds the JWS; no JavaScript needed. */}
        <a href={receiptJsonPath(record.id)} download className={buttonClassName('secondary')}>
          {t('activity.receipt.download')}
        </a>
        <Link to={PAGE_ROUTES.verify.path} className="inline-flex min-h-target items-center text-sm font-medium text-brand-700 underline underline-offset-4 dark:text-brand-100">{t('activity.receipt.verify')}</Link>
      </div>
    </Page>
  )
}

function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <>
      <dt className="font-medium text-slate-600 dark:text-slate-400">{label}</dt>
      <dd className="-mt-2 break-words sm:mt-0 print:mt-0">{children}</dd>
    </>
  )
}

function Section({ title, children }: { title: string; children: ReactNode }) {
  const titleId = useId()
  return (
    <section aria-labelledby={titleId} className="mt-6 break-inside-avoid print:mt-3">
      <h2 id={titleId} className="mb-2 text-base font-semibold print:mb-1">
        {title}
      </h2>
      {children}
    </section>
  )
}

/**
 * When BGE's answer came, for an attempt that waited for one: the platform's definite answer that
 * settled it, or that none has come yet. Nothing for an attempt that was definite when written.
 */
function Answer({ attempt }: { attempt: ConsentAttempt }) {
  const { t, language } = useTranslation()
  const timeZone = useTimeZone()
  const { resolution } = attempt
  if (!resolution) {
    if (attempt.outcome !== 'unknown') return null
    return <Field label={t('activity.receipt.settled')}>{t('activity.receipt.noAnswer')}</Field>
  }
  const date = formatDateTime(resolution.at, language, timeZone)
  return (
    <Field label={t('activity.receipt.settled')}>
      <time dateTime={resolution.at}>
        {resolution.outcome === 'failed'
          ? t('activity.receipt.failedAt', { date })
          : resolution.outcome === 'unknown'
            ? t('activity.receipt.noAnswer')
            : t('activity.receipt.confirmedAt', { date })}
      </time>{' '}
      <span className="text-slate-600 dark:text-slate-400">
        ({t('activity.receipt.recordId')} <code className="font-mono break-all">{resolution.id}</code>)
      </span>
    </Field>
  )
}

/**
 * For a revoke BGE said it made: whether its list of the person's apps, read back right after,
 * no longer held the app (issue 19), or still did, or could not be read.
 */
function Confirmation({ attempt }: { attempt: ConsentAttempt }) {
  const { t, language } = useTranslation()
  const timeZone = useTimeZone()
  if (attempt.record.decision !== 'revoke' || attempt.outcome !== 'revoked') return null
  const { confirmation } = attempt
  if (!confirmation) return <Field label={t('activity.withdrawal.label')}>{t('activity.withdrawal.none')}</Field>
  const date = formatDateTime(confirmation.at, language, timeZone)
  return (
    <Field label={t('activity.withdrawal.label')}>
      <time dateTime={confirmation.at}>{t(confirmation.outcome === 'revoked' ? 'activity.withdrawal.confirmed' : 'activity.withdrawal.stillListed', { date })}</time>{' '}
      <Link to={receiptPath(confirmation.id)} className="text-slate-600 underline underline-offset-4 dark:text-slate-400">
        ({t('activity.receipt.recordId')} <code className="font-mono break-all">{confirmation.id}</code>)
      </Link>
    </Field>
  )
}

function HowToRevoke({ attempt, inForce }: { attempt: ConsentAttempt; inForce: boolean }) {
  const { t } = useTranslation()
  const { record, outcome } = attempt
  const toGrants = (
    <Link to={PAGE_ROUTES.grants.path} className="font-medium text-brand-700 underline underline-offset-4 dark:text-brand-100">
      {t('common.toGrants')}
    </Link>
  )
  if (record.decision === 'deny') return <p className="text-sm">{t('activity.receipt.revokeDeny')}</p>
  if (outcome === 'unknown') {
    return (
      <p className="text-sm">
        {t(record.decision === 'revoke' ? 'activity.receipt.revokeUnknownRevoke' : 'activity.receipt.revokeUnknownAuthorize')} {toGrants}
      </p>
    )
  }
  if (outcome === 'failed') {
    if (record.decision === 'authorize') return <p className="text-sm">{t('activity.receipt.revokeFailedAuthorize')}</p>
    return (
      <p className="text-sm">
        {t('activity.receipt.revokeFailedRevoke')} {toGrants}
      </p>
    )
  }
  if (record.decision === 'revoke') return <p className="text-sm">{t('activity.receipt.revokeRevoke')}</p>
  if (!inForce) return <p className="text-sm">{t('activity.receipt.revokeEnded')}</p>
  return (
    <p className="text-sm">
      {t('activity.receipt.revokeInForce')} {toGrants}
    </p>
  )
}
