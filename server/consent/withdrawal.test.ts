// A withdrawal is confirmed (issue 19): after the platform answers a revoke, the portal reads the
// person's grants back and records whether the app is gone, pointing at the revoke it confirms.
import { describe, expect, test } from 'vitest'
import { foldAttempts, type ConsentRecord } from '../../src/contract/records'
import { BOB, useBff, WEB_APP, type Bff, type BffOptions } from '../../test/support/bff'
import { consentRecord } from '../../test/support/fixture-records'
import { purgeable } from '../store/portal-store'
import { UpstreamFault, UpstreamRefusal } from '../upstream/errors'

const GRANTS_PATH = '/openbge/oauth2/grants'
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

async function records(bff: Bff): Promise<ConsentRecord[]> {
  return ((await (await bff.request('/api/records?client_id=web-app', { as: 'bob' })).json()) as { records: ConsentRecord[] }).records
}

function revokeByApi(bff: Bff) {
  return bff.request('/api/oauth2/grants/web-app', { method: 'DELETE', as: 'bob' })
}

function revokeByForm(bff: Bff) {
  return bff.request('/grants/web-app/revoke', {
    method: 'POST',
    as: 'bob',
    csrf: false,
    origin: 'null',
    body: '',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Sec-Fetch-Site': 'same-origin', Cookie: `bge_auth_token=${BOB.auth_token}; bge_lang=en` },
  })
}

/**
 * The platform's grants read, spoiled from the first read after the revoke was sent: `still`
 * keeps the app listed as if the revoke had not taken, `fail` makes the read fail as `error` does.
 */
function afterRevoke(behaviour: { still?: boolean; fail?: Error }): BffOptions['wrapUpstream'] {
  return (client) => {
    let revoked = false
    return {
      ...client,
      revokeGrant: async (p, o) => {
        if (!behaviour.still) await client.revokeGrant(p, o)
        revoked = true
      },
      grants: async (p, o) => {
        if (revoked && behaviour.fail) throw behaviour.fail
        return client.grants(p, o)
      },
    }
  }
}

describe.each([
  ['the JSON API', revokeByApi, 204],
  ['the no-JS form', revokeByForm, 303],
] as const)('revoke through %s', (_name, revoke, status) => {
  test('the grants are read back; the app is gone: a confirmation `revoked` that confirms the revoke', async () => {
    const bff = useBff()
    await grantWebApp(bff)
    const before = bff.upstreamCalls.length
    expect((await revoke(bff)).status).toBe(status)
    // One read to find the grant (beside the person's), the revoke, then one read back after it.
    const made = bff.upstreamCalls.slice(before).map((call) => call.path)
    expect(made.slice(made.indexOf(REVOKE_PATH))).toEqual([REVOKE_PATH, GRANTS_PATH])
    const [confirmation, revokeRecord, resolution, authorize] = await records(bff)
    expect(authorize).toMatchObject({ decision: 'authorize', resolves: null })
    expect(resolution).toMatchObject({ decision: 'authorize', resolves: authorize?.id })
    // The revoke points at the authorize it takes back, with its words and its genetic-data consent.
    expect(revokeRecord).toMatchObject({ decision: 'revoke', outcome: 'revoked', confirms: null, previous_receipt: authorize?.id, scopes: authorize?.scopes, separate_consent: authorize?.separate_consent })
    expect(confirmation).toMatchObject({ decision: 'revoke', outcome: 'revoked', resolves: null, confirms: revokeRecord?.id, previous_receipt: null, biosamples: revokeRecord?.biosamples })
    expect(foldAttempts(await records(bff))[0]).toMatchObject({ record: { id: revokeRecord?.id }, outcome: 'revoked', confirmation: { id: confirmation?.id } })
  })

  test('the platform still lists the app after saying it revoked: a confirmation `failed`, logged', async () => {
    const bff = useBff({ wrapUpstream: afterRevoke({ still: true }) })
    await grantWebApp(bff)
    expect((await revoke(bff)).status).toBe(status)
    const [confirmation, revokeRecord] = await records(bff)
    expect(revokeRecord).toMatchObject({ decision: 'revoke', outcome: 'revoked', confirms: null })
    expect(confirmation).toMatchObject({ decision: 'revoke', outcome: 'failed', confirms: revokeRecord?.id })
    expect(bff.logEntries().some((e) => e.level === 'warn' && /^withdrawal not confirmed: revoke \S+ of web-app: the platform still lists the app/.test(e.msg))).toBe(true)
  })

  test.each([
    ['failed (a refusal in its envelope)', new UpstreamRefusal(50001, 'system busy', undefined, GRANTS_PATH)],
    ['lost (no answer in time)', new UpstreamFault('timeout', 'no answer within the deadline', { path: GRANTS_PATH })],
  ])('the read-back %s: the revoke stands, nothing more is recorded, and the log says so', async (_case, error) => {
    const said = error instanceof UpstreamRefusal ? 'failed' : 'got no answer'
    const bff = useBff({ wrapUpstream: afterRevoke({ fail: error }) })
    await grantWebApp(bff)
    expect((await revoke(bff)).status).toBe(status)
    const all = await records(bff)
    expect(all.filter((r) => r.confirms !== null)).toEqual([])
    expect(all[0]).toMatchObject({ decision: 'revoke', outcome: 'revoked' })
    expect(bff.logEntries().some((e) => e.level === 'warn' && e.msg.startsWith('withdrawal not confirmed: revoke ') && e.msg.includes(`of web-app: reading the grants back ${said}`))).toBe(true)
  })
})

test('a revoke the platform refused, or whose answer was lost, is not read back: there is nothing to confirm yet', async () => {
  for (const fault of [
    { path: REVOKE_PATH, kind: 'error_code', code: 50001 },
    { path: REVOKE_PATH, kind: 'timeout', times: 5 },
  ] as const) {
    const bff = useBff({ env: { UPSTREAM_TIMEOUT_MS: '200', REQUEST_DEADLINE_MS: '2000' } })
    await grantWebApp(bff)
    bff.addFault(fault)
    const response = await revokeByApi(bff)
    expect(response.status).toBeGreaterThanOrEqual(500)
    expect((await records(bff)).filter((r) => r.confirms !== null)).toEqual([])
  }
})

describe('foldAttempts and retention with confirmations', () => {
  const authorize = consentRecord({ id: 'auth', at: '2024-01-01T00:00:00.000Z' })
  const revoke = consentRecord({ id: 'rev', decision: 'revoke', outcome: 'revoked', previous_receipt: 'auth', at: '2024-02-01T00:00:00.000Z' })
  const confirmed = consentRecord({ id: 'conf', decision: 'revoke', outcome: 'revoked', confirms: 'rev', at: '2024-02-01T00:00:01.000Z' })

  test('a confirmation is attached to the revoke it confirms, never an attempt of its own; the newest wins', () => {
    const older = { ...confirmed, id: 'conf-0', outcome: 'failed' as const, at: '2024-02-01T00:00:00.500Z' }
    const attempts = foldAttempts([confirmed, older, revoke, authorize])
    expect(attempts.map((a) => a.record.id)).toEqual(['rev', 'auth'])
    expect(attempts[0]?.confirmation?.id).toBe('conf')
    expect(attempts[1]?.confirmation).toBeUndefined()
  })

  test('purgeable: a confirmation goes with its revoke, and keeps it while the confirmation is newer than the cutoff', () => {
    const all = [confirmed, revoke, authorize]
    expect(purgeable(all, '2024-03-01T00:00:00.000Z').sort()).toEqual(['auth', 'conf', 'rev'])
    // Cut between the revoke and its confirmation: neither goes (the authorize, ended by the revoke, does).
    expect(purgeable(all, '2024-02-01T00:00:00.500Z').sort()).toEqual(['auth'])
    // A confirmation whose revoke is already gone goes alone.
    expect(purgeable([confirmed], '2024-03-01T00:00:00.000Z')).toEqual(['conf'])
  })
})
