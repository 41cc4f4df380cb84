// The platform writes some times (`grant_time`) as 'YYYY-MM-DD HH:MM:SS' with no zone: wall-clock
// time in its own zone, UPSTREAM_TIME_ZONE (Asia/Shanghai, the platform's home, by default).

const WALL_TIME = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})$/
/** A date-time that names its own zone (`Z` or an offset): no zone of ours applies to it. */
const ZONED = /(?:[zZ]|[+-]\d{2}:?\d{2})$/

export interface PlatformClock {
  /** A platform time as an ISO-8601 UTC instant without milliseconds; a value it cannot read, unchanged. */
  toIso(value: string): string
  /** An instant as the platform writes it: wall-clock time in its zone. */
  format(instant: Date): string
}

export function platformClock(timeZone: string): PlatformClock {
  const formatter = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  })

  /** The zone's wall clock at `instant`, written as if it were UTC (so the difference is the offset). */
  function wallClock(instant: number): number {
    const parts = formatter.formatToParts(instant)
    const field = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((part) => part.type === type)?.value)
    return Date.UTC(field('year'), field('month') - 1, field('day'), field('hour'), field('minute'), field('second'))
  }

  /**
   * The instant at which the zone's clock shows `wall`. The offset at `wall` read as UTC is a first
   * guess; the offset at that guess is right unless a DST change lies between them, and then the
   * second reading corrects it. A time skipped by DST lands just after the change.
   */
  function instantOf(wall: number): number {
    const guess = wall - (wallClock(wall) - wall)
    return wall - (wallClock(guess) - guess)
  }

  const iso = (instant: number) => new Date(instant).toISOString().replace(/\.\d{3}Z$/, 'Z')

  return {
    toIso(value) {
      const match = WALL_TIME.exec(value)
      if (match) {
        const field = (index: number) => Number(match[index])
        return iso(instantOf(Date.UTC(field(1), field(2) - 1, field(3), field(4), field(5), field(6))))
      }
      const zoned = ZONED.test(value) ? Date.parse(value) : Number.NaN
      return Number.isNaN(zoned) ? value : iso(zoned)
    },
    format(instant) {
      return new Date(wallClock(instant.getTime())).toISOString().slice(0, 19).replace('T', ' ')
    },
  }
}
