import { screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { http, HttpResponse } from 'msw'
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest'
import type { ConsentRecord } from '@/contract/records'
import { setLanguage } from '@/lib/i18n'
import { consentRecord } from '../../../test/support/fixture-records'
import { ALICE } from '../../../test/support/fixture-users'
import { apiError, server, unauthenticated } from '../../../test/support/msw-handlers'
import { currentPath, renderApp } from '../../../test/support/render'

const AUTHORIZE = consentRecord({ id: 'rec-a' })
const DENY = consentRecord({ id: 'rec-d', decision: 'deny', at: '2024-05-03T10:00:00Z', language: 'en', biosamples: [] })
const REVOKE = consentRecord({ id: 'rec-r', decision: 'revoke', at: '2024-05-04T10:00:00Z', redirect_host: null, scopes: [] })
const MINI = consentRecord({ id: 'rec-m', client_id: 'wx-app', app_name: 'Gene Mini', redirect_host: null, mini_program_name: 'Gene Mini' })

let records: ConsentRecord[] = []

beforeEach(async () => {
  records = [MINI, AUTHORIZE]
  server.use(
    http.get('/api/records', () => HttpResponse.json({ records })),
    http.get('/api/records/:id', ({ params }) => {
      const record = records.find((candidate) => candidate.id === params.id)
      return record ? HttpResponse.json(record) : apiError(404, 'not_found', { message: 'No such record.' })
    }),
  )
  await setLanguage('en')
})

afterEach(() => vi.unstubAllGlobals())

/** The receipt's value for a label of its description list. */
function field(label: string): HTMLElement {
  const term = screen.getByText(label, { selector: 'dt' })
  const value = term.nextElementSibling
  if (!(value instanceof HTMLElement)) throw new Error(`no value for ${label}`)
  return value
}

async function openReceipt(id: string) {
  const rendered = renderApp(`/activity/${id}`)
  await screen.findByRole('heading', { level: 1, name: 'Consent receipt' })
  return rendered
}

describe('receipt: the separate consent for genetic data', () => {
  const WORDS = ['我同意 Gene Insight 读取我的基因数据', '用途：一', '可读取的内容：二', '意味着什么：三', '如何保护：四', '如何撤回：五']

  test('an authorize that asked for it: given, with its label and five items as recorded, in the language shown', async () => {
    records = [consentRecord({ id: 'rec-g', separate_consent: { given: true, words: WORDS } })]
    await openReceipt('rec-g')
    const section = within(screen.getByRole('region', { name: 'Separate consent for genetic data' }))
    expect(section.getByText('Given: the box was ticked on these words.')).toBeInTheDocument()
    expect(section.getByText(WORDS[0] ?? '')).toBeInTheDocument()
    expect(section.getAllByRole('listitem').map((item) => item.textContent)).toEqual(WORDS.slice(1))
    expect(section.getByRole('list').closest('[lang]')).toHaveAttribute('lang', 'zh-CN')
  })

  test('a deny says the words were shown and not agreed to', async () => {
    records = [consentRecord({ id: 'rec-n', decision: 'deny', separate_consent: { given: false, words: WORDS } }), AUTHORIZE]
    await openReceipt('rec-n')
    expect(within(screen.getByRole('region', { name: 'Separate consent for genetic data' })).getByText(/^Not given/)).toBeInTheDocument()
  })

  test('without a genetic scope there is none', async () => {
    await openReceipt('rec-a')
    expect(screen.queryByRole('region', { name: 'Separate consent for genetic data' })).not.toBeInTheDocument()
  })
})

describe('receipt', () => {
  test('says who, which app, what and when, in the words shown, where the person went, the fingerprint and how to revoke', async () => {
    await openReceipt('rec-a')
    expect(field('Who')).toHaveTextContent(`${ALICE.name} (User ID ${ALICE.id})`)
    expect(field('App')).toHaveTextContent('Gene Insight (Client ID web-app)')
    expect(field('Decision')).toHaveTextContent('Authorized')
    const local = new Intl.DateTimeFormat('en', { dateStyle: 'long', timeStyle: 'long' }).format(new Date(AUTHORIZE.at))
    expect(field('When')).toHaveTextContent(local)
    expect(field('When')).toHaveTextContent('In UTC: 2024-05-02T00:30:00Z')
    expect(field('Where you were sent')).toHaveTextContent('gene.example')
    expect(field('Language of the page')).toHaveTextContent('中文')
    expect(field('Record ID')).toHaveTextContent('rec-a')

    const scopes = within(screen.getByRole('region', { name: 'The permissions, in the words shown' }))
    // Tiers in the page's language, highest first; the words as recorded, in the language they were shown in.
    expect(scopes.getAllByRole('heading', { level: 3 }).map((heading) => heading.textContent)).toEqual(['Your genetic data', 'Basic details'])
    expect(scopes.getByText('基因位点')).toBeInTheDocument()
    expect(scopes.getByText('读取你的基因位点数据')).toBeInTheDocument()
    expect(scopes.getByText('基本信息').closest('ul')).toHaveAttribute('lang', 'zh-CN')

    const samples = within(screen.getByRole('region', { name: 'Samples' }))
    expect(samples.getByText('E-A0001')).toBeInTheDocument()
    expect(samples.getByText('Full')).toBeInTheDocument()

    expect(within(screen.getByRole('region', { name: 'Fingerprint of the words (SHA-256)' })).getByText(AUTHORIZE.text_sha256)).toHaveClass('font-mono', 'break-all')

    const revoke = within(screen.getByRole('region', { name: 'How to take it back' }))
    expect(revoke.getByText(/This authorization is in force/)).toBeInTheDocument()
    expect(revoke.getByRole('link', { name: 'Go to my authorizations' })).toHaveAttribute('href', '/grants')
  })

  test('an authorize replaced by a later decision about the app is no longer in force', async () => {
    records = [REVOKE, AUTHORIZE]
    await openReceipt('rec-a')
    const revoke = within(screen.getByRole('region', { name: 'How to take it back' }))
    expect(revoke.getByText(/no longer in force/)).toBeInTheDocument()
    expect(revoke.queryByRole('link')).not.toBeInTheDocument()
  })

  test('a deny, a revoke and a mini program say what they are in plain words', async () => {
    records = [REVOKE, DENY, MINI]
    const { unmount } = await openReceipt('rec-d')
    expect(field('Decision')).toHaveTextContent('Denied')
    expect(field('Language of the page')).toHaveTextContent('English')
    expect(within(screen.getByRole('region', { name: 'Samples' })).getByText('No samples were chosen.')).toBeInTheDocument()
    expect(screen.getByText(/You denied this request/)).toBeInTheDocument()
    unmount()

    const second = await openReceipt('rec-r')
    expect(field('Decision')).toHaveTextContent('Revoked')
    expect(field('Where you were sent')).toHaveTextContent('Nowhere: you stayed on this portal.')
    expect(screen.getByText('No permissions were listed.')).toBeInTheDocument()
    expect(screen.getByText(/This is the record of ending the app’s access/)).toBeInTheDocument()
    second.unmount()

    await openReceipt('rec-m')
    expect(field('Where you were sent')).toHaveTextContent('The Gene Mini WeChat mini program')
  })

  test('a record that is not the person’s is the not-found page', async () => {
    renderApp('/activity/someone-elses')
    expect(await screen.findByRole('heading', { level: 1, name: 'Page not found' })).toBeInTheDocument()
    expect(screen.queryByText('Consent receipt', { selector: 'h1' })).not.toBeInTheDocument()
  })

  test('signed out, it goes to sign-in, which comes back to this receipt', async () => {
    server.use(http.get('/api/records/:id', () => unauthenticated()))
    const { router } = renderApp('/activity/rec-a')
    expect(await screen.findByRole('heading', { level: 1, name: 'Sign in to the sandbox' })).toBeInTheDocument()
    expect(currentPath(router)).toBe(`/signin?next=${encodeURIComponent('/activity/rec-a')}`)
  })

  test('Print prints; Download JSON is a plain link to the BFF’s signed receipt of this record', async () => {
    const user = userEvent.setup()
    const print = vi.fn()
    vi.stubGlobal('print', print)
    await openReceipt('rec-a')

    await user.click(screen.getByRole('button', { name: 'Print' }))
    expect(print).toHaveBeenCalledTimes(1)

    // No script makes the file: the BFF names it and adds the JWS (server/routes/records.ts), so it
    // works without JavaScript too.
    const download = screen.getByRole('link', { name: 'Download JSON' })
    expect(download).toHaveAttribute('href', '/api/records/rec-a/receipt.json')
    expect(download).toHaveAttribute('download')
  })

  test('a record written before receipts were signed says it has no signature; a signed one does not', async () => {
    records = [consentRecord({ id: 'rec-old', chain_seq: null, previous_sha256: null }), AUTHORIZE]
    const { unmount } = await openReceipt('rec-old')
    expect(screen.getByText(/written before the portal began signing its receipts/)).toBeInTheDocument()
    unmount()
    await openReceipt('rec-a')
    expect(screen.queryByText(/written before the portal began signing its receipts/)).not.toBeInTheDocument()
  })

  test('speaks Chinese around the words as recorded', async () => {
    await setLanguage('zh-CN')
    renderApp('/activity/rec-a')
    expect(await screen.findByRole('heading', { level: 1, name: '授权回执' })).toBeInTheDocument()
    expect(field('决定')).toHaveTextContent('已授权')
    expect(screen.getByRole('button', { name: '打印' })).toBeInTheDocument()
    expect(screen.getByRole('link', { name: '下载 JSON' })).toBeInTheDocument()
    expect(screen.getByRole('heading', { level: 3, name: '基因数据' })).toBeInTheDocument()
  })

  test('an attempt shows where it stands now: not confirmed, confirmed by BGE and when, or did not go through', async () => {
    const attempt = consentRecord({ id: 'att-1', outcome: 'unknown' })
    records = [attempt]
    const first = await openReceipt('att-1')
    expect(field('Decision')).toHaveTextContent('Not confirmed by BGE yet')
    expect(field('Decision')).toHaveTextContent('You authorized Gene Insight, but BGE has not confirmed it yet')
    expect(field('BGE’s answer')).toHaveTextContent('No answer from BGE yet.')
    const revoke = within(screen.getByRole('region', { name: 'How to take it back' }))
    expect(revoke.getByText(/BGE has not confirmed this authorization yet/)).toBeInTheDocument()
    expect(revoke.getByRole('link', { name: 'Go to my authorizations' })).toHaveAttribute('href', '/grants')
    first.unmount()

    const confirmed = consentRecord({ id: 'res-1', resolves: 'att-1', outcome: 'granted', at: '2024-05-02T00:30:05Z' })
    records = [confirmed, attempt]
    const second = await openReceipt('att-1')
    expect(field('Decision')).toHaveTextContent(/^Authorized$/)
    const when = new Intl.DateTimeFormat('en', { dateStyle: 'long', timeStyle: 'long' }).format(new Date(confirmed.at))
    expect(field('BGE’s answer')).toHaveTextContent(`BGE confirmed it on ${when}. (Record ID res-1)`)
    expect(within(screen.getByRole('region', { name: 'How to take it back' })).getByText(/This authorization is in force/)).toBeInTheDocument()
    second.unmount()

    records = [consentRecord({ id: 'res-2', resolves: 'att-1', outcome: 'failed', at: '2024-05-02T00:30:05Z' }), attempt]
    await openReceipt('att-1')
    expect(field('Decision')).toHaveTextContent('Did not go through')
    expect(field('BGE’s answer')).toHaveTextContent(`BGE answered on ${when}: it did not go through.`)
    expect(screen.getByText('This authorization did not go through, so there is nothing to revoke.')).toBeInTheDocument()
  })

  test('a record that settles an attempt, opened directly, says so and links to the attempt', async () => {
    const user = userEvent.setup()
    records = [consentRecord({ id: 'res-1', resolves: 'att-1', outcome: 'granted', at: '2024-05-02T00:30:05Z' }), consentRecord({ id: 'att-1', outcome: 'unknown' })]
    const { router } = await openReceipt('res-1')
    expect(screen.getByText(/This record is BGE’s answer to an earlier decision, not a decision of its own\./)).toBeInTheDocument()
    expect(field('Record ID')).toHaveTextContent('res-1')
    await user.click(screen.getByRole('link', { name: 'View the receipt of that decision' }))
    await waitFor(() => expect(currentPath(router)).toBe('/activity/att-1'))
    expect(await screen.findByText('BGE’s answer', { selector: 'dt' })).toBeInTheDocument()
    expect(field('Decision')).toHaveTextContent(/^Authorized$/)
  })

  test('says an attempt’s state in Chinese', async () => {
    await setLanguage('zh-CN')
    records = [consentRecord({ id: 'att-1', decision: 'revoke', outcome: 'unknown', scopes: [] })]
    renderApp('/activity/att-1')
    expect(await screen.findByRole('heading', { level: 1, name: '授权回执' })).toBeInTheDocument()
    expect(field('决定')).toHaveTextContent('尚未得到 BGE 确认')
    expect(field('BGE 的答复')).toHaveTextContent('尚未收到 BGE 的答复。')
    expect(screen.getByText(/BGE 尚未确认这次撤销。/)).toBeInTheDocument()
  })
})
