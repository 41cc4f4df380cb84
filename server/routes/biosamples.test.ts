import { describe, expect, test } from 'vitest'
import { useBff } from '../../test/support/bff'

describe('GET /api/biosamples', () => {
  test('the signed-in user’s own biosamples, in the platform’s order', async () => {
    const bff = useBff()
    const response = await bff.request('/api/biosamples', { as: 'alice' })
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({
      biosamples: [
        { biosample_id: 'E-A0001', type: 'Lowpass', status: 1, sample_time: '2024-03-19T07:00:41Z', project_name: 'Healthy Gut' },
        { biosample_id: 'E-A0002', type: 'Full', status: 2, sample_time: '2024-03-19T07:00:41Z', project_name: 'Healthy Gut' },
        { biosample_id: 'E-A0003', type: '16S', status: 3, sample_time: '2024-03-19T07:00:41Z', project_name: '华南肠道队列' },
      ],
    })
    const bob = await (await bff.request('/api/biosamples', { as: 'bob' })).json()
    expect(bob.biosamples.map((b: { biosample_id: string }) => b.biosample_id)).toEqual(['E-B0001'])
  })

  test('signed out: 401 unauthenticated with the login URL, without asking upstream', async () => {
    const bff = useBff()
    const response = await bff.request('/api/biosamples')
    expect(response.status).toBe(401)
    expect(await response.json()).toEqual({
      error: { code: 'unauthenticated', message: expect.any(String), login_url: '/signin?next={next}', request_id: expect.any(String) },
    })
    expect(bff.upstreamCalls).toEqual([])
  })

  test('a user without samples gets an empty list', async () => {
    const bff = useBff({
      fixtures: { users: [{ id: 'u-new', name: 'New', auth_token: 'tok-new-0000000000', biosamples: [] }], applications: [], grants: [] },
    })
    const response = await bff.request('/api/biosamples', { as: { token: 'tok-new-0000000000' } })
    expect(await response.json()).toEqual({ biosamples: [] })
  })
})
