import { describe, expect, test } from 'vitest'
import { formatDate, formatRelative } from './format'

// Midday UTC, so the local calendar date is the same in every time zone from UTC-11 to UTC+11.
const GRANTED = '2021-03-19T12:00:00Z'

describe('formatDate', () => {
  test('writes the date in the reader’s language', () => {
    expect(formatDate(GRANTED, 'en')).toBe('Mar 19, 2021')
    expect(formatDate(GRANTED, 'zh-CN')).toBe('2021年3月19日')
  })

  test('is empty for a missing or broken date', () => {
    expect(formatDate('', 'en')).toBe('')
    expect(formatDate('not a date', 'zh-CN')).toBe('')
  })
})

describe('formatRelative', () => {
  const at = (iso: string) => new Date(iso)

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
    expect(formatRelative('', 'en')).toBe('')
    expect(formatRelative('2021-13-45', 'en')).toBe('')
  })
})
