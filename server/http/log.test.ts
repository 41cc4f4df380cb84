import { describe, expect, test } from 'vitest'
import { batchedLines } from './log'

const nextTurn = () => new Promise((done) => setImmediate(done))

describe('batchedLines', () => {
  test('the lines of one turn leave in one write, in order; a later line in the next', async () => {
    const writes: string[] = []
    const log = batchedLines((text) => writes.push(text))
    log('GET /api/session 200 3ms')
    log('GET /api/oauth2/grants 200 5ms')
    log('DELETE /api/oauth2/grants/a 204 4ms')
    expect(writes).toEqual([])
    await nextTurn()
    expect(writes).toEqual(['GET /api/session 200 3ms\nGET /api/oauth2/grants 200 5ms\nDELETE /api/oauth2/grants/a 204 4ms\n'])
    log('GET /api/biosamples 200 2ms')
    await nextTurn()
    expect(writes).toEqual([expect.any(String), 'GET /api/biosamples 200 2ms\n'])
    await nextTurn()
    expect(writes).toHaveLength(2)
  })
})
