// Dates as people read them, in the page's language and the reader's own time zone.

// One formatter per language: building one costs far more than using it, and a list of a
// thousand samples formats a thousand dates.
const dateFormats = new Map<string, Intl.DateTimeFormat>()

/** A calendar date such as "Mar 19, 2021" / "2021年3月19日"; empty when `iso` is not a date. */
export function formatDate(iso: string, lang: string): string {
  const date = parseDate(iso)
  if (!date) return ''
  let format = dateFormats.get(lang)
  if (!format) {
    format = new Intl.DateTimeFormat(lang, { dateStyle: 'medium' })
    dateFormats.set(lang, format)
  }
  return format.format(date)
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

/** "3 days ago" / "3 天前", "yesterday" / "昨天", "now" / "现在"; empty when `iso` is not a date. */
export function formatRelative(iso: string, lang: string, now: Date = new Date()): string {
  const date = parseDate(iso)
  if (!date) return ''
  const format = new Intl.RelativeTimeFormat(lang, { numeric: 'auto' })
  const diff = date.getTime() - now.getTime()
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
