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

  test('Show older: the next page by the cursor, added below, announced, with focus on the first older decision; gone at the end', async () => {
    const user = userEvent.setup()
    const OLDER = consentRecord({ id: 'rec-old', decision: 'deny', at: daysAgo(40), app_name: 'Old App', client_id: 'old-app' })
    const asked: (string | null)[] = []
    server.use(
      http.get('/api/records', ({ request }) => {
        const before = new URL(request.url).searchParams.get('before')
        asked.push(before)
        return HttpResponse.json(before === 'page-2' ? { records: [OLDER], next: null } : { records, vanished: [], next: 'page-2' })
      }),
    )
    renderApp('/activity')
    expect(await items()).toHaveLength(3)
    const showOlder = screen.getByRole('button', { name: 'Show older decisions' })
    showOlder.focus()
    await user.keyboard('{Enter}')
    expect(await screen.findByRole('heading', { level: 2, name: 'Old App' })).toBeInTheDocument()
    expect(await items()).toHaveLength(4)
    expect(asked).toEqual([null, 'page-2'])
    expect(screen.getByRole('status')).toHaveTextContent('1 older decision shown')
    expect(screen.getByRole('link', { name: /^View receipt: Denied Old App/ })).toHaveFocus()
    expect(screen.queryByRole('button', { name: 'Show older decisions' })).not.toBeInTheDocument()
  })

  test('no Show older when the first page is the whole list', async () => {
    server.use(http.get('/api/records', () => HttpResponse.json({ records, next: null })))
    renderApp('/activity')
    expect(await items()).toHaveLength(3)
    expect(screen.queryByRole('button', { name: 'Show older decisions' })).not.toBeInTheDocument()
  })

  test('retention’s marker ends the list, once the last page is there, in either language; the kept records stay', async () => {
    const PURGED = { count: 12, through: '2025-01-15T08:00:00.000Z' }
    server.use(
      http.get('/api/records', ({ request }) =>
        HttpResponse.json(new URL(request.url).searchParams.get('before') === 'page-2' ? { records: [], next: null, purged: PURGED } : { records, vanished: [], next: 'page-2' }),
      ),
    )
    const date = new Intl.DateTimeFormat('en', { dateStyle: 'medium' }).format(new Date(PURGED.through))
    const marker = `Earlier history: 12 records up to ${date} were removed under this portal’s retention period.`
    const { unmount } = renderApp('/activity')
    expect(await items()).toHaveLength(3)
    expect(screen.queryByText(marker)).not.toBeInTheDocument()
    await userEvent.setup().click(screen.getByRole('button', { name: 'Show older decisions' }))
    expect(await screen.findByText(marker)).toBeInTheDocument()
    expect(await items()).toHaveLength(3)
    unmount()

    await setLanguage('zh-CN')
    server.use(http.get('/api/records', () => HttpResponse.json({ records: [DENY], next: null, purged: { count: 1, through: PURGED.through } })))
    renderApp('/activity')
    const zhDate = new Intl.DateTimeFormat('zh-CN', { dateStyle: 'medium' }).format(new Date(PURGED.through))
    expect(await screen.findByText(`更早的历史：截至 ${zhDate} 的 1 条记录已按本门户的保存期限删除。`)).toBeInTheDocument()
  })

  test('records written before receipts were signed say so, in either language; signed ones do not', async () => {
    records = [REVOKE, { ...AUTHORIZE, chain_seq: null, previous_sha256: null }]
    renderApp('/activity')
    const [signed, unsigned] = await items()
    expect(within(unsigned as HTMLElement).getByText('Written before receipts were signed')).toBeInTheDocument()
    expect(within(signed as HTMLElement).queryByText('Written before receipts were signed')).not.toBeInTheDocument()
  })

  test('写入于回执签名启用之前 in Chinese', async () => {
    await setLanguage('zh-CN')
    records = [{ ...AUTHORIZE, chain_seq: null, previous_sha256: null }]
    renderApp('/activity')
    const [unsigned] = within(await screen.findByRole('list', { name: '你的决定' })).getAllByRole('article')
    expect(within(unsigned as HTMLElement).getByText('写入于回执签名启用之前')).toBeInTheDocument()
  })

  test('offers one download of every record, a plain link to the BFF’s streamed export', async () => {
    renderApp('/activity')
    await items()
    const section = screen.getByRole('region', { name: 'A copy of all your records' })
    const link = within(section).getByRole('link', { name: 'Download all records (JSON)' })
    expect(link).toHaveAttribute('href', '/api/records/export')
    expect(link).toHaveAttribute('download')
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

  test('one row per attempt, in its current state: a settled attempt once, unconfirmed and failed ones in plain words', async () => {
    const unknownAuthorize = consentRecord({ id: 'att-unknown', outcome: 'unknown', at: daysAgo(1) })
    const failedRevoke = consentRecord({ id: 'att-failed', decision: 'revoke', outcome: 'failed', at: daysAgo(3), client_id: 'gut-check', app_name: 'Gut Check', scopes: [], biosamples: [] })
    const settledAttempt = consentRecord({ id: 'att-settled', outcome: 'unknown', at: daysAgo(6) })
    const settles = consentRecord({ id: 'res-settled', resolves: 'att-settled', outcome: 'granted', at: daysAgo(5) })
    records = [unknownAuthorize, failedRevoke, settles, settledAttempt]
    renderApp('/activity')
    const [unknown, failed, settled, ...rest] = await items()
    expect(rest).toEqual([])
    expect(screen.getByText('3 decisions')).toBeInTheDocument()

    const first = within(unknown as HTMLElement)
    expect(first.getByText('Not confirmed by BGE yet')).toBeInTheDocument()
    expect(first.getByText(/You authorized Gene Insight, but BGE has not confirmed it yet: the app may have access\./)).toBeInTheDocument()
    expect(first.getByRole('link', { name: 'See which apps have access' })).toHaveAttribute('href', '/grants')
    expect(first.getByRole('link', { name: /^View receipt: Not confirmed by BGE yet Gene Insight/ })).toHaveAttribute('href', '/activity/att-unknown')
    expect(unknown).toHaveClass('border-l-amber-500')

    const second = within(failed as HTMLElement)
    expect(second.getByText('Did not go through')).toBeInTheDocument()
    expect(second.getByText(/This revoke did not go through, so Gut Check kept its access\./)).toBeInTheDocument()
    expect(failed).toHaveClass('border-l-orange-600')

    // The resolution is no row of its own: the attempt shows what it came to, and opens the attempt.
    const third = within(settled as HTMLElement)
    expect(third.getByText('Authorized')).toBeInTheDocument()
    expect(third.queryByText('Not confirmed by BGE yet')).not.toBeInTheDocument()
    expect(third.getByRole('link', { name: /^View receipt: Authorized Gene Insight/ })).toHaveAttribute('href', '/activity/att-settled')
    expect(screen.queryByRole('link', { name: /res-settled/ })).not.toBeInTheDocument()
  })

  test('the filter and its count work on attempts, not records', async () => {
    const user = userEvent.setup()
    const attempts = Array.from({ length: 10 }, (_, index) =>
      consentRecord({ id: `att-${index}`, outcome: 'unknown', client_id: `app-${index}`, app_name: index === 4 ? 'Gut Check' : `Helper ${index}`, at: daysAgo(20 - index) }),
    )
    const resolutions = attempts.map((attempt, index) => consentRecord({ ...attempt, id: `res-${index}`, resolves: attempt.id, outcome: 'granted', at: daysAgo(19 - index) }))
    records = [...resolutions, ...attempts].sort((a, b) => b.at.localeCompare(a.at))
    renderApp('/activity')
    expect(await items()).toHaveLength(10)
    expect(screen.getByText('10 decisions')).toBeInTheDocument()
    await user.type(screen.getByRole('searchbox', { name: 'Filter by app name or client ID' }), 'gut')
    expect(await items()).toHaveLength(1)
    expect(screen.getByText('Showing 1 of 10 decisions')).toBeInTheDocument()
  })

  test('a grant that vanished without a revoke here is a notice, not a row', async () => {
    server.use(
      http.get('/api/records', () =>
        HttpResponse.json({
          records,
          vanished: [{ client_id: 'web-app', app_name: 'Gene Insight', app_logo: '', record_id: 'rec-a', granted_at: AUTHORIZE.at }],
        }),
      ),
    )
    renderApp('/activity')
    const notice = within(await screen.findByRole('region', { name: 'Access that ended elsewhere' }))
    expect(notice.getByText('Gene Insight no longer has access, but no withdrawal was made here. It may have been revoked elsewhere.')).toBeInTheDocument()
    expect(notice.getByRole('link', { name: 'View the receipt of Gene Insight’s authorization' })).toHaveAttribute('href', '/activity/rec-a')
    expect(screen.queryByRole('alert')).not.toBeInTheDocument()
    expect(await items()).toHaveLength(3)
  })

  test('says unconfirmed, failed and vanished in Chinese', async () => {
    await setLanguage('zh-CN')
    records = [
      consentRecord({ id: 'att-unknown', outcome: 'unknown' }),
      consentRecord({ id: 'att-failed', outcome: 'failed', client_id: 'gut-check', app_name: 'Gut Check' }),
    ]
    server.use(
      http.get('/api/records', () =>
        HttpResponse.json({ records, vanished: [{ client_id: 'old-app', app_name: 'Ancestry Atlas', app_logo: '', record_id: 'rec-old', granted_at: '2024-01-02T03:04:05Z' }] }),
      ),
    )
    renderApp('/activity')
    const [unknown, failed] = within(await screen.findByRole('list', { name: '你的决定' })).getAllByRole('article')
    expect(within(unknown as HTMLElement).getByText('尚未得到 BGE 确认')).toBeInTheDocument()
    expect(within(unknown as HTMLElement).getByText(/你授权了 Gene Insight，但 BGE 尚未确认：该应用可能已获得访问权限。/)).toBeInTheDocument()
    expect(within(unknown as HTMLElement).getByRole('link', { name: '查看哪些应用有访问权限' })).toHaveAttribute('href', '/grants')
    expect(within(failed as HTMLElement).getByText('未成功')).toBeInTheDocument()
    expect(within(failed as HTMLElement).getByText(/这次授权未成功：Gut Check 没有因此获得访问权限。/)).toBeInTheDocument()
    const notice = within(screen.getByRole('region', { name: '在别处结束的授权' }))
    expect(notice.getByText('Ancestry Atlas 已不再拥有访问权限，但你没有在这里撤销。它可能是在别处被撤销的。')).toBeInTheDocument()
  })
})
