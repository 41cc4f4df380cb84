import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, inject, test } from 'vitest'
import { useTestDatabase } from '../../test/support/database'
import { useBff, WEB_APP } from '../../test/support/bff'
import { asSuperuser } from '../../test/support/postgres'
import { openPortalStore } from '../store/portal-store'
import { testReceiptKeys } from '../../test/support/receipt-keys'

const postgresUrl = useTestDatabase()

/** `portal_store_up`'s value in the app's metrics. */
async function storeUp(metricsText: Promise<string>): Promise<string | undefined> {
  return /^portal_store_up (\d)$/m.exec(await metricsText)?.[1]
}

describe('GET /healthz and /readyz', () => {
  test('alive and ready: 200, never cached, and no CSRF header needed; /readyz names each dependency', async () => {
    const bff = useBff()
    const alive = await bff.request('/healthz')
    expect(alive.status).toBe(200)
    expect(alive.headers.get('Cache-Control')).toBe('no-store')
    expect(await alive.json()).toEqual({ status: 'alive' })
    const ready = await bff.request('/readyz')
    expect(ready.status).toBe(200)
    expect(ready.headers.get('Cache-Control')).toBe('no-store')
    expect(await ready.json()).toEqual({ status: 'ready', store: 'up', spa: 'ok' })
    expect(await storeUp(bff.metricsText())).toBe('1')
  })

  test('a store that is gone: /readyz stays 200 and says store down (reading and revoking still work); a decision is 503 store_unavailable with nothing minted', async () => {
    const store = openPortalStore({ engine: 'sqlite', path: ':memory:' }, { receipts: testReceiptKeys })
    const bff = useBff({ portalStore: store })
    const { ticket, language } = await bff.consent('alice', WEB_APP)
    await store.close()

    expect((await bff.request('/healthz')).status).toBe(200)
    const ready = await bff.request('/readyz')
    expect(ready.status).toBe(200)
    expect(ready.headers.get('Cache-Control')).toBe('no-store')
    expect(await ready.json()).toEqual({ status: 'ready', store: 'down', spa: 'ok' })
    expect(await storeUp(bff.metricsText())).toBe('0')

    const decided = await bff.request('/api/oauth2/authorize', {
      method: 'POST',
      as: 'alice',
      json: { ticket, language, ...WEB_APP, state: 'xyz', biosample_ids: [{ biosample_id: 'E-A0001', type: 'Lowpass' }] },
    })
    expect(decided.status).toBe(503)
    expect(await decided.json()).toMatchObject({ error: { code: 'store_unavailable' } })
    expect(bff.callsTo('/openbge/oauth2/authorize')).toEqual([])
    expect((await bff.request('/api/oauth2/grants', { as: 'bob' })).status).toBe(200)
  })

  test('the built SPA missing: /readyz 503 naming it, /healthz still 200', async () => {
    const bff = useBff()
    rmSync(join(bff.distDir, 'index.html'))
    const ready = await bff.request('/readyz')
    expect(ready.status).toBe(503)
    expect(await ready.json()).toEqual({ status: 'unavailable', store: 'up', spa: 'missing' })
    expect((await bff.request('/healthz')).status).toBe(200)
  })

  test('draining: /readyz 503 at once, while requests are still served, asking their clients to close the connection', async () => {
    const bff = useBff()
    expect((await bff.request('/readyz')).status).toBe(200)
    bff.drain()
    const ready = await bff.request('/readyz')
    expect(ready.status).toBe(503)
    expect(await ready.json()).toEqual({ status: 'unavailable', store: 'up', spa: 'ok', draining: true })
    const grants = await bff.request('/api/oauth2/grants', { as: 'bob' })
    expect(grants.status).toBe(200)
    expect(grants.headers.get('Connection')).toBe('close')
  })

  test('PostgreSQL going away and coming back: /readyz says store down, then up again without a restart, 200 throughout', async () => {
    const url = postgresUrl()
    const name = new URL(url).pathname.slice(1)
    const store = openPortalStore({ engine: 'postgres', url }, { receipts: testReceiptKeys })
    const bff = useBff({ portalStore: store })
    const readiness = async () => {
      const response = await bff.request('/readyz')
      return { status: response.status, body: (await response.json()) as unknown }
    }
    try {
      expect(await readiness()).toEqual({ status: 200, body: expect.objectContaining({ store: 'up' }) })
      // What a database restart or failover looks like to the pool: its connections cut, new ones refused.
      await asSuperuser(inject('postgresUrl'), [
        `ALTER DATABASE ${name} ALLOW_CONNECTIONS false`,
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${name}' AND pid <> pg_backend_pid()`,
      ])
      expect(await readiness()).toEqual({ status: 200, body: expect.objectContaining({ store: 'down' }) })
      expect(await storeUp(bff.metricsText())).toBe('0')
      await asSuperuser(inject('postgresUrl'), [`ALTER DATABASE ${name} ALLOW_CONNECTIONS true`])
      expect(await readiness()).toEqual({ status: 200, body: expect.objectContaining({ store: 'up' }) })
      expect(await storeUp(bff.metricsText())).toBe('1')
    } finally {
      await store.close()
    }
  })
})
