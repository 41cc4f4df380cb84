import { Link } from 'react-router'
import { PAGE_ROUTES } from '@/contract/routes'
import type { ConsentAttempt, ConsentOutcome } from '@/contract/records'
import { useTranslation, type MessageKey } from '@/lib/i18n'

/** Where an attempt stands now, as the activity pages show it. */
export type AttemptState = 'authorize' | 'deny' | 'revoke' | 'failed' | 'unknown'

const STATE_OF_OUTCOME: Record<ConsentOutcome, AttemptState> = {
  granted: 'authorize',
  denied: 'deny',
  revoked: 'revoke',
  failed: 'failed',
  unknown: 'unknown',
}

export function attemptState(attempt: ConsentAttempt): AttemptState {
  return STATE_OF_OUTCOME[attempt.outcome]
}

const LABELS: Record<AttemptState, MessageKey> = {
  authorize: 'activity.decision.authorize',
  deny: 'activity.decision.deny',
  revoke: 'activity.decision.revoke',
  failed: 'activity.outcome.failed',
  unknown: 'activity.outcome.unknown',
}

/** "Authorized", "Denied", "Revoked", "Did not go through" or "Not confirmed by BGE yet". */
export function useStateLabel(): (attempt: ConsentAttempt) => string {
  const { t } = useTranslation()
  return (attempt) => t(LABELS[attemptState(attempt)])
}

// The words say what happened; the colour and the mark only echo them. Each pair of text and
// background meets WCAG AA (4.5:1) in both schemes.
const COLOURS: Record<AttemptState, string> = {
  authorize: 'bg-emerald-100 text-emerald-900 ring-emerald-300 dark:bg-emerald-950 dark:text-emerald-100 dark:ring-emerald-700',
  deny: 'bg-slate-100 text-slate-900 ring-slate-300 dark:bg-slate-800 dark:text-slate-100 dark:ring-slate-600',
  revoke: 'bg-red-100 text-red-900 ring-red-300 dark:bg-red-950 dark:text-red-100 dark:ring-red-800',
  failed: 'bg-orange-100 text-orange-950 ring-orange-400 dark:bg-orange-950 dark:text-orange-100 dark:ring-orange-700',
  unknown: 'bg-amber-100 text-amber-950 ring-amber-400 dark:bg-amber-950 dark:text-amber-100 dark:ring-amber-700',
}

/** A shape besides the colour for the two states that need the person's attention. */
const MARKS: Partial<Record<AttemptState, string>> = { failed: '✕', unknown: '?' }

/** The card's left edge, in the badge's colour. */
export const STATE_EDGE: Record<AttemptState, string> = {
  authorize: 'border-l-emerald-600 dark:border-l-emerald-400',
  deny: 'border-l-slate-400 dark:border-l-slate-500',
  revoke: 'border-l-red-600 dark:border-l-red-400',
  failed: 'border-l-orange-600 dark:border-l-orange-400',
  unknown: 'border-l-amber-500 dark:border-l-amber-400',
}

/** The attempt's state as a small label. */
export function StateBadge({ attempt }: { attempt: ConsentAttempt }) {
  const label = useStateLabel()
  const state = attemptState(attempt)
  const mark = MARKS[state]
  return (
    <span className={`inline-flex items-center gap-1 rounded-full px-2.5 py-0.5 text-sm font-medium ring-1 print:ring-0 ${COLOURS[state]}`}>
      {mark ? (
        <span aria-hidden="true" className="font-bold">
          {mark}
        </span>
      ) : null}
      {label(attempt)}
    </span>
  )
}

const NOTES: Record<'failed' | 'unknown', Record<ConsentAttempt['record']['decision'], MessageKey>> = {
  failed: { authorize: 'activity.outcomeNote.failed.authorize', deny: 'activity.outcomeNote.failed.deny', revoke: 'activity.outcomeNote.failed.revoke' },
  unknown: { authorize: 'activity.outcomeNote.unknown.authorize', deny: 'activity.outcomeNote.unknown.deny', revoke: 'activity.outcomeNote.unknown.revoke' },
}

/**
 * What a failed or unconfirmed attempt means for the person, in a sentence; nothing for the others.
 * Whether the app has access then is for the grants page to say, so both point there.
 */
export function StateNote({ attempt, className = '' }: { attempt: ConsentAttempt; className?: string }) {
  const { t } = useTranslation()
  const state = attemptState(attempt)
  if (state !== 'failed' && state !== 'unknown') return null
  const { record } = attempt
  return (
    <p className={className}>
      {t(NOTES[state][record.decision], { name: record.app_name })}
      {record.decision === 'deny' ? null : (
        <>
          {' '}
          <Link to={PAGE_ROUTES.grants.path} className="font-medium text-brand-700 underline underline-offset-4 dark:text-brand-100">
            {t('activity.checkGrants')}
          </Link>
        </>
      )}
    </p>
  )
}
