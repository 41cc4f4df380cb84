import { useEffect, useState } from 'react'
import { useTranslation } from '@/lib/i18n'

/** How long a wait goes without a word (SPEC.md "Security"): past it, people start to wonder. */
export const STILL_WAITING_AFTER_MS = 3000

interface StillWaitingProps {
  /**
   * When the wait began, on `performance.now()`'s clock: 0 for the page's first load (its first
   * sketches replace one another, the wait goes on); by default, when this appears.
   */
  since?: number
  className?: string
}

/**
 * "Still waiting for the BGE platform…", shown and politely announced once a wait passes
 * `STILL_WAITING_AFTER_MS`, for every loading state: first loads, navigations, decisions in flight.
 * The region is there, empty, from the start, because screen readers only announce changes to a
 * region they already know.
 */
export function StillWaiting({ since, className = '' }: StillWaitingProps) {
  const { t } = useTranslation()
  const [late, setLate] = useState(false)
  useEffect(() => {
    const timer = setTimeout(() => setLate(true), (since ?? performance.now()) + STILL_WAITING_AFTER_MS - performance.now())
    return () => clearTimeout(timer)
  }, [since])
  return (
    <p role="status" aria-live="polite" className={`text-sm text-slate-700 dark:text-slate-300 ${className}`}>
      {late ? t('common.stillWaiting') : ''}
    </p>
  )
}
