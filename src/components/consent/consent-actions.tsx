import { useId } from 'react'
import { useTranslation } from '@/lib/i18n'
import { Button } from '@/components/ui/button'
import { StillWaiting } from '@/components/ui/still-waiting'

/** The two answers to a consent request. */
export type Decision = 'authorize' | 'deny'

interface ConsentActionsProps {
  onAuthorize: () => void
  onDeny: () => void
  /** The decision in flight, if any: its button shows progress, both are disabled. */
  pending: Decision | null
  /** Why Authorize cannot be pressed yet; shown next to it and tied to it for screen readers. */
  authorizeBlockedReason?: string | undefined
  /** Both buttons off (offline, or a preview that is not ready). */
  disabled?: boolean
}

/**
 * Deny and Authorize. On a phone a bar stuck to the bottom of the screen; the root layout keeps
 * focused elements clear of it through `data-sticky-action-bar` (WCAG 2.4.11).
 */
export function ConsentActions({ onAuthorize, onDeny, pending, authorizeBlockedReason, disabled = false }: ConsentActionsProps) {
  const { t } = useTranslation()
  const reasonId = useId()
  const off = disabled || pending !== null
  return (
    <div
      data-sticky-action-bar
      className="sticky bottom-0 z-10 -mx-4 border-t border-slate-200 bg-white/95 px-4 pt-2 pb-[max(0.5rem,env(safe-area-inset-bottom))] backdrop-blur sm:static sm:mx-0 sm:border-0 sm:bg-transparent sm:p-0 sm:backdrop-blur-none dark:border-slate-800 dark:bg-slate-900/95 sm:dark:bg-transparent"
    >
      {authorizeBlockedReason ? (
        <p id={reasonId} className="mb-2 text-sm font-medium text-amber-900 sm:text-right dark:text-amber-200">
          {authorizeBlockedReason}
        </p>
      ) : null}
      {pending ? <StillWaiting className="mb-2 sm:text-right" /> : null}
      <div className="flex gap-3 sm:justify-end">
        <Button variant="secondary" className="flex-1 sm:flex-none sm:px-6" busy={pending === 'deny'} disabled={off} onClick={onDeny}>
          {t('consent.deny')}
        </Button>
        <Button
          className="flex-1 sm:flex-none sm:px-6"
          busy={pending === 'authorize'}
          disabled={off || Boolean(authorizeBlockedReason)}
          aria-describedby={authorizeBlockedReason ? reasonId : undefined}
          onClick={onAuthorize}
        >
          {t('consent.authorize')}
        </Button>
      </div>
    </div>
  )
}
