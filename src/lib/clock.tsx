// The render's clock: the "now" that "3 days ago" counts from and the zone dates are shown in,
// the same on the server (src/entry-server.tsx) and in the browser that hydrates its page
// (src/start.tsx), so both render the same text (issue #17). The zone is the person's once their
// browser has told the server (the `bge_tz` cookie, written here), the platform's before that.
import { createContext, useContext, useEffect, useMemo, useState, type ReactNode } from 'react'
import { isTimeZone, TIME_ZONE_COOKIE } from '@/contract/time-zone'
import { rememberPreference } from './preference-cookie'

export interface Clock {
  /** The render's "now" (epoch ms). */
  now: number
  /** The IANA zone dates are shown in. */
  timeZone: string
}

interface ClockState extends Clock {
  /** Shows dates in another zone from now on (the browser's own, after hydration). */
  adoptTimeZone: (timeZone: string) => void
}

const ClockContext = createContext<ClockState | null>(null)

/** The clock a tree renders with: the render state's `now` and `timeZone` on both sides. */
export function ClockProvider({ value, children }: { value: Clock; children: ReactNode }) {
  const [timeZone, adoptTimeZone] = useState(value.timeZone)
  const state = useMemo(() => ({ now: value.now, timeZone, adoptTimeZone }), [value.now, timeZone])
  return <ClockContext.Provider value={state}>{children}</ClockContext.Provider>
}

function useClock(): ClockState {
  const clock = useContext(ClockContext)
  // Without one, server and browser would each take their own clock: the mismatch this prevents.
  if (!clock) throw new Error('Dates are rendered outside a ClockProvider')
  return clock
}

/** The zone the page's dates are shown in. */
export function useTimeZone(): string {
  return useClock().timeZone
}

/** The render's "now" (epoch ms), for "3 days ago". */
export function useNow(): number {
  return useClock().now
}

/**
 * Tells the server the person's zone (a cookie, for the next page) when the browser's differs from
 * the one the page was rendered in, and shows this page's dates in it too. It runs after
 * hydration, so the first browser render matches the server's and only then do the dates change.
 */
export function RememberTimeZone(): null {
  const { timeZone, adoptTimeZone } = useClock()
  useEffect(() => {
    const browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone
    if (!isTimeZone(browserZone) || browserZone === timeZone) return
    rememberPreference(TIME_ZONE_COOKIE, browserZone)
    adoptTimeZone(browserZone)
  }, [timeZone, adoptTimeZone])
  return null
}
