// One deadline per /api request (REQUEST_DEADLINE_MS): the BFF's retries spend from it, and with
// the platform not answering the answer is an honest 504 within it.
import { describe, expect, test } from 'vitest'
import { useBff, WEB_APP } from '../../test/support/bff'
import { Deadline } from './deadline'

const APPLICATION_PATH = '/openbge/oauth2/application'
const GRANTS_PATH = '/openbge/oauth2/grants'
const applicationUrl = `/api/oauth2/application?${new URLSearchParams(WEB_APP)}`

describe('Deadline', () => {
  test('counts down on its clock and never below zero', () => {
    let now = 1000
    const deadline = Deadline.after(300, () => now)
    expect(deadline.remainingMs()).toBe(300)
    now = 1250
    expect(deadline.remainingMs()).toBe(50)
    now = 5000
    expect(deadline.remainingMs()).toBe(0)
  })
})

describe('with the application call timing out for good', () => {
  test(
    'at the default settings (10 s deadline, 8 s per attempt) the answer is 504 upstream_timeout before 10.5 s',
    async () => {
      const bff = useBff({ faults: [{ path: APPLICATION_PATH, kind: 'timeout', times: 99 }] })
      expect(bff.config).toMatchObject({ requestDeadlineMs: 10_000, upstreamTimeoutMs: 8000 })
      const started = performance.now()
      const response = await bff.request(applicationUrl, { as: 'alice' })
      const elapsed = performance.now() - started
      expect(response.status).toBe(504)
      expect(await response.json()).toMatchObject({ error: { code: 'upstream_timeout' } })
      // One full attempt, then a second one cut to what was left: the whole budget, and no more.
      expect(bff.callsTo(APPLICATION_PATH)).toHaveLength(2)
      expect(elapsed).toBeGreaterThan(9_900)
      expect(elapsed).toBeLessThan(10_500)
    },
    15_000,
  )

  test('a small deadline bounds the attempts: 504 within it, no retry that could not finish', async () => {
    const bff = useBff({
      faults: [{ path: APPLICATION_PATH, kind: 'timeout', times: 99 }],
      env: { REQUEST_DEADLINE_MS: '1000', UPSTREAM_TIMEOUT_MS: '400' },
    })
    const started = performance.now()
    const response = await bff.request(applicationUrl, { as: 'alice' })
    const elapsed = performance.now() - started
    expect(response.status).toBe(504)
    expect(await response.json()).toMatchObject({ error: { code: 'upstream_timeout' } })
    // 400 + 400 ms, and the ~200 ms left is too little for a useful third attempt.
    expect(bff.callsTo(APPLICATION_PATH)).toHaveLength(2)
    expect(elapsed).toBeLessThan(1000 + 150)
  })

  test('a deadline shorter than one attempt cuts that attempt short', async () => {
    const bff = useBff({
      faults: [{ path: GRANTS_PATH, kind: 'timeout', times: 99 }],
      env: { REQUEST_DEADLINE_MS: '300' },
    })
    const started = performance.now()
    const response = await bff.request('/api/oauth2/grants', { as: 'bob' })
    expect(response.status).toBe(504)
    expect(performance.now() - started).toBeLessThan(300 + 150)
    expect(bff.callsTo(GRANTS_PATH)).toHaveLength(1)
  })
})

test('a transient timeout recovers inside the deadline: the BFF retries, once', async () => {
  const bff = useBff({
    faults: [{ path: APPLICATION_PATH, kind: 'timeout', times: 1 }],
    env: { REQUEST_DEADLINE_MS: '1500', UPSTREAM_TIMEOUT_MS: '300' },
  })
  const started = performance.now()
  const response = await bff.request(applicationUrl, { as: 'alice' })
  expect(response.status).toBe(200)
  expect(performance.now() - started).toBeLessThan(1500)
  expect(bff.callsTo(APPLICATION_PATH)).toHaveLength(2)
})

test('every request has its own deadline: a slow one does not shorten the next', async () => {
  const bff = useBff({
    faults: [{ path: GRANTS_PATH, kind: 'timeout', times: 1 }],
    env: { REQUEST_DEADLINE_MS: '400', UPSTREAM_TIMEOUT_MS: '400' },
  })
  expect((await bff.request('/api/oauth2/grants', { as: 'bob' })).status).toBe(504)
  expect((await bff.request('/api/oauth2/grants', { as: 'bob' })).status).toBe(200)
})
