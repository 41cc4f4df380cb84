import { describe, expect, inject, test } from 'vitest'
import { useTestDatabase } from '../../test/support/database'
import { useBff, WEB_APP } from '../../test/support/bff'
import { asSuperuser } from '../../test/support/postgres'
import { openPortalStore } from '../store/portal-store'

const postgresUrl = useTestDatabase()

describe('GET /healthz and /readyz', () => {
  test('alive and ready: 200, never cached, and no CSRF header needed', async () => {
    const bff = useBff()
    for (const path of ['/healthz', '/readyz']) {
      const response = await bff.request(path)
      expect(response.status).toBe(200)
      expect(response.headers.get('Cache-Control')).toBe('no-store')
      expect(await response.json()).toEqual({ status: path === '/healthz' ? 'alive' : 'ready' })
    }
  })

  test('a store that is gone: /readyz 503 while /healthz stays 200; a decision is 503 store_unavailable with nothing minted', async () => {
    const store = openPortalStore({ engine: 'sqlite', path: ':memory:' })
    const bff = useBff({ portalStore: store })
    const { ticket, shown } = await bff.consent('alice', WEB_APP)
    await store.close()

    expect((await bff.request('/healthz')).status).toBe(200)
    const ready = await bff.request('/readyz')
    expect(ready.status).toBe(503)
    expect(ready.headers.get('Cache-Control')).toBe('no-store')
    expect(await ready.json()).toMatchObject({ status: 'unavailable' })

    const decided = await bff.request('/api/oauth2/authorize', {
      method: 'POST',
      as: 'alice',
      json: { ticket, shown, ...WEB_APP, state: 'xyz', biosample_ids: [{ biosample_id: 'E-A0001', type: 'Lowpass' }] },
    })
    expect(decided.status).toBe(503)
    expect(await decided.json()).toMatchObject({ error: { code: 'store_unavailable' } })
    expect(bff.callsTo('/openbge/oauth2/authorize')).toEqual([])
  })

  test('PostgreSQL going away and coming back: /readyz 503, then 200 again without a restart', async () => {
    const url = postgresUrl()
    const name = new URL(url).pathname.slice(1)
    const store = openPortalStore({ engine: 'postgres', url })
    const bff = useBff({ portalStore: store })
    try {
      expect((await bff.request('/readyz')).status).toBe(200)
      // What a database restart or failover looks like to the pool: its connections cut, new ones refused.
      await asSuperuser(inject('postgresUrl'), [
        `ALTER DATABASE ${name} ALLOW_CONNECTIONS false`,
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${name}' AND pid <> pg_backend_pid()`,
      ])
      expect((await bff.request('/readyz')).status).toBe(503)
      await asSuperuser(inject('postgresUrl'), [`ALTER DATABASE ${name} ALLOW_CONNECTIONS true`])
      expect((await bff.request('/readyz')).status).toBe(200)
    } finally {
      await store.close()
    }
  })
})
