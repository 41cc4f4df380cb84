import { screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { http, HttpResponse } from 'msw'
import { beforeEach, describe, expect, test } from 'vitest'
import type { ConsentRecord } from '@/contract/records'
import { setLanguage } from '@/lib/i18n'
import { consentRecord } from '../../../test/support/fixture-records'
import { apiError, server, unauthenticated } from '../../../test/support/msw-handlers'
import { currentPath, renderApp } from '../../../test/support/render'

const DAY = 24 * 60 * 60 * 1000
const daysAgo = (days: number) => new Date(Date.now() - days * DAY).toISOString()

const AUTHORIZE = consentRecord({ id: 'rec-a', at: daysAgo(10) })
const DENY = consentRecord({
  id: 'rec-d',
  decision: 'deny',
  at: daysAgo(2),
  client_id: 'gut-check',
  app_name: 'Gut Check',
  app_logo: 'https://cdn.example/gut.png',
  language: 'en',
  scopes: [{ scope: 'survey.default:read', title: 'Questionnaires', message: 'Read your questionnaire answers', tier: 'health' }],
  biosamples: [],
})
const REVOKE = consentRecord({ id: 'rec-r', decision: 'revoke', at: daysAgo(1), redirect_host: null, scopes: [], biosamples: [{ biosample_id: 'E-A0001', type: 'Lowpass' }] })

let records: ConsentRecord[] = []

beforeEach(async () => {
  records = [REVOKE, DENY, AUTHORIZE]
  server.use(
    http.get('/api/records', () => HttpResponse.json({ records })),
    http.get('/api/records/:id', ({ params }) => {
      const record = records.find((candidate) => candidate.id === params.id)
      return record ? HttpResponse.json(record) : apiError(404, 'not_found')
    }),
  )
  await setLanguage('en')
})

const items = async () => within(await screen.findByRole('list', { name: 'Your decisions' })).getAllByRole('article')

describe('activity', () => {
  test('lists every decision newest first: app, decision in words, date, samples, and a link to its receipt', async () => {
    renderApp('/activity')
    expect(await screen.findByRole('heading', { level: 1, name: 'Activity' })).toBeInTheDocument()
    const [revoke, deny, authorize] = await items()
    expect(screen.getByText('3 decisions')).toBeInTheDocument()

    const first = within(revoke as HTMLElement)
    expect(first.getByRole('heading', { level: 2, name: 'Gene Insight' })).toBeInTheDocument()
    expect(first.getByText('Revoked')).toBeInTheDocument()
    expect(first.getByText('yesterday')).toBeInTheDocument()
    expect(first.getByText('1 sample: E-A0001')).toBeInTheDocument()
    expect(first.getByText('G')).toHaveAttribute('aria-hidden', 'true')

    const second = within(deny as HTMLElement)
    expect(second.getByText('Denied')).toBeInTheDocument()
    expect(second.getByText('No samples')).toBeInTheDocument()
    expect((deny as HTMLElement).querySelector('img')).toHaveAttribute('src', 'https://cdn.example/gut.png')

    const third = within(authorize as HTMLElement)
    expect(third.getByText('Authorized')).toBeInTheDocument()
    expect(third.getByText('2 samples: E-A0001, E-A0002')).toBeInTheDocument()
    const date = new Intl.DateTimeFormat('en', { dateStyle: 'medium' }).format(new Date(AUTHORIZE.at))
    expect(third.getByText(date)).toHaveAttribute('datetime', AUTHORIZE.at)
    expect(third.getByRole('link', { name: `View receipt: Authorized Gene Insight, ${date}` })).toHaveAttribute('href', '/activity/rec-a')
  })

  test('the header links to Activity from every page, marked current on it and on a receipt', async () => {
    const user = userEvent.setup()
    const { router } = renderApp('/activity')
    const nav = within(await screen.findByRole('navigation', { name: 'Main' }))
    await items()
    expect(nav.getByRole('link', { name: 'Activity' })).toHaveAttribute('aria-current', 'page')
    expect(nav.getByRole('link', { name: 'My authorizations' })).not.toHaveAttribute('aria-current')

    await user.click(screen.getByRole('link', { name: /^View receipt: Denied Gut Check/ }))
    expect(await screen.findByRole('heading', { level: 1, name: 'Consent receipt' })).toBeInTheDocument()
    expect(currentPath(router)).toBe('/activity/rec-d')
    expect(nav.getByRole('link', { name: 'Activity' })).toHaveAttribute('aria-current', 'page')
  })

  test('with no decisions, says what will appear here', async () => {
    records = []
    renderApp('/activity')
    expect(await screen.findByRole('heading', { level: 2, name: 'No decisions yet' })).toBeInTheDocument()
    expect(screen.queryByRole('list', { name: 'Your decisions' })).not.toBeInTheDocument()
  })

  test('a long list gets a filter by app name or client id', async () => {
    const user = userEvent.setup()
    records = Array.from({ length: 10 }, (_, index) => consentRecord({ id: `rec-${index}`, client_id: `app-${index}`, app_name: index === 4 ? 'Gut Check' : `Helper ${index}` }))
    renderApp('/activity')
    expect(await items()).toHaveLength(10)
    await user.type(screen.getByRole('searchbox', { name: 'Filter by app name or client ID' }), 'gut')
    expect((await items()).map((item) => within(item).getByRole('heading', { level: 2 }).textContent)).toEqual(['Gut Check'])
    expect(screen.getByText('Showing 1 of 10 decisions')).toBeInTheDocument()
  })

  test('signed out, it goes to sign-in, which comes back to /activity', async () => {
    server.use(http.get('/api/records', () => unauthenticated()))
    const { router } = renderApp('/activity')
    expect(await screen.findByRole('heading', { level: 1, name: 'Sign in to the sandbox' })).toBeInTheDocument()
    expect(currentPath(router)).toBe(`/signin?next=${encodeURIComponent('/activity')}`)
  })

  test('a failure to load shows the error screen with retry, never an empty list', async () => {
    const user = userEvent.setup()
    let failures = 1
    server.use(http.get('/api/records', () => (failures-- > 0 ? apiError(503, 'store_unavailable') : HttpResponse.json({ records }))))
    renderApp('/activity')
    expect(await screen.findByRole('heading', { level: 1, name: 'The BGE platform is having trouble' })).toBeInTheDocument()
    expect(screen.queryByText('No decisions yet')).not.toBeInTheDocument()
    await user.click(screen.getByRole('button', { name: 'Try again' }))
    expect(await items()).toHaveLength(3)
  })

  test('speaks Chinese', async () => {
    await setLanguage('zh-CN')
    renderApp('/activity')
    expect(await screen.findByRole('heading', { level: 1, name: '授权记录' })).toBeInTheDocument()
    const list = await screen.findByRole('list', { name: '你的决定' })
    expect(within(list).getByText('已撤销')).toBeInTheDocument()
    expect(within(list).getByText('已拒绝')).toBeInTheDocument()
    expect(within(list).getByText('已授权')).toBeInTheDocument()
    expect(screen.getByText('3 条记录')).toBeInTheDocument()
    expect(within(list).getByText('2 个样本：E-A0001, E-A0002')).toBeInTheDocument()
  })
})
