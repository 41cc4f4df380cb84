import { useTranslation } from '@/lib/i18n'
import type { ConsentDecision } from '@/contract/records'

// The words say what happened; the colour only echoes them.
const COLOURS: Record<ConsentDecision, string> = {
  authorize: 'bg-emerald-100 text-emerald-900 ring-emerald-300 dark:bg-emerald-950 dark:text-emerald-100 dark:ring-emerald-700',
  deny: 'bg-slate-100 text-slate-900 ring-slate-300 dark:bg-slate-800 dark:text-slate-100 dark:ring-slate-600',
  revoke: 'bg-red-100 text-red-900 ring-red-300 dark:bg-red-950 dark:text-red-100 dark:ring-red-800',
}

/** "Authorized", "Denied" or "Revoked", as a small label. */
export function DecisionBadge({ decision }: { decision: ConsentDecision }) {
  const { t } = useTranslation()
  return (
    <span className={`inline-flex items-center rounded-full px-2.5 py-0.5 text-sm font-medium ring-1 print:ring-0 ${COLOURS[decision]}`}>
      {t(`activity.decision.${decision}`)}
    </span>
  )
}
