// The consent page shows the BFF's "since you last agreed" comparison above the scopes (issue 19).
import { screen, within } from '@testing-library/react'
import { http, HttpResponse } from 'msw'
import { beforeEach, expect, test, vi } from 'vitest'
import type { SinceLast } from '@/contract/since-last'
import { setLanguage } from '@/lib/i18n'
import { ALICE, publicUser } from '../../../test/support/fixture-users'
import { server } from '../../../test/support/msw-handlers'
import { PLATFORM_SCOPE_TEXTS } from '../../../test/support/platform-scopes'
import { renderApp } from '../../../test/support/render'
import { useSelectionStore } from './selection-store'

vi.mock('@/lib/navigation', () => ({ assignLocation: vi.fn(), replaceLocation: vi.fn() }))

const REDIRECT = 'https://test.cn/callback'
const scope = (name: string) => ({ scope: name, ...(PLATFORM_SCOPE_TEXTS[name] ?? { title: name, message: '' }) })
const SCOPES = ['profile.default', 'sample.default:read', 'survey.default'].map(scope)

function serve(sinceLast: SinceLast | null | undefined) {
  server.use(
    http.get('/api/session', () => HttpResponse.json({ user: publicUser(ALICE) })),
    http.get('/api/oauth2/application', () =>
      HttpResponse.json({
        application: { client_id: 'web-app', name: 'Gene Insight', logo: '', description: '', redirect_uri: REDIRECT, client_type: 'confidential', wxmp_app_id: '', scopes: SCOPES },
        granted_scopes: SCOPES.map((s) => ({ ...s, asked: true })),
        unknown_scopes: [],
        ticket: 'ticket-1',
        ...(sinceLast !== undefined && { since_last: sinceLast }),
      }),
    ),
    http.get('/api/biosamples', () => HttpResponse.json({ biosamples: [{ biosample_id: 'E-A0001', type: 'Lowpass', status: 1, sample_time: '', project_name: '' }] })),
    http.get('/api/oauth2/grants', () => HttpResponse.json({ grants: [] })),
  )
}

const URL_OF_PAGE = `/oauth2/authorize?${new URLSearchParams({ client_id: 'web-app', redirect_uri: REDIRECT, response_type: 'code', state: 's' })}`

beforeEach(async () => {
  useSelectionStore.setState({ flows: {} })
  await setLanguage('en')
})

test('the comparison sits above the scopes, a region of its own naming the added scope', async () => {
  serve({ status: 'compared', receipt: 'rec-1', at: '2024-05-02T00:30:00Z', language: 'en', added: [scope('survey.default')], removed: [], changed: [], samples_then: [{ biosample_id: 'E-A0001', type: 'Lowpass' }] })
  renderApp(URL_OF_PAGE)
  const region = await screen.findByRole('region', { name: 'What changed since you last agreed' })
  const scopes = screen.getByRole('region', { name: 'It will be able to' })
  expect(region.compareDocumentPosition(scopes) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy()
  expect(within(within(region).getByRole('list', { name: 'Now also asks for 1 permission' })).getByText('Phenotype information')).toBeInTheDocument()
})

test('no earlier agreement (null) and an answer without the field (the preview’s): no block at all', async () => {
  for (const sinceLast of [null, undefined]) {
    serve(sinceLast)
    const page = renderApp(URL_OF_PAGE)
    await screen.findByRole('button', { name: 'Authorize' })
    expect(screen.queryByRole('region', { name: 'What changed since you last agreed' })).not.toBeInTheDocument()
    page.unmount()
  }
})
