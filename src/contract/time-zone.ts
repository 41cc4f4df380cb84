// The zone a page shows its dates in, decided by the server for both sides (issue #17): the
// person's own, once the browser has told it (the `bge_tz` cookie, src/lib/clock.tsx), else the
// platform's. Browser-safe: no Node imports.

/** The platform's home zone: its zone-less times are wall-clock time here, and pages show dates in it until the browser has said the person's. */
export const PLATFORM_TIME_ZONE = 'Asia/Shanghai'

/** The person's zone as their browser reported it, remembered for a year; the BFF reads it. */
export const TIME_ZONE_COOKIE = 'bge_tz'

/**
 * IANA names start with a letter and hold letters, digits and `_+-/`, well under this length;
 * anything else (an offset such as `+08:00`, which older browsers cannot format in) is not looked at.
 */
const ZONE_NAME = /^[A-Za-z][A-Za-z0-9_+\-/]{0,63}$/

/** The runtime's own spelling of a zone it knows (`asia/shanghai` → `Asia/Shanghai`), or undefined. */
function canonicalZone(value: string): string | undefined {
  if (!ZONE_NAME.test(value)) return undefined
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: value }).resolvedOptions().timeZone
  } catch {
    return undefined
  }
}

/** True for a time zone this runtime knows (an IANA name such as Asia/Shanghai, or UTC). */
export function isTimeZone(value: unknown): value is string {
  return typeof value === 'string' && canonicalZone(value) !== undefined
}

/** The zone a page is rendered in: the cookie's when it names a zone this runtime knows, else `fallback`. */
export function timeZoneOf(cookie: string | undefined, fallback: string = PLATFORM_TIME_ZONE): string {
  return (cookie === undefined ? undefined : canonicalZone(cookie)) ?? fallback
}
