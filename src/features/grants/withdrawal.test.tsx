// A withdrawal is confirmed (issue 19): after a revoke the BFF reads BGE's grants back and records
// whether the app is gone; the grants page and the revoke's receipt say what it found.
import { screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { http, HttpResponse } from 'msw'
import { beforeEach, describe, expect, test } from 'vitest'
import type { Grant } from '@/contract/api'
import type { ConsentRecord } from '@/contract/records'
import { setLanguage } from '@/lib/i18n'
import { consentRecord } from '../../../test/support/fixture-records'
import { apiError, server } from '../../../test/support/msw-handlers'
import { renderApp, sentence } from '../../../test/support/render'

const GUT_CHECK: Grant = {
  client_id: 'gut-check',
  name: 'Gut Check',
  logo: '',
  grant_time: '2024-05-02T08:30:00Z',
  biosample_ids: [{ biosample_id: 'E-A0003', type: '16S' }],
}

/** What BGE's grants said when read back after the revoke: gone, still listed, or the read failed. */
type ReadBack = 'revoked' | 'failed' | 'lost'

let grants: Grant[] = []
let records: ConsentRecord[] = []
let readBack: ReadBack = 'revoked'

const AUTHORIZE = consentRecord({ id: 'rec-auth-gut', client_id: 'gut-check', app_name: 'Gut Check', at: '2024-05-02T08:30:00Z' })

/** The BFF's revoke as server/consent/revoke.ts makes it: the revoke record, then (unless the read-back failed) its confirmation. */
function revoked(clientId: string): ConsentRecord[] {
  const revoke = consentRecord({ id: `rec-revoke-${clientId}`, decision: 'revoke', client_id: clientId, app_name: 'Gut Check', at: new Date(Date.now() - 1000).toISOString(), previous_receipt: AUTHORIZE.id })
  if (readBack === 'lost') return [revoke]
  return [consentRecord({ id: `rec-confirm-${clientId}`, decision: 'revoke', outcome: readBack, confirms: revoke.id, client_id: clientId, app_name: 'Gut Check', at: new Date().toISOString() }), revoke]
}

beforeEach(async () => {
  grants = [GUT_CHECK]
  records = [AUTHORIZE]
  readBack = 'revoked'
  server.use(
    http.get('/api/oauth2/grants', () => HttpResponse.json({ grants })),
    http.delete('/api/oauth2/grants/:clientId', ({ params }) => {
      const clientId = String(params.clientId)
      // Still listed: BGE said it revoked, yet its list keeps the app.
      if (readBack !== 'failed') grants = grants.filter((grant) => grant.client_id !== clientId)
      records = [...revoked(clientId), ...records]
      return new HttpResponse(null, { status: 204 })
    }),
    http.get('/api/biosamples', () => HttpResponse.json({ biosamples: [] })),
    http.get('/api/records', ({ request }) => {
      const clientId = new URL(request.url).searchParams.get('client_id')
      return HttpResponse.json({ records: clientId ? records.filter((record) => record.client_id === clientId) : records })
    }),
    http.get('/api/records/:id', ({ params }) => {
      const record = records.find((candidate) => candidate.id === params.id)
      return record ? HttpResponse.json(record) : apiError(404, 'not_found')
    }),
  )
  await setLanguage('en')
})

async function revokeGutCheck() {
  const user = userEvent.setup()
  renderApp('/grants')
  await user.click(await screen.findByRole('button', { name: 'Revoke Gut Check' }))
  await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Revoke' }))
}

describe('the grants page after a revoke', () => {
  test('BGE no longer lists the app: it says BGE confirmed it, and announces it', async () => {
    await revokeGutCheck()
    await waitFor(() => expect(screen.getByRole('status')).toHaveTextContent('Gut Check can no longer access your data. BGE confirmed that Gut Check no longer has access.'))
    expect(screen.getByText(sentence('BGE confirmed that Gut Check no longer has access.'))).toBeInTheDocument()
    expect(screen.getByRole('link', { name: 'View the receipt of this revoke' })).toHaveAttribute('href', '/activity/rec-revoke-gut-check')
  })

  test('BGE still lists the app: a warning with what to do, not a success; the grant is back with its Revoke', async () => {
    readBack = 'failed'
    await revokeGutCheck()
    const said = 'BGE accepted the revoke, but still lists Gut Check as having access. Revoke it again below; if it is still listed after that, contact BGE support.'
    await waitFor(() => expect(screen.getByRole('status')).toHaveTextContent(said))
    expect(screen.queryByText('Gut Check can no longer access your data.')).not.toBeInTheDocument()
    expect(await screen.findByRole('button', { name: 'Revoke Gut Check' })).toBeInTheDocument()
  })

  test('the read-back failed: done, but not confirmed, and the page does not pretend it was', async () => {
    readBack = 'lost'
    await revokeGutCheck()
    await waitFor(() => expect(screen.getByRole('status')).toHaveTextContent('Gut Check can no longer access your data.'))
    expect(screen.getByRole('status')).not.toHaveTextContent('confirmed')
    expect(screen.getByText('BGE hasn’t confirmed it yet: the list below shows what BGE says now.')).toBeInTheDocument()
  })

  test('back from the revoke page’s form (no script), in Chinese: the confirmation comes from the records', async () => {
    await setLanguage('zh-CN')
    grants = []
    records = [...revoked('gut-check'), AUTHORIZE]
    renderApp('/grants?revoked=gut-check&outcome=revoked')
    expect(await screen.findByText(sentence('BGE 已确认“Gut Check”不再拥有访问权限。'))).toBeInTheDocument()
  })
})

describe('the revoke’s receipt', () => {
  function field(label: string): HTMLElement {
    const value = screen.getByText(label, { selector: 'dt' }).nextElementSibling
    if (!(value instanceof HTMLElement)) throw new Error(`no value for ${label}`)
    return value
  }

  test.each([
    ['revoked', /BGE’s list of your authorized apps no longer included this app\./],
    ['failed', /BGE still listed this app as having access\. Revoke it again/],
    ['lost', /^Not confirmed: BGE’s list could not be read after the revoke\.$/],
  ] as const)('read back %s: the receipt says so; it links the authorization it ends', async (outcome, said) => {
    readBack = outcome
    records = [...revoked('gut-check'), AUTHORIZE]
    renderApp('/activity/rec-revoke-gut-check')
    await screen.findByRole('heading', { level: 1, name: 'Consent receipt' })
    expect(field('Confirmed by BGE')).toHaveTextContent(said)
    expect(within(field('Previous receipt')).getByRole('link', { name: 'The authorization this revoke ends' })).toHaveAttribute('href', `/activity/${AUTHORIZE.id}`)
  })

  test('an authorize links the one before it; the confirmation’s own page points to its revoke', async () => {
    records = [...revoked('gut-check'), consentRecord({ id: 'rec-auth-2', client_id: 'gut-check', previous_receipt: AUTHORIZE.id, at: '2024-05-03T00:00:00Z' }), AUTHORIZE]
    const first = renderApp('/activity/rec-auth-2')
    await screen.findByRole('heading', { level: 1, name: 'Consent receipt' })
    expect(within(field('Previous receipt')).getByRole('link', { name: 'Your agreement with this app before this decision' })).toHaveAttribute('href', `/activity/${AUTHORIZE.id}`)
    expect(screen.queryByText('Confirmed by BGE', { selector: 'dt' })).not.toBeInTheDocument()
    first.unmount()

    renderApp('/activity/rec-confirm-gut-check')
    await screen.findByRole('heading', { level: 1, name: 'Consent receipt' })
    expect(screen.getByRole('link', { name: 'View the receipt of that revoke' })).toHaveAttribute('href', '/activity/rec-revoke-gut-check')
    expect(screen.queryByText('Previous receipt', { selector: 'dt' })).not.toBeInTheDocument()
  })
})
