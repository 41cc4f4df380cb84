// Dates as people read them, in the page's language and the zone the page is rendered in
// (src/lib/clock.tsx): the same text on the server and in the browser, whatever zone either runs in.

// One formatter per language, zone and style: building one costs far more than using it, and a
// list of a thousand samples formats a thousand dates.
const formats = new Map<string, Intl.DateTimeFormat>()

function formatter(lang: string, timeZone: string, style: Pick<Intl.DateTimeFormatOptions, 'dateStyle' | 'timeStyle'>): Intl.DateTimeFormat {
  const key = `${lang}|${timeZone}|${style.dateStyle ?? ''}|${style.timeStyle ?? ''}`
  let format = formats.get(key)
  if (!format) {
    format = new Intl.DateTimeFormat(lang, { ...style, timeZone })
    formats.set(key, format)
  }
  return format
}

/** A calendar date such as "Mar 19, 2021" / "2021年3月19日" in `timeZone`; empty when `iso` is not a date. */
export function formatDate(iso: string, lang: string, timeZone: string): string {
  const date = parseDate(iso)
  return date ? formatter(lang, timeZone, { dateStyle: 'medium' }).format(date) : ''
}

/** "19 March 2021 at 15:00:41 GMT+8": date and time in `timeZone`, the zone named; empty when `iso` is not a date. */
export function formatDateTime(iso: string, lang: string, timeZone: string): string {
  const date = parseDate(iso)
  return date ? formatter(lang, timeZone, { dateStyle: 'long', timeStyle: 'long' }).format(date) : ''
}

const SECOND = 1000
const MINUTE = 60 * SECOND
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR

// Largest unit first; each applies from its threshold up. Months and years are approximate,
// which is what "3 months ago" means to a reader anyway.
const UNITS: { unit: Intl.RelativeTimeFormatUnit; ms: number; from: number }[] = [
  { unit: 'year', ms: 365 * DAY, from: 365 * DAY },
  { unit: 'month', ms: 30 * DAY, from: 30 * DAY },
  { unit: 'week', ms: 7 * DAY, from: 7 * DAY },
  { unit: 'day', ms: DAY, from: DAY },
  { unit: 'hour', ms: HOUR, from: HOUR },
  { unit: 'minute', ms: MINUTE, from: MINUTE },
]

/**
 * "3 days ago" / "3 天前", "yesterday" / "昨天", "now" / "现在", counted back from `now` (epoch ms: the
 * render's, so both sides say the same); empty when `iso` is not a date.
 */
export function formatRelative(iso: string, lang: string, now: number): string {
  const date = parseDate(iso)
  if (!date) return ''
  const format = new Intl.RelativeTimeFormat(lang, { numeric: 'auto' })
  const diff = date.getTime() - now
  const size = Math.abs(diff)
  const match = UNITS.find((entry) => size >= entry.from)
  if (!match) return format.format(0, 'second')
  return format.format(Math.sign(diff) * Math.floor(size / match.ms), match.unit)
}

function parseDate(iso: string): Date | undefined {
  if (!iso) return undefined
  const date = new Date(iso)
  return Number.isNaN(date.getTime()) ? undefined : date
}
