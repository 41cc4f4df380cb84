import { useId } from 'react'
import { useTranslation } from '@/lib/i18n'
import { Button } from '@/components/ui/button'
import { StillWaiting } from '@/components/ui/still-waiting'
import { CONSENT_FIELDS } from '@/contract/page-forms'

/** The two answers to a consent request. */
export type Decision = 'authorize' | 'deny'

interface ConsentActionsProps {
  /** The decision in flight, if any: its button shows progress, both are disabled. */
  pending: Decision | null
  /** Why Authorize cannot be sent yet; shown next to it and tied to it for screen readers. */
  authorizeBlockedReason?: string | undefined
  /** The person pressed Authorize while it could not be sent: the reason is announced. */
  reasonAnnounced?: boolean
  /** Both buttons off (offline, or a preview that is not ready). */
  disabled?: boolean
}

/**
 * Deny and Authorize, the consent form's two submit buttons (`decision`): they work from the
 * first paint, with or without script. Authorize is never disabled for a missing sample: what must
 * hold is checked when it is pressed (the form's `required`, the page's script, the server). On a
 * phone a bar stuck to the bottom of the screen; the root layout keeps focused elements clear of it
 * through `data-sticky-action-bar` (WCAG 2.4.11).
 */
export function ConsentActions({ pending, authorizeBlockedReason, reasonAnnounced = false, disabled = false }: ConsentActionsProps) {
  const { t } = useTranslation()
  const reasonId = useId()
  const off = disabled || pending !== null
  return (
    <div
      data-sticky-action-bar
      className="sticky bottom-0 z-10 -mx-4 border-t border-slate-200 bg-white/95 px-4 pt-2 pb-[max(0.5rem,env(safe-area-inset-bottom))] backdrop-blur sm:static sm:mx-0 sm:border-0 sm:bg-transparent sm:p-0 sm:backdrop-blur-none dark:border-slate-800 dark:bg-slate-900/95 sm:dark:bg-transparent"
    >
      {authorizeBlockedReason ? (
        <p id={reasonId} role={reasonAnnounced ? 'alert' : undefined} className="mb-2 text-sm font-medium text-amber-900 sm:text-right dark:text-amber-200">
          {authorizeBlockedReason}
        </p>
      ) : null}
      {pending ? <StillWaiting className="mb-2 sm:text-right" /> : null}
      <div className="flex gap-3 sm:justify-end">
        <Button
          type="submit"
          name={CONSENT_FIELDS.decision}
          value="deny"
          // Denying needs no sample: the form's constraints are for Authorize only.
          formNoValidate
          variant="secondary"
          className="flex-1 sm:flex-none sm:px-6"
          busy={pending === 'deny'}
          disabled={off}
        >
          {t('consent.deny')}
        </Button>
        <Button
          type="submit"
          name={CONSENT_FIELDS.decision}
          value="authorize"
          className="flex-1 sm:flex-none sm:px-6"
          busy={pending === 'authorize'}
          disabled={off}
          aria-describedby={authorizeBlockedReason ? reasonId : undefined}
        >
          {t('consent.authorize')}
        </Button>
      </div>
    </div>
  )
}
