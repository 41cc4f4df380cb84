import { describe, expect, test } from 'vitest'
import { formatDate, formatDateTime, formatRelative } from './format'

// Midday UTC: the same calendar date in UTC and in Shanghai.
const GRANTED = '2021-03-19T12:00:00Z'
// 00:30 on March 20 in Shanghai, still March 19 in UTC and in New York.
const AFTER_SHANGHAI_MIDNIGHT = '2021-03-19T16:30:00Z'

describe('formatDate', () => {
  test('writes the date in the reader’s language', () => {
    expect(formatDate(GRANTED, 'en', 'Asia/Shanghai')).toBe('Mar 19, 2021')
    expect(formatDate(GRANTED, 'zh-CN', 'Asia/Shanghai')).toBe('2021年3月19日')
  })

  test('writes the calendar date of the zone it is given, not the zone it runs in', () => {
    expect(formatDate(AFTER_SHANGHAI_MIDNIGHT, 'en', 'Asia/Shanghai')).toBe('Mar 20, 2021')
    expect(formatDate(AFTER_SHANGHAI_MIDNIGHT, 'en', 'UTC')).toBe('Mar 19, 2021')
    expect(formatDate(AFTER_SHANGHAI_MIDNIGHT, 'zh-CN', 'America/New_York')).toBe('2021年3月19日')
  })

  test('is empty for a missing or broken date', () => {
    expect(formatDate('', 'en', 'UTC')).toBe('')
    expect(formatDate('not a date', 'zh-CN', 'UTC')).toBe('')
  })
})

describe('formatDateTime', () => {
  test('writes date and time in the zone it is given, and names it', () => {
    expect(formatDateTime(AFTER_SHANGHAI_MIDNIGHT, 'en', 'Asia/Shanghai')).toBe('March 20, 2021 at 12:30:00 AM GMT+8')
    expect(formatDateTime(AFTER_SHANGHAI_MIDNIGHT, 'en', 'UTC')).toBe('March 19, 2021 at 4:30:00 PM UTC')
    expect(formatDateTime(AFTER_SHANGHAI_MIDNIGHT, 'zh-CN', 'Asia/Shanghai')).toBe('2021年3月20日 GMT+8 00:30:00')
    expect(formatDateTime('', 'en', 'UTC')).toBe('')
  })
})

describe('formatRelative', () => {
  const at = (iso: string) => Date.parse(iso)

  test('counts whole days back', () => {
    expect(formatRelative(GRANTED, 'en', at('2021-03-22T15:00:00Z'))).toBe('3 days ago')
    expect(formatRelative(GRANTED, 'zh-CN', at('2021-03-22T15:00:00Z'))).toBe('3天前')
  })

  test('says yesterday rather than 1 day ago', () => {
    expect(formatRelative(GRANTED, 'en', at('2021-03-20T13:00:00Z'))).toBe('yesterday')
    expect(formatRelative(GRANTED, 'zh-CN', at('2021-03-20T13:00:00Z'))).toBe('昨天')
  })

  test('picks a larger unit for older times', () => {
    expect(formatRelative(GRANTED, 'en', at('2021-03-19T15:30:00Z'))).toBe('3 hours ago')
    expect(formatRelative(GRANTED, 'en', at('2021-04-02T12:00:00Z'))).toBe('2 weeks ago')
    expect(formatRelative(GRANTED, 'en', at('2021-06-19T12:00:00Z'))).toBe('3 months ago')
    expect(formatRelative(GRANTED, 'en', at('2023-04-01T12:00:00Z'))).toBe('2 years ago')
  })

  test('says now for the last minute and for a clock slightly ahead', () => {
    expect(formatRelative(GRANTED, 'en', at('2021-03-19T12:00:40Z'))).toBe('now')
    expect(formatRelative(GRANTED, 'en', at('2021-03-19T11:59:50Z'))).toBe('now')
  })

  test('is empty for a missing or broken date', () => {
    expect(formatRelative('', 'en', at(GRANTED))).toBe('')
    expect(formatRelative('2021-13-45', 'en', at(GRANTED))).toBe('')
  })
})
