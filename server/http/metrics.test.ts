// Metrics (server/http/metrics.ts): what a scripted flow adds, per app, never on the public port.
import { describe, expect, test } from 'vitest'
import { useBff, WEB_APP, type Bff } from '../../test/support/bff'
import { createMetrics, metricsApp } from './metrics'

const SAMPLES = [{ biosample_id: 'E-A0001', type: 'Lowpass' }]

/** A sample's value (a histogram's by its `_count`), 0 when it has none yet. */
async function sample(bff: Bff, name: string, labels: Record<string, string> = {}): Promise<number> {
  const metrics = await bff.metrics.registry.getMetricsAsJSON()
  const family = metrics.find((metric) => metric.name === name.replace(/_count$/, ''))
  const found = family?.values.find(
    (value) =>
      ((value as { metricName?: string }).metricName ?? family.name) === name && Object.entries(labels).every(([key, wanted]) => String((value.labels as Record<string, unknown>)[key]) === wanted),
  )
  return found?.value ?? 0
}

async function authorize(bff: Bff): Promise<Response> {
  const { ticket, language } = await bff.consent('alice', WEB_APP)
  return bff.request('/api/oauth2/authorize', { method: 'POST', as: 'alice', json: { ticket, language, ...WEB_APP, state: 's', separate_consent: true, biosample_ids: SAMPLES } })
}

describe('a scripted flow', () => {
  test('authorize: its records, a won claim, the request by route template, the platform call and the store queries', async () => {
    const bff = useBff()
    const other = useBff()
    const before = await bff.metricsText()
    expect(before).toContain('# TYPE portal_consent_records_total counter')
    expect(await sample(bff, 'portal_consent_records_total', { decision: 'authorize', outcome: 'unknown' })).toBe(0)

    expect((await authorize(bff)).status).toBe(200)

    // The attempt, then the record that resolves it.
    expect(await sample(bff, 'portal_consent_records_total', { decision: 'authorize', outcome: 'unknown' })).toBe(1)
    expect(await sample(bff, 'portal_consent_records_total', { decision: 'authorize', outcome: 'granted' })).toBe(1)
    expect(await sample(bff, 'portal_consent_claims_total', { result: 'won' })).toBe(1)
    expect(await sample(bff, 'portal_http_request_duration_seconds_count', { route: '/api/oauth2/authorize', method: 'POST', status: '200' })).toBe(1)
    expect(await sample(bff, 'portal_platform_call_duration_seconds_count', { call: 'authorize', outcome: 'ok' })).toBe(1)
    expect(await sample(bff, 'portal_store_query_duration_seconds_count', { query: 'writeRecord', outcome: 'ok' })).toBe(1)
    expect(await sample(bff, 'portal_store_query_duration_seconds_count', { query: 'claimDecision', outcome: 'ok' })).toBe(1)
    // Another app's registry saw none of it.
    expect(await sample(other, 'portal_consent_records_total', { decision: 'authorize', outcome: 'granted' })).toBe(0)
    // No ids in labels: no ticket, client id, user id or record id.
    const after = await bff.metricsText()
    expect(after).not.toMatch(/="[^"]*(web-app|u-alice|:client_id)/)
    expect([...after.matchAll(/route="([^"]*)"/g)].map(([, route]) => route)).toEqual(expect.arrayContaining(['/api/oauth2/application', '/api/oauth2/authorize']))
  })

  test('a repeat of the same decision waits for (or reuses) the first answer; another decision on the ticket is a conflict', async () => {
    const bff = useBff()
    const { ticket, language } = await bff.consent('alice', WEB_APP)
    const decision = { ticket, language, ...WEB_APP, state: 's', separate_consent: true, biosample_ids: SAMPLES }
    const post = (path: string, json: unknown) => bff.request(path, { method: 'POST', as: 'alice', json })
    expect((await post('/api/oauth2/authorize', decision)).status).toBe(200)
    expect((await post('/api/oauth2/authorize', decision)).status).toBe(200)
    expect((await post('/api/oauth2/deny', { ticket, language, ...WEB_APP, state: 's' })).status).toBe(409)
    expect(await sample(bff, 'portal_consent_claims_total', { result: 'won' })).toBe(1)
    expect(await sample(bff, 'portal_consent_claims_total', { result: 'waited' })).toBe(1)
    expect(await sample(bff, 'portal_consent_claims_total', { result: 'conflict' })).toBe(1)
  })

  test('deny and revoke: one record each, by decision and outcome', async () => {
    const bff = useBff()
    const { ticket, language } = await bff.consent('alice', WEB_APP)
    expect((await bff.request('/api/oauth2/deny', { method: 'POST', as: 'alice', json: { ticket, language, ...WEB_APP, state: 's' } })).status).toBe(200)
    expect(await sample(bff, 'portal_consent_records_total', { decision: 'deny', outcome: 'denied' })).toBe(1)
    const revokes = () => bff.metrics.registry.getSingleMetricAsString('portal_consent_records_total').then((text) => text.split('\n').filter((line) => line.includes('decision="revoke"')))
    expect(await revokes()).toEqual([])
    expect((await bff.request('/api/oauth2/grants/profile-app', { method: 'DELETE', as: 'bob' })).status).toBe(204)
    expect((await revokes()).map((line) => Number(line.split(' ').at(-1))).reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(1)
  })

  test('a platform fault retried to the end: its retries, and the call by its fault', async () => {
    const bff = useBff({ faults: [{ path: '/openbge/oauth2/grants', kind: 'http_500', times: 3 }] })
    expect((await bff.request('/api/oauth2/grants', { as: 'bob' })).status).toBe(502)
    expect(await sample(bff, 'portal_platform_retries_total', { call: 'grants' })).toBe(2)
    expect(await sample(bff, 'portal_platform_call_duration_seconds_count', { call: 'grants', outcome: 'http_status' })).toBe(1)
    expect(await sample(bff, 'portal_http_request_duration_seconds_count', { route: '/api/oauth2/grants', method: 'GET', status: '502' })).toBe(1)
  })

  test('probes are not timed; an unknown path counts under a catch-all, not its own', async () => {
    const bff = useBff()
    await bff.request('/readyz')
    await bff.request('/healthz')
    await bff.request('/no/such/page-1')
    await bff.request('/no/such/page-2')
    const text = await bff.metricsText()
    expect(text).not.toMatch(/route="\/(readyz|healthz)"/)
    expect(text).not.toContain('page-1')
    expect(await sample(bff, 'portal_http_request_duration_seconds_count', { route: '*', method: 'GET', status: '404' })).toBe(2)
  })
})

describe('where metrics are served', () => {
  test('never on the public port: /metrics there is 404 and carries none', async () => {
    const bff = useBff()
    await authorize(bff)
    const response = await bff.request('/metrics')
    expect(response.status).toBe(404)
    expect(await response.text()).not.toContain('portal_')
  })

  test('the metrics listener: Prometheus text at /metrics, with process metrics when asked; nothing else', async () => {
    const metrics = createMetrics({ processMetrics: true })
    const app = metricsApp(metrics)
    const response = await app.request('/metrics')
    expect(response.status).toBe(200)
    expect(response.headers.get('Content-Type')).toMatch(/^text\/plain; version=0\.0\.4/)
    const text = await response.text()
    expect(text).toContain('# TYPE portal_http_request_duration_seconds histogram')
    expect(text).toContain('process_cpu_user_seconds_total')
    expect(text).toContain('portal_record_outbox_waiting 0')
    expect((await app.request('/')).status).toBe(404)
    expect((await app.request('/api/session')).status).toBe(404)
  })
})
