import { useId, type ReactNode } from 'react'
import { Button } from '@/components/ui/button'
import { useTranslation } from '@/lib/i18n'
import type { CheckItem, CheckStatus } from './checklist'

interface ChecklistViewProps {
  items: CheckItem[]
  /** Shown inside the logo item: the logo itself, whose load or error decides that item. */
  logoProbe?: ReactNode
  /** When the app could not be checked at all (network, platform fault). */
  onRetry?: (() => void) | undefined
  retrying?: boolean
}

const TONES: Record<CheckStatus, string> = {
  pass: 'text-emerald-800 dark:text-emerald-300',
  warn: 'text-amber-800 dark:text-amber-300',
  fail: 'text-red-800 dark:text-red-300',
  na: 'text-slate-600 dark:text-slate-400',
  checking: 'text-sky-800 dark:text-sky-300',
}

/** Pass / warning / fail as an icon and a word (never colour alone), then what was found and the fix. */
export function ChecklistView({ items, logoProbe, onRetry, retrying = false }: ChecklistViewProps) {
  const { t } = useTranslation()
  const headingId = useId()
  const fail = items.filter((item) => item.status === 'fail').length
  const warn = items.filter((item) => item.status === 'warn').length
  return (
    <section aria-labelledby={headingId}>
      <h2 id={headingId} className="text-lg font-semibold">
        {t('preview.checklist.heading')}
      </h2>
      <p className="mt-1 text-sm text-slate-700 dark:text-slate-300">{t('preview.checklist.summary', { fail, warn })}</p>
      <ul className="mt-3 divide-y divide-slate-200 rounded-xl border border-slate-200 bg-white dark:divide-slate-800 dark:border-slate-800 dark:bg-slate-900">
        {items.map((item) => (
          <li key={item.id} data-check={item.id} className="grid grid-cols-[auto_minmax(0,1fr)] gap-x-3 px-4 py-3">
            <StatusIcon status={item.status} />
            <div className="min-w-0">
              <p className="flex flex-wrap items-baseline gap-x-2">
                <span className="font-medium">{t(item.title)}</span>
                <span className={`text-sm font-semibold ${TONES[item.status]}`}>{t(`preview.checklist.status.${item.status}`)}</span>
              </p>
              <div className={item.id === 'logo' && logoProbe ? 'mt-1 flex items-start gap-3' : 'mt-1'}>
                {item.id === 'logo' ? logoProbe : null}
                <div className="min-w-0">
                  <p className="text-sm break-words text-slate-700 dark:text-slate-300">{t(item.detail.key, item.detail.values)}</p>
                  {item.extra ? (
                    <p className="mt-1 text-sm break-all text-slate-700 dark:text-slate-300">{t(item.extra.key, item.extra.values)}</p>
                  ) : null}
                </div>
              </div>
              {item.fix ? (
                <p className="mt-1 text-sm break-words text-slate-900 dark:text-slate-100">
                  <span className="font-semibold">{t('preview.checklist.fix')}</span> {t(item.fix.key, item.fix.values)}
                </p>
              ) : null}
              {item.code ? <p className="mt-1 font-mono text-xs break-all text-slate-600 dark:text-slate-400">{t('common.errorCode', { code: item.code })}</p> : null}
              {item.id === 'app' && item.status === 'fail' && onRetry ? (
                <Button variant="secondary" className="mt-2" busy={retrying} onClick={onRetry}>
                  {t('preview.checklist.app.retry')}
                </Button>
              ) : null}
            </div>
          </li>
        ))}
      </ul>
    </section>
  )
}

function StatusIcon({ status }: { status: CheckStatus }) {
  const common = `mt-0.5 size-5 shrink-0 ${TONES[status]}`
  switch (status) {
    case 'pass':
      return (
        <svg aria-hidden="true" viewBox="0 0 20 20" fill="currentColor" className={common}>
          <path d="M10 1.5a8.5 8.5 0 1 0 0 17 8.5 8.5 0 0 0 0-17Zm4.2 6.3-5 5.2a.9.9 0 0 1-1.3 0L5.8 10.9a.9.9 0 1 1 1.3-1.3l1.5 1.5 4.3-4.5a.9.9 0 1 1 1.3 1.2Z" />
        </svg>
      )
    case 'warn':
      return (
        <svg aria-hidden="true" viewBox="0 0 20 20" fill="currentColor" className={common}>
          <path d="M8.6 2.6a1.6 1.6 0 0 1 2.8 0l7 12.4a1.6 1.6 0 0 1-1.4 2.4H3a1.6 1.6 0 0 1-1.4-2.4l7-12.4ZM9.1 7v4.8h1.8V7H9.1Zm.9 8.2a1.1 1.1 0 1 0 0-2.2 1.1 1.1 0 0 0 0 2.2Z" />
        </svg>
      )
    case 'fail':
      return (
        <svg aria-hidden="true" viewBox="0 0 20 20" fill="currentColor" className={common}>
          <path d="M10 1.5a8.5 8.5 0 1 0 0 17 8.5 8.5 0 0 0 0-17Zm3.3 10.5a.9.9 0 1 1-1.3 1.3L10 11.3l-2 2a.9.9 0 1 1-1.3-1.3l2-2-2-2A.9.9 0 1 1 8 6.7l2 2 2-2a.9.9 0 1 1 1.3 1.3l-2 2 2 2Z" />
        </svg>
      )
    case 'na':
      return (
        <svg aria-hidden="true" viewBox="0 0 20 20" fill="none" stroke="currentColor" strokeWidth="1.8" className={common}>
          <circle cx="10" cy="10" r="7.6" />
          <path d="M6.5 10h7" strokeLinecap="round" />
        </svg>
      )
    case 'checking':
      return (
        <svg aria-hidden="true" viewBox="0 0 20 20" fill="none" stroke="currentColor" strokeWidth="1.8" className={`${common} motion-safe:animate-spin`}>
          <path d="M10 2.4a7.6 7.6 0 1 1-7.6 7.6" strokeLinecap="round" />
        </svg>
      )
  }
}
