import { expect, test } from 'vitest'
import { isTimeZone, PLATFORM_TIME_ZONE, timeZoneOf } from './time-zone'

test('isTimeZone knows IANA names and refuses anything else', () => {
  for (const zone of ['Asia/Shanghai', 'UTC', 'America/New_York', 'Etc/GMT+8']) expect(isTimeZone(zone), zone).toBe(true)
  for (const zone of ['Asia/Nowhere', 'Shanghai', '+08:00', '+08:00 nonsense', '', 'Asia/Shanghai"><script>', 42, undefined]) {
    expect(isTimeZone(zone), String(zone)).toBe(false)
  }
})

test('timeZoneOf takes the cookie’s zone in the runtime’s spelling, else the fallback (the platform’s by default)', () => {
  expect(timeZoneOf('America/New_York')).toBe('America/New_York')
  expect(timeZoneOf('asia/tokyo')).toBe('Asia/Tokyo')
  expect(timeZoneOf(undefined)).toBe(PLATFORM_TIME_ZONE)
  expect(timeZoneOf('Mars/Olympus_Mons')).toBe(PLATFORM_TIME_ZONE)
  expect(timeZoneOf('</script>', 'UTC')).toBe('UTC')
})
