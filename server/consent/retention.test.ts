import { describe, expect, test } from 'vitest'
import { createLogger } from '../http/log'
import { purgeOnce, retentionCutoff } from './retention'

function capture() {
  const lines: Record<string, unknown>[] = []
  return { lines, logger: createLogger('info', { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) }) }
}

describe('retention janitor', () => {
  test('the cutoff is `days` whole days before now', () => {
    expect(retentionCutoff(30, Date.parse('2026-03-31T12:00:00.000Z'))).toBe('2026-03-01T12:00:00.000Z')
  })

  test('one purge asks the store for records before the cutoff and logs what went, without ids', async () => {
    const asked: string[] = []
    const { lines, logger } = capture()
    const store = { purgeRecords: async (before: string) => (asked.push(before), { people: 2, records: 7 }) }
    await purgeOnce(store, 30, logger, Date.parse('2026-03-31T12:00:00.000Z'))
    expect(asked).toEqual(['2026-03-01T12:00:00.000Z'])
    expect(lines).toEqual([expect.objectContaining({ level: 'info', people: 2, records: 7, retention_days: 30, msg: 'consent records purged by retention' })])
  })

  test('a store that fails is logged as a warning, not thrown: the next run tries again', async () => {
    const { lines, logger } = capture()
    await purgeOnce({ purgeRecords: () => Promise.reject(new Error('connection refused')) }, 30, logger)
    expect(lines).toEqual([expect.objectContaining({ level: 'warn', err: 'connection refused' })])
  })
})
