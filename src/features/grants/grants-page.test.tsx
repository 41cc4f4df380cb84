import { screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { http, HttpResponse } from 'msw'
import { beforeEach, describe, expect, test, vi } from 'vitest'
import type { Biosample, Grant } from '@/contract/api'
import type { ConsentRecord } from '@/contract/records'
import { setLanguage } from '@/lib/i18n'
import { assignLocation } from '@/lib/navigation'
import { consentRecord } from '../../../test/support/fixture-records'
import { apiError, server, unauthenticated } from '../../../test/support/msw-handlers'
import { currentPath, renderApp } from '../../../test/support/render'

vi.mock('@/lib/navigation', () => ({ assignLocation: vi.fn(), replaceLocation: vi.fn() }))

const DAY = 24 * 60 * 60 * 1000
const daysAgo = (days: number) => new Date(Date.now() - days * DAY).toISOString().replace(/\.\d{3}Z$/, 'Z')

const GENE_INSIGHT: Grant = {
  client_id: 'web-app',
  name: 'Gene Insight',
  logo: '',
  grant_time: daysAgo(3),
  biosample_ids: [
    { biosample_id: 'E-A0001', type: 'Lowpass' },
    { biosample_id: 'E-A0002', type: 'Full' },
  ],
}
const GUT_CHECK: Grant = {
  client_id: 'gut-check',
  name: 'Gut Check',
  logo: 'https://cdn.example/gut.png',
  grant_time: daysAgo(40),
  biosample_ids: [{ biosample_id: 'E-A0003', type: '16S' }],
}
const OLD_APP: Grant = {
  client_id: 'old-app',
  name: 'Ancestry Atlas',
  logo: '',
  grant_time: '2021-03-19T07:00:41Z',
  biosample_ids: [],
}

const GENE_INSIGHT_TOO: Grant = { ...GENE_INSIGHT, client_id: 'web-app-2', name: 'Gene Insight Two' }

function manyGrants(count: number): Grant[] {
  return Array.from({ length: count }, (_, index) => ({
    client_id: `app-${index + 1}`,
    name: index === 2 ? 'Gene Insight' : `Helper ${index + 1}`,
    logo: '',
    grant_time: daysAgo(index + 1),
    biosample_ids: [{ biosample_id: `E-M000${index}`, type: 'Lowpass' }],
  }))
}

const biosample = (biosample_id: string, type: string): Biosample => ({ biosample_id, type, status: 1, sample_time: '2024-01-02T03:04:05Z', project_name: 'Healthy Gut' })
/** Alice's samples: Gene Insight shares two of them, Gut Check one, Ancestry Atlas none. */
const ALICE_SAMPLES = [biosample('E-A0001', 'Lowpass'), biosample('E-A0002', 'Full'), biosample('E-A0003', '16S')]

/** The sandbox's and the portal store's state as the handlers see it: revoking removes a grant for good, and records it. */
let upstreamGrants: Grant[] = []
let records: ConsentRecord[] = []
const requests: string[] = []

const grantsBff = [
  http.get('/api/oauth2/grants', () => {
    requests.push('GET')
    return HttpResponse.json({ grants: upstreamGrants })
  }),
  http.delete('/api/oauth2/grants/:clientId', ({ params, request }) => {
    requests.push(`DELETE ${String(params.clientId)} ${request.headers.get('X-Requested-With')}`)
    const revoked = upstreamGrants.find((grant) => grant.client_id === params.clientId)
    upstreamGrants = upstreamGrants.filter((grant) => grant.client_id !== params.clientId)
    if (revoked) {
      records = [
        consentRecord({ id: `rec-revoke-${revoked.client_id}`, decision: 'revoke', at: new Date().toISOString(), client_id: revoked.client_id, app_name: revoked.name, redirect_host: null, scopes: [], biosamples: revoked.biosample_ids }),
        ...records,
      ]
    }
    return new HttpResponse(null, { status: 204 })
  }),
  http.get('/api/biosamples', () => HttpResponse.json({ biosamples: ALICE_SAMPLES })),
  http.get('/api/records', ({ request }) => {
    const clientId = new URL(request.url).searchParams.get('client_id')
    requests.push(clientId ? `GET records ${clientId}` : 'GET records')
    return HttpResponse.json({ records: clientId ? records.filter((record) => record.client_id === clientId) : records })
  }),
]

beforeEach(async () => {
  upstreamGrants = [GENE_INSIGHT, GUT_CHECK, OLD_APP]
  // Gene Insight's authorize was made here; the others before records were kept.
  records = [consentRecord()]
  requests.length = 0
  vi.mocked(assignLocation).mockReset()
  server.use(...grantsBff)
  await setLanguage('en')
})

function renderGrants() {
  return renderApp('/grants')
}

async function findCards() {
  const list = await screen.findByRole('list', { name: 'Authorized apps' })
  return within(list).getAllByRole('article')
}

async function findCardsIn(listName: string) {
  const list = await screen.findByRole('list', { name: listName })
  return within(list).getAllByRole('article')
}

const cardNames = async () => (await findCards()).map((card) => within(card).getByRole('heading', { level: 2 }).textContent)

describe('grants page', () => {
  test('lists every grant newest first, with who, since when and which samples', async () => {
    renderGrants()
    expect(await screen.findByRole('heading', { level: 1, name: 'My authorizations' })).toBeInTheDocument()
    expect(await cardNames()).toEqual(['Gene Insight', 'Gut Check', 'Ancestry Atlas'])
    expect(screen.getByText('3 apps have access')).toBeInTheDocument()

    const [gene, gut, old] = await findCards()
    const geneCard = within(gene as HTMLElement)
    expect(geneCard.getByText('web-app')).toBeInTheDocument()
    expect(geneCard.getByText('3 days ago')).toBeInTheDocument()
    expect(geneCard.getByRole('heading', { level: 3, name: 'Shares 2 samples' })).toBeInTheDocument()
    expect(geneCard.getByText('E-A0001')).toBeInTheDocument()
    expect(geneCard.getByText('Full')).toBeInTheDocument()
    expect(geneCard.getByText('G')).toHaveAttribute('aria-hidden', 'true')
    expect(geneCard.getByRole('button', { name: 'Revoke Gene Insight' })).toBeInTheDocument()

    expect(within(gut as HTMLElement).getByText('Shares 1 sample')).toBeInTheDocument()
    expect((gut as HTMLElement).querySelector('img')).toHaveAttribute('src', 'https://cdn.example/gut.png')

    const oldCard = within(old as HTMLElement)
    expect(oldCard.getByText('Authorized Mar 19, 2021')).toHaveAttribute('datetime', '2021-03-19T07:00:41Z')
    expect(oldCard.getByText(/years ago$/)).toBeInTheDocument()
    expect(oldCard.getByText('Shares no samples')).toBeInTheDocument()
    // Five grants or fewer need no filter.
    expect(screen.queryByRole('searchbox')).not.toBeInTheDocument()
  })

  test('with no grants, says what the page is for and links nowhere', async () => {
    upstreamGrants = []
    renderGrants()
    expect(await screen.findByRole('heading', { level: 2, name: 'No app has access to your data' })).toBeInTheDocument()
    expect(screen.getByText(/When you authorize an app/)).toBeInTheDocument()
    const main = within(screen.getByRole('main'))
    expect(main.queryByRole('list')).not.toBeInTheDocument()
    expect(main.queryByRole('link')).not.toBeInTheDocument()
    expect(main.queryByRole('button')).not.toBeInTheDocument()
  })

  test('more than five grants get a filter by name or client id that says when nothing matches', async () => {
    const user = userEvent.setup()
    upstreamGrants = manyGrants(7)
    renderGrants()
    expect(await cardNames()).toHaveLength(7)

    const filter = screen.getByRole('searchbox', { name: 'Filter by app name or client ID' })
    await user.type(filter, '  GENE ')
    expect(await cardNames()).toEqual(['Gene Insight'])
    expect(screen.getByText('Showing 1 of 7 apps')).toBeInTheDocument()

    await user.clear(filter)
    await user.type(filter, 'app-7')
    expect(await cardNames()).toEqual(['Helper 7'])

    await user.clear(filter)
    await user.type(filter, 'nothing-like-this')
    expect(screen.getByText('No app matches “nothing-like-this”.')).toBeInTheDocument()
    expect(screen.queryByRole('list', { name: 'Authorized apps' })).not.toBeInTheDocument()
    // Still seven grants: the filter hides, it does not pretend they are gone.
    expect(screen.getByText('7 apps have access')).toBeInTheDocument()

    await user.click(screen.getByRole('button', { name: 'Show all apps' }))
    expect(filter).toHaveValue('')
    expect(filter).toHaveFocus()
    expect(await cardNames()).toHaveLength(7)
  })

  test('exactly five grants get no filter', async () => {
    upstreamGrants = manyGrants(5)
    renderGrants()
    expect(await cardNames()).toHaveLength(5)
    expect(screen.queryByRole('searchbox')).not.toBeInTheDocument()
  })

  test('an upstream fault shows an error with retry, never an empty list', async () => {
    const user = userEvent.setup()
    let failures = 1
    server.use(
      http.get('/api/oauth2/grants', () => {
        if (failures-- > 0) {
          return apiError(502, 'upstream_error')
        }
        return HttpResponse.json({ grants: upstreamGrants })
      }),
    )
    renderGrants()
    expect(await screen.findByRole('heading', { level: 1, name: 'The BGE platform is having trouble' })).toBeInTheDocument()
    expect(screen.queryByText('No app has access to your data')).not.toBeInTheDocument()
    expect(screen.queryByRole('list')).not.toBeInTheDocument()

    await user.click(screen.getByRole('button', { name: 'Try again' }))
    expect(await cardNames()).toEqual(['Gene Insight', 'Gut Check', 'Ancestry Atlas'])
  })

  test('signed out, it goes to sign-in, which comes back to /grants', async () => {
    server.use(http.get('/api/oauth2/grants', () => unauthenticated()))
    const { router } = renderGrants()
    expect(await screen.findByRole('heading', { level: 1, name: 'Sign in to the sandbox' })).toBeInTheDocument()
    expect(currentPath(router)).toBe(`/signin?next=${encodeURIComponent('/grants')}`)
  })

  test('a session that ends before a revoke goes to sign-in and puts the grant back', async () => {
    const user = userEvent.setup()
    server.use(http.delete('/api/oauth2/grants/:clientId', () => unauthenticated()))
    renderGrants()
    await user.click(await screen.findByRole('button', { name: 'Revoke Gene Insight' }))
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Revoke' }))
    await vi.waitFor(() => expect(assignLocation).toHaveBeenCalledWith(`/signin?next=${encodeURIComponent('/grants')}`))
    expect(await screen.findByRole('button', { name: 'Revoke Gene Insight' })).toBeInTheDocument()
  })

  test('the confirmation dialog takes focus, names the app and what it loses, and gives focus back', async () => {
    const user = userEvent.setup()
    renderGrants()
    const revoke = (await screen.findByRole('button', { name: 'Revoke Gene Insight' })) as HTMLButtonElement

    await user.click(revoke)
    const dialog = screen.getByRole('dialog', { name: 'Revoke Gene Insight’s access?' })
    expect(dialog).toHaveAccessibleDescription(/Gene Insight will no longer be able to read the 2 samples you shared with it/)
    expect(within(dialog).getByText('E-A0002')).toBeInTheDocument()
    const cancel = within(dialog).getByRole('button', { name: 'Cancel' })
    expect(cancel).toHaveFocus()

    await user.keyboard('{Escape}')
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument()
    expect(revoke).toHaveFocus()

    await user.keyboard('{Enter}')
    expect(screen.getByRole('dialog', { name: 'Revoke Gene Insight’s access?' })).toBeInTheDocument()
    await user.click(screen.getByRole('button', { name: 'Cancel' }))
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument()
    expect(revoke).toHaveFocus()

    expect(requests.filter((request) => request.startsWith('DELETE'))).toEqual([])
    expect(await cardNames()).toHaveLength(3)
  })

  test('a grant without samples is revoked with a dialog that says so', async () => {
    const user = userEvent.setup()
    renderGrants()
    await user.click(await screen.findByRole('button', { name: 'Revoke Ancestry Atlas' }))
    expect(screen.getByRole('dialog', { name: 'Revoke Ancestry Atlas’s access?' })).toHaveAccessibleDescription(
      /Ancestry Atlas will no longer be able to use your BGE data/,
    )
  })

  test('confirming removes the grant at once, before the BFF answers, and announces it', async () => {
    const user = userEvent.setup()
    let answer: () => void = () => {}
    const answered = new Promise<void>((resolve) => (answer = resolve))
    server.use(
      http.delete('/api/oauth2/grants/:clientId', async ({ params }) => {
        requests.push(`DELETE ${String(params.clientId)} held`)
        await answered
        upstreamGrants = upstreamGrants.filter((grant) => grant.client_id !== params.clientId)
        return new HttpResponse(null, { status: 204 })
      }),
    )
    renderGrants()
    await user.click(await screen.findByRole('button', { name: 'Revoke Gene Insight' }))
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Revoke' }))

    expect(screen.queryByRole('dialog')).not.toBeInTheDocument()
    await waitFor(() => expect(requests).toContain('DELETE web-app held'))
    // The DELETE is still waiting for its answer, and the grant is already gone.
    expect(await cardNames()).toEqual(['Gut Check', 'Ancestry Atlas'])
    expect(screen.getByRole('heading', { level: 1 })).toHaveFocus()
    expect(screen.getByRole('status')).toHaveTextContent('')

    answer()
    await waitFor(() => expect(screen.getByRole('status')).toHaveTextContent('Gene Insight can no longer access your data.'))
    // Then the list is asked for again, and agrees.
    await waitFor(() => expect(requests.filter((request) => request === 'GET')).toHaveLength(2))
    expect(await cardNames()).toEqual(['Gut Check', 'Ancestry Atlas'])
  })

  test('a revoke whose answer was lost says BGE has not confirmed it, and the list then shows what BGE says', async () => {
    const user = userEvent.setup()
    server.use(
      // The platform did revoke, but its answer never came back.
      http.delete('/api/oauth2/grants/:clientId', ({ params }) => {
        upstreamGrants = upstreamGrants.filter((grant) => grant.client_id !== params.clientId)
        return apiError(504, 'decision_outcome_unknown')
      }),
    )
    renderGrants()
    await user.click(await screen.findByRole('button', { name: 'Revoke Gut Check' }))
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Revoke' }))

    await waitFor(() => expect(screen.getByRole('status')).toHaveTextContent('BGE has not confirmed that Gut Check’s access was revoked'))
    expect(screen.queryByText(/Revoking failed/)).not.toBeInTheDocument()
    // Asked again, the list agrees with the platform: Gut Check is gone.
    await waitFor(async () => expect(await cardNames()).toEqual(['Gene Insight', 'Ancestry Atlas']))
  })

  test('a failed revoke puts the grant back in place and says so', async () => {
    const user = userEvent.setup()
    server.use(
      http.delete('/api/oauth2/grants/:clientId', () => apiError(502, 'upstream_error')),
    )
    renderGrants()
    await user.click(await screen.findByRole('button', { name: 'Revoke Gut Check' }))
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Revoke' }))

    await waitFor(() => expect(screen.getByRole('status')).toHaveTextContent('Couldn’t revoke Gut Check’s access. It still has access; please try again.'))
    expect(await cardNames()).toEqual(['Gene Insight', 'Gut Check', 'Ancestry Atlas'])
    const gut = (await findCards())[1] as HTMLElement
    expect(within(gut).getByText('Revoking failed. Gut Check still has access; please try again.')).toBeInTheDocument()

    // Trying again clears the message; this time it works.
    server.use(...grantsBff)
    await user.click(within(gut).getByRole('button', { name: 'Revoke Gut Check' }))
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Revoke' }))
    await waitFor(() => expect(screen.getByRole('status')).toHaveTextContent('Gut Check can no longer access your data.'))
    expect(await cardNames()).toEqual(['Gene Insight', 'Ancestry Atlas'])
    expect(screen.queryByText(/Revoking failed/)).not.toBeInTheDocument()
  })

  test('revoking the last grant leaves the empty state', async () => {
    const user = userEvent.setup()
    upstreamGrants = [GENE_INSIGHT]
    renderGrants()
    await user.click(await screen.findByRole('button', { name: 'Revoke Gene Insight' }))
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Revoke' }))
    expect(await screen.findByRole('heading', { level: 2, name: 'No app has access to your data' })).toBeInTheDocument()
    await waitFor(() => expect(screen.getByRole('status')).toHaveTextContent('Gene Insight can no longer access your data.'))
    expect(requests).toContain('DELETE web-app fetch')
  })

  test('speaks Chinese, dates and button names included', async () => {
    const user = userEvent.setup()
    await setLanguage('zh-CN')
    renderGrants()
    expect(await screen.findByRole('heading', { level: 1, name: '我的授权' })).toBeInTheDocument()
    expect(screen.getByText('3 个应用有访问权限')).toBeInTheDocument()
    const list = screen.getByRole('list', { name: '已授权的应用' })
    const gene = within(list).getAllByRole('article')[0] as HTMLElement
    expect(within(gene).getByText('3天前')).toBeInTheDocument()
    expect(within(gene).getByText('共享了 2 个样本')).toBeInTheDocument()
    expect(screen.getByText('授权于 2021年3月19日')).toBeInTheDocument()
    await user.click(within(gene).getByRole('button', { name: '撤销授权：Gene Insight' }))
    const dialog = screen.getByRole('dialog', { name: '撤销“Gene Insight”的授权？' })
    expect(within(dialog).getByRole('button', { name: '取消' })).toHaveFocus()
    expect(within(dialog).getByRole('button', { name: '撤销' })).toBeInTheDocument()
  })
  test('“What you agreed to” shows the latest authorize record’s words and samples, as recorded, with its receipt', async () => {
    const user = userEvent.setup()
    records = [
      consentRecord({ id: 'rec-newer', at: '2024-05-02T00:30:00Z' }),
      consentRecord({ id: 'rec-older', at: '2023-01-01T00:00:00Z', scopes: [{ scope: 'profile.default', title: 'Old words', message: 'Old message', tier: 'basic' }] }),
      consentRecord({ id: 'rec-other-app', client_id: 'other-app', app_name: 'Other' }),
    ]
    renderGrants()
    const gene = within((await findCards())[0] as HTMLElement)
    const agreed = gene.getByText('What you agreed to')
    await user.click(agreed)
    const details = agreed.closest('details') as HTMLElement
    expect(details).toHaveAttribute('open')
    const shown = within(details)
    expect(shown.getByText('On May 2, 2024 you were shown these words and chose these samples.')).toBeInTheDocument()
    // The words exactly as the person saw them (Chinese), under the page's tier headings.
    expect(shown.getByRole('heading', { level: 3, name: 'Your genetic data' })).toBeInTheDocument()
    expect(shown.getByText('基因位点')).toBeInTheDocument()
    expect(shown.getByText('读取头像、用户名、昵称以及性别等基本用户信息')).toBeInTheDocument()
    expect(shown.getByText('基因位点').closest('ul')).toHaveAttribute('lang', 'zh-CN')
    expect(shown.queryByText('Old words')).not.toBeInTheDocument()
    expect(shown.getByText('2 samples shared then: E-A0001, E-A0002')).toBeInTheDocument()
    expect(shown.getByRole('link', { name: 'View the receipt' })).toHaveAttribute('href', '/activity/rec-newer')
  })

  test('a grant without a record here says so plainly, and a deny or revoke is not taken for one', async () => {
    records = [consentRecord({ id: 'rec-deny', client_id: 'gut-check', decision: 'deny' })]
    renderGrants()
    const [, gut, old] = await findCards()
    for (const card of [gut, old]) {
      const agreed = within(card as HTMLElement).getByText('What you agreed to').closest('details') as HTMLElement
      expect(within(agreed).getByText(/This portal kept no record of this authorization/)).toBeInTheDocument()
      expect(within(agreed).queryByRole('link')).not.toBeInTheDocument()
    }
  })

  test('counts the person’s samples each grant leaves out, in both languages', async () => {
    const { unmount } = renderGrants()
    const [gene, gut, old] = await findCards()
    expect(within(gene as HTMLElement).getByText('1 of your samples is not shared with it; it would have to ask you again to see it.')).toBeInTheDocument()
    expect(within(gut as HTMLElement).getByText('2 of your samples are not shared with it; it would have to ask you again to see them.')).toBeInTheDocument()
    expect(within(old as HTMLElement).getByText(/^3 of your samples are not shared/)).toBeInTheDocument()

    unmount()
    upstreamGrants = [{ ...GENE_INSIGHT, biosample_ids: ALICE_SAMPLES.map(({ biosample_id, type }) => ({ biosample_id, type })) }, GENE_INSIGHT_TOO]
    await setLanguage('zh-CN')
    renderGrants()
    const [all, some] = await findCardsIn('已授权的应用')
    // A grant of every sample has nothing to count.
    expect(within(all as HTMLElement).queryByText(/没有共享给它/)).not.toBeInTheDocument()
    expect(within(some as HTMLElement).getByText('你还有 1 个样本没有共享给它；它需要重新征得你的同意才能看到。')).toBeInTheDocument()
  })

  test('the grants, the samples and the records are asked for together, not one after another', async () => {
    const started = new Set<string>()
    let allStarted: () => void = () => {}
    const together = new Promise<void>((resolve) => (allStarted = resolve))
    const held = (name: string, body: () => Response) => async () => {
      started.add(name)
      if (started.size === 3) allStarted()
      await together
      return body()
    }
    server.use(
      http.get('/api/oauth2/grants', held('grants', () => HttpResponse.json({ grants: upstreamGrants }))),
      http.get('/api/biosamples', held('biosamples', () => HttpResponse.json({ biosamples: ALICE_SAMPLES }))),
      http.get('/api/records', held('records', () => HttpResponse.json({ records }))),
    )
    renderGrants()
    // Each answer waits until all three were asked: one asked only after another answered never comes.
    expect(await cardNames()).toEqual(['Gene Insight', 'Gut Check', 'Ancestry Atlas'])
  })

  test('the revoke dialog says copies the app made are not deleted, and whom to ask', async () => {
    const user = userEvent.setup()
    renderGrants()
    await user.click(await screen.findByRole('button', { name: 'Revoke Gene Insight' }))
    expect(within(screen.getByRole('dialog')).getByText('Revoking stops future access. It does not delete copies the app has already made; to ask for that, contact the app.')).toBeInTheDocument()
  })

  test('after a revoke, the confirmation links to the revoke’s own record, and the records are asked for again', async () => {
    const user = userEvent.setup()
    records = [consentRecord({ id: 'rec-old-revoke', decision: 'revoke', client_id: 'gut-check', at: '2020-01-01T00:00:00Z' }), consentRecord()]
    renderGrants()
    await user.click(await screen.findByRole('button', { name: 'Revoke Gut Check' }))
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Revoke' }))
    const link = await screen.findByRole('link', { name: 'View the receipt of this revoke' })
    expect(link).toHaveAttribute('href', '/activity/rec-revoke-gut-check')
    expect(requests).toContain('GET records gut-check')
    // The list of records is fetched again too, so the activity and the cards are not stale.
    await waitFor(() => expect(requests.filter((request) => request === 'GET records')).toHaveLength(2))
  })

  test('back from the revoke page’s form (no script): the query says how it went, the app’s name and receipt come from its record', async () => {
    records = [consentRecord({ id: 'rec-form-revoke', decision: 'revoke', client_id: 'old-app', app_name: 'Old App', at: '2024-06-09T00:00:00Z' }), consentRecord()]
    renderApp('/grants?revoked=old-app&outcome=revoked')
    await findCards()
    expect(screen.getByText('Old App can no longer access your data.')).toBeInTheDocument()
    expect(screen.getByRole('link', { name: 'View the receipt of this revoke' })).toHaveAttribute('href', '/activity/rec-form-revoke')
  })

  test('a revoke page’s form that failed: the grant says so; an outcome the page does not know says nothing', async () => {
    const failed = renderApp('/grants?revoked=gut-check&outcome=failed')
    await findCards()
    expect(screen.getByText('Revoking failed. Gut Check still has access; please try again.')).toBeInTheDocument()
    failed.unmount()
    renderApp('/grants?revoked=gut-check&outcome=whatever')
    await findCards()
    expect(screen.queryByText(/Gut Check can no longer access|Revoking failed/)).not.toBeInTheDocument()
  })

  test('a revoke whose record cannot be found still says it is done, without a link', async () => {
    const user = userEvent.setup()
    server.use(http.get('/api/records', ({ request }) => (new URL(request.url).searchParams.has('client_id') ? apiError(502, 'upstream_error') : HttpResponse.json({ records }))))
    renderGrants()
    await user.click(await screen.findByRole('button', { name: 'Revoke Gut Check' }))
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Revoke' }))
    await waitFor(() => expect(screen.getByRole('status')).toHaveTextContent('Gut Check can no longer access your data.'))
    expect(screen.queryByRole('link', { name: 'View the receipt of this revoke' })).not.toBeInTheDocument()
  })

  test('“What you agreed to” is the latest granted authorize: newer ones that failed or are not confirmed are skipped', async () => {
    const user = userEvent.setup()
    records = [
      consentRecord({ id: 'rec-unknown', at: '2024-06-03T00:00:00Z', outcome: 'unknown', biosamples: [] }),
      consentRecord({ id: 'res-failed', resolves: 'rec-failed', outcome: 'failed', at: '2024-06-02T00:00:05Z' }),
      consentRecord({ id: 'rec-failed', at: '2024-06-02T00:00:00Z', outcome: 'unknown', biosamples: [] }),
      consentRecord({ id: 'res-granted', resolves: 'rec-granted', outcome: 'granted', at: '2024-05-02T00:30:05Z' }),
      consentRecord({ id: 'rec-granted', at: '2024-05-02T00:30:00Z', outcome: 'unknown' }),
    ]
    renderGrants()
    const gene = within((await findCards())[0] as HTMLElement)
    await user.click(gene.getByText('What you agreed to'))
    const shown = within(gene.getByText('What you agreed to').closest('details') as HTMLElement)
    expect(shown.getByText('On May 2, 2024 you were shown these words and chose these samples.')).toBeInTheDocument()
    expect(shown.getByText('2 samples shared then: E-A0001, E-A0002')).toBeInTheDocument()
    expect(shown.getByRole('link', { name: 'View the receipt' })).toHaveAttribute('href', '/activity/rec-granted')
  })

  test('grants that vanished without a revoke here are a notice in plain words, not an error', async () => {
    server.use(
      http.get('/api/oauth2/grants', () =>
        HttpResponse.json({
          grants: upstreamGrants,
          vanished: [{ client_id: 'gone-app', app_name: 'Gone App', app_logo: '', record_id: 'rec-gone', granted_at: '2024-05-02T00:30:00Z' }],
        }),
      ),
    )
    renderGrants()
    const notice = within(await screen.findByRole('region', { name: 'Access that ended elsewhere' }))
    expect(notice.getByText('Gone App no longer has access, but no withdrawal was made here. It may have been revoked elsewhere.')).toBeInTheDocument()
    expect(notice.getByText('You authorized it on May 2, 2024.')).toHaveAttribute('datetime', '2024-05-02T00:30:00Z')
    expect(notice.getByRole('link', { name: 'View the receipt of Gone App’s authorization' })).toHaveAttribute('href', '/activity/rec-gone')
    expect(screen.queryByRole('alert')).not.toBeInTheDocument()
    // Not one of the grants.
    expect(await cardNames()).toEqual(['Gene Insight', 'Gut Check', 'Ancestry Atlas'])
  })

  test('the vanished notice speaks Chinese and stays through a revoke', async () => {
    const user = userEvent.setup()
    await setLanguage('zh-CN')
    const vanished = [{ client_id: 'gone-app', app_name: 'Gone App', app_logo: '', record_id: 'rec-gone', granted_at: '2024-05-02T00:30:00Z' }]
    server.use(http.get('/api/oauth2/grants', () => HttpResponse.json({ grants: upstreamGrants, vanished })))
    renderGrants()
    const region = await screen.findByRole('region', { name: '在别处结束的授权' })
    expect(within(region).getByText('Gone App 已不再拥有访问权限，但你没有在这里撤销。它可能是在别处被撤销的。')).toBeInTheDocument()
    await user.click(screen.getByRole('button', { name: '撤销授权：Gut Check' }))
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: '撤销' }))
    // The optimistic removal keeps the rest of the answer.
    await waitFor(() => expect(screen.queryByRole('button', { name: '撤销授权：Gut Check' })).not.toBeInTheDocument())
    expect(screen.getByRole('region', { name: '在别处结束的授权' })).toBeInTheDocument()
  })

  test('a revoke not recorded yet (the store was down) links to no older revoke, and says its record will come', async () => {
    const user = userEvent.setup()
    records = [consentRecord({ id: 'rec-old-revoke', decision: 'revoke', client_id: 'gut-check', at: '2020-01-01T00:00:00Z' }), consentRecord()]
    server.use(
      http.delete('/api/oauth2/grants/:clientId', ({ params }) => {
        upstreamGrants = upstreamGrants.filter((grant) => grant.client_id !== params.clientId)
        return new HttpResponse(null, { status: 204 })
      }),
    )
    renderGrants()
    await user.click(await screen.findByRole('button', { name: 'Revoke Gut Check' }))
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Revoke' }))
    expect(await screen.findByText('Its record will appear under Activity once it has been saved.')).toBeInTheDocument()
    expect(screen.getByRole('status')).toHaveTextContent('Gut Check can no longer access your data.')
    expect(screen.queryByRole('link', { name: 'View the receipt of this revoke' })).not.toBeInTheDocument()
  })

  test('the revoke’s own attempt is linked even when BGE has not confirmed it yet', async () => {
    const user = userEvent.setup()
    server.use(
      http.delete('/api/oauth2/grants/:clientId', ({ params }) => {
        upstreamGrants = upstreamGrants.filter((grant) => grant.client_id !== params.clientId)
        records = [consentRecord({ id: 'rec-revoke-unknown', decision: 'revoke', outcome: 'unknown', client_id: String(params.clientId), at: new Date().toISOString() }), ...records]
        return new HttpResponse(null, { status: 204 })
      }),
    )
    renderGrants()
    await user.click(await screen.findByRole('button', { name: 'Revoke Gut Check' }))
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Revoke' }))
    expect(await screen.findByRole('link', { name: 'View the receipt of this revoke' })).toHaveAttribute('href', '/activity/rec-revoke-unknown')
  })
})
