import { describe, expect, test } from 'vitest'
import { useBff, WEB_APP, type Bff } from '../../test/support/bff'

const REVOKE_PATH = '/openbge/oauth2/revoke_grant'

async function grantWebApp(bff: Bff) {
  const { ticket, language } = await bff.consent('bob', WEB_APP)
  const response = await bff.request('/api/oauth2/authorize', {
    method: 'POST',
    as: 'bob',
    json: { ticket, language, ...WEB_APP, state: 's', separate_consent: true, biosample_ids: [{ biosample_id: 'E-B0001', type: 'Lowpass' }] },
  })
  expect(response.status).toBe(200)
}

describe('GET /api/oauth2/grants', () => {
  test('every grant of the user, newest first, with ISO times in UTC', async () => {
    const bff = useBff()
    const before = Date.now()
    await grantWebApp(bff)
    const response = await bff.request('/api/oauth2/grants', { as: 'bob' })
    expect(response.status).toBe(200)
    const { grants } = await response.json()
    expect(grants).toEqual([
      {
        client_id: 'web-app',
        name: 'Gene Insight',
        logo: 'https://app.example/logo.png',
        grant_time: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/),
        biosample_ids: [{ biosample_id: 'E-B0001', type: 'Lowpass' }],
      },
      {
        client_id: 'profile-app',
        name: 'App profile-app',
        logo: 'https://app.example/logo.png',
        // The fixture's '2024-05-12 09:30:00' on the platform's clock in Asia/Shanghai (UTC+8).
        grant_time: '2024-05-12T01:30:00Z',
        biosample_ids: [{ biosample_id: 'E-B0001', type: 'Lowpass' }],
      },
    ])
    // The sandbox writes a new grant on the same clock the BFF reads: it was granted just now.
    const granted = Date.parse(grants[0].grant_time)
    expect(granted).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000)
    expect(granted).toBeLessThanOrEqual(Date.now())
  })

  test.each([
    ['UTC', '2024-05-12T09:30:00Z'],
    ['America/New_York', '2024-05-12T13:30:00Z'],
  ])('UPSTREAM_TIME_ZONE=%s reads the platform’s 2024-05-12 09:30:00 as %s', async (zone, iso) => {
    const bff = useBff({ env: { UPSTREAM_TIME_ZONE: zone } })
    const { grants } = await (await bff.request('/api/oauth2/grants', { as: 'bob' })).json()
    expect(grants).toEqual([expect.objectContaining({ client_id: 'profile-app', grant_time: iso })])
  })

  test('client_id narrows it to that app, still a list (empty when there is none)', async () => {
    const bff = useBff()
    const one = await (await bff.request('/api/oauth2/grants?client_id=profile-app', { as: 'bob' })).json()
    expect(one.grants.map((g: { client_id: string }) => g.client_id)).toEqual(['profile-app'])
    const none = await (await bff.request('/api/oauth2/grants?client_id=web-app', { as: 'bob' })).json()
    expect(none).toEqual({ grants: [] })
    const nobody = await (await bff.request('/api/oauth2/grants', { as: 'alice' })).json()
    expect(nobody).toEqual({ grants: [], vanished: [] })
  })

  test('signed out: 401 with the login URL', async () => {
    const bff = useBff()
    const response = await bff.request('/api/oauth2/grants')
    expect(response.status).toBe(401)
    expect(await response.json()).toMatchObject({ error: { code: 'unauthenticated', login_url: '/signin?next={next}' } })
  })
})

describe('DELETE /api/oauth2/grants/:client_id', () => {
  test('204, and 204 again when already revoked; the grant is gone', async () => {
    const bff = useBff()
    const first = await bff.request('/api/oauth2/grants/profile-app', { method: 'DELETE', as: 'bob' })
    expect(first.status).toBe(204)
    expect(await first.text()).toBe('')
    const again = await bff.request('/api/oauth2/grants/profile-app', { method: 'DELETE', as: 'bob' })
    expect(again.status).toBe(204)
    expect(await (await bff.request('/api/oauth2/grants', { as: 'bob' })).json()).toEqual({ grants: [], vanished: [] })
    expect(bff.callsTo(REVOKE_PATH).map((call) => call.params.get('client_id'))).toEqual(['profile-app', 'profile-app'])
  })

  test('revokes only the signed-in user’s grant', async () => {
    const bff = useBff()
    expect((await bff.request('/api/oauth2/grants/profile-app', { method: 'DELETE', as: 'alice' })).status).toBe(204)
    expect((await (await bff.request('/api/oauth2/grants', { as: 'bob' })).json()).grants).toHaveLength(1)
  })

  test('a client id with reserved characters reaches the platform decoded', async () => {
    const bff = useBff()
    const response = await bff.request(`/api/oauth2/grants/${encodeURIComponent('odd id/?&')}`, { method: 'DELETE', as: 'bob' })
    expect(response.status).toBe(204)
    expect(bff.callsTo(REVOKE_PATH)[0]?.params.get('client_id')).toBe('odd id/?&')
  })

  test('signed out: 401; without the CSRF header: 403, and nothing is revoked', async () => {
    const bff = useBff()
    expect((await bff.request('/api/oauth2/grants/profile-app', { method: 'DELETE' })).status).toBe(401)
    expect((await bff.request('/api/oauth2/grants/profile-app', { method: 'DELETE', as: 'bob', csrf: false })).status).toBe(403)
    expect(bff.callsTo(REVOKE_PATH)).toEqual([])
  })
})
