import { useId } from 'react'
import { Link } from 'react-router'
import { AppLogo } from '@/components/ui/app-logo'
import type { VanishedGrant } from '@/contract/records'
import { useTimeZone } from '@/lib/clock'
import { formatDate } from '@/lib/format'
import { useTranslation } from '@/lib/i18n'
import { receiptPath } from '@/lib/records'

interface VanishedNoticesProps {
  vanished: readonly VanishedGrant[] | undefined
  /** The catalogue section of the page showing them (each page loads only its own). */
  section: 'grants' | 'activity'
  className?: string
}

/**
 * Grants recorded here as granted that the platform no longer lists, without a revoke made here,
 * said in plain words (SPEC.md "Consent records"). A note that is part of the page from the start,
 * not an error and not an announcement: a region with a heading, one paragraph per app.
 */
export function VanishedNotices({ vanished, section, className = '' }: VanishedNoticesProps) {
  const { t, language } = useTranslation()
  const timeZone = useTimeZone()
  const titleId = useId()
  if (!vanished?.length) return null
  return (
    <section
      aria-labelledby={titleId}
      className={`rounded-lg border border-sky-300 bg-sky-50 px-4 py-3 text-sm text-sky-950 dark:border-sky-800 dark:bg-sky-950 dark:text-sky-100 ${className}`}
    >
      <h2 id={titleId} className="font-semibold">
        {t(`${section}.vanished.title`)}
      </h2>
      <ul className="mt-2 grid gap-3">
        {vanished.map((grant) => (
          <li key={`${grant.client_id} ${grant.record_id}`} className="flex gap-3">
            <AppLogo name={grant.app_name} logo={grant.app_logo} size="sm" className="mt-0.5" />
            <div className="min-w-0">
              <p className="break-words">{t(`${section}.vanished.notice`, { name: grant.app_name })}</p>
              <p className="mt-0.5">
                <time dateTime={grant.granted_at}>{t(`${section}.vanished.grantedOn`, { date: formatDate(grant.granted_at, language, timeZone) })}</time>{' '}
                <Link to={receiptPath(grant.record_id)} className="font-medium underline underline-offset-4">
                  {t(`${section}.vanished.receipt`, { name: grant.app_name })}
                </Link>
              </p>
            </div>
          </li>
        ))}
      </ul>
    </section>
  )
}
