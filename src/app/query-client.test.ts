import { describe, expect, test, vi } from 'vitest'
import { ApiError } from '@/lib/http'
import { createQueryClient } from './query-client'

function failing(status: number, code: string) {
  return vi.fn(() => Promise.reject(new ApiError({ status, code, message: code })))
}

describe('the query client retries only what the BFF could not have retried', () => {
  test.each([
    [504, 'upstream_timeout'],
    [503, 'upstream_unavailable'],
    [502, 'upstream_error'],
    [500, 'internal_error'],
    [401, 'unauthenticated'],
  ])('a %i from the BFF is its final word: asked once', async (status, code) => {
    const queryFn = failing(status, code)
    await expect(createQueryClient().fetchQuery({ queryKey: ['x'], queryFn })).rejects.toMatchObject({ status })
    expect(queryFn).toHaveBeenCalledTimes(1)
  })

  test('no answer at all (status 0) is asked again once, soon', async () => {
    const queryFn = failing(0, 'network_error')
    const started = performance.now()
    await expect(createQueryClient().fetchQuery({ queryKey: ['x'], queryFn })).rejects.toMatchObject({ status: 0 })
    expect(queryFn).toHaveBeenCalledTimes(2)
    expect(performance.now() - started).toBeLessThan(1000)
  })

  test('a dropped connection followed by an answer recovers', async () => {
    const queryFn = vi
      .fn<() => Promise<string>>()
      .mockRejectedValueOnce(new ApiError({ status: 0, code: 'network_error', message: 'offline' }))
      .mockResolvedValueOnce('answer')
    await expect(createQueryClient().fetchQuery({ queryKey: ['x'], queryFn })).resolves.toBe('answer')
  })
})
