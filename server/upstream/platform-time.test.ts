import { describe, expect, test } from 'vitest'
import { platformClock } from './platform-time'

describe('platformClock', () => {
  test.each([
    ['Asia/Shanghai', '2021-03-19 07:00:41', '2021-03-18T23:00:41Z'],
    ['UTC', '2021-03-19 07:00:41', '2021-03-19T07:00:41Z'],
    // Summer (EDT, UTC−4) and winter (EST, UTC−5).
    ['America/New_York', '2024-07-01 12:00:00', '2024-07-01T16:00:00Z'],
    ['America/New_York', '2024-01-15 12:00:00', '2024-01-15T17:00:00Z'],
    // The hours either side of a change, where a single offset guess would be an hour off.
    ['America/New_York', '2024-03-10 01:59:59', '2024-03-10T06:59:59Z'],
    ['America/New_York', '2024-03-10 03:00:00', '2024-03-10T07:00:00Z'],
    ['America/New_York', '2024-11-03 00:30:00', '2024-11-03T04:30:00Z'],
    ['America/New_York', '2024-11-03 02:30:00', '2024-11-03T07:30:00Z'],
    ['Europe/London', '2024-03-31 00:30:00', '2024-03-31T00:30:00Z'],
    ['Europe/London', '2024-03-31 02:30:00', '2024-03-31T01:30:00Z'],
    ['Asia/Kolkata', '2024-01-01T00:00:00', '2023-12-31T18:30:00Z'],
  ])('%s: %s → %s', (zone, wall, iso) => {
    expect(platformClock(zone).toIso(wall)).toBe(iso)
  })

  test('a time that names its zone keeps it; anything unreadable passes unchanged', () => {
    const clock = platformClock('Asia/Shanghai')
    expect(clock.toIso('2021-03-19T07:00:41Z')).toBe('2021-03-19T07:00:41Z')
    expect(clock.toIso('2021-03-19T07:00:41+08:00')).toBe('2021-03-18T23:00:41Z')
    expect(clock.toIso('')).toBe('')
    expect(clock.toIso('yesterday')).toBe('yesterday')
  })

  test('format writes an instant on the zone’s wall clock, and toIso reads it back', () => {
    const instant = new Date('2024-07-01T16:00:00Z')
    for (const [zone, wall] of [
      ['Asia/Shanghai', '2024-07-02 00:00:00'],
      ['America/New_York', '2024-07-01 12:00:00'],
      ['UTC', '2024-07-01 16:00:00'],
    ] as const) {
      const clock = platformClock(zone)
      expect(clock.format(instant)).toBe(wall)
      expect(clock.toIso(clock.format(instant))).toBe('2024-07-01T16:00:00Z')
    }
  })
})
