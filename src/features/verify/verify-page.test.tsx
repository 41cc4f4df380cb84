import { screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { http, HttpResponse } from 'msw'
import { afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest'
import { JWKS_PATH } from '@/contract/receipts'
import { setLanguage } from '@/lib/i18n'
import { server, unauthenticated } from '../../../test/support/msw-handlers'
import { changeOneCharacter, jwksOf, receiptJson, recordsExport, signedChain, signingKey, type SigningKey } from '../../../test/support/receipts'
import { renderApp } from '../../../test/support/render'

let key: SigningKey
let chain: Awaited<ReturnType<typeof signedChain>>
let jwksReads = 0

beforeAll(async () => {
  key = await signingKey('2026-11')
  chain = await signedChain(key, 3, { biosamples: [{ biosample_id: 'E-A0001', type: 'Lowpass' }] })
})

beforeEach(async () => {
  jwksReads = 0
  server.use(
    // Signed out: the page is for anyone holding a receipt.
    http.get('/api/session', () => unauthenticated()),
    http.get(JWKS_PATH, () => {
      jwksReads += 1
      return HttpResponse.json(jwksOf(key))
    }),
  )
  await setLanguage('en')
})

afterEach(() => setLanguage('en'))

async function openVerify() {
  renderApp('/verify')
  await screen.findByRole('heading', { level: 1, name: 'Check a receipt' })
}

function file(text: string, name: string) {
  return new File([text], name, { type: 'application/json' })
}

/** The results region: the live verdict and checklist, then what the receipt says. */
const results = () => within(screen.getByRole('region', { name: 'Result of the check' }))

/** An element's text as a screen reader reads it: without what is hidden from it (the ✓ and ✕ marks). */
function spoken(element: HTMLElement): string {
  const copy = element.cloneNode(true) as HTMLElement
  for (const hidden of copy.querySelectorAll('[aria-hidden="true"]')) hidden.remove()
  return copy.textContent ?? ''
}

/** Each line of the (first) checklist, in order ("Signature: Passed…"). */
function checklist(list = results().getAllByRole('list', { name: 'Checks' })[0]!) {
  return within(list).getAllByRole('listitem').map(spoken)
}

describe('/verify', () => {
  test('signed out, a downloaded receipt is checked in the browser: every check passes and the signed facts are shown', async () => {
    const user = userEvent.setup()
    await openVerify()
    const [first, second] = chain
    await user.upload(screen.getByLabelText('Receipt file'), file(receiptJson(second!.record, second!.jws, first!.jws), 'consent-receipt-rec-2.json'))
    expect(await results().findByText('Verified: this portal signed this receipt and nothing in it has changed since.')).toBeInTheDocument()
    expect(checklist()).toEqual([
      'Signature: PassedSigned by this portal, with its key 2026-11.',
      'Signed content: PassedThe signed content is a complete consent record.',
      'Words: PassedThe fingerprint of the words matches the words in the receipt.',
      'Chain: PassedLinked to your receipt before it (number 1 of your chain); this is number 2.',
      'Readable copy: PassedThe readable copy in the file says what was signed.',
    ])
    const facts = within(screen.getByRole('region', { name: 'What the signed receipt says' }))
    expect(facts.getByText('App', { selector: 'dt' }).nextElementSibling).toHaveTextContent('Gene Insight (Client ID web-app)')
    expect(facts.getByText('Decision', { selector: 'dt' }).nextElementSibling).toHaveTextContent('Authorize')
    expect(facts.getByText('Outcome', { selector: 'dt' }).nextElementSibling).toHaveTextContent('Granted')
    const when = new Intl.DateTimeFormat('en', { dateStyle: 'long', timeStyle: 'long' }).format(new Date(second!.record.at))
    expect(facts.getByText('When', { selector: 'dt' }).nextElementSibling).toHaveTextContent(when)
    expect(facts.getByText('Genomic variants (by RS number)')).toBeInTheDocument()
    expect(facts.getByText('Read your genomic variants by RS number')).toBeInTheDocument()
    expect(facts.getByText('I agree that Gene Insight may read my genetic data')).toBeInTheDocument()
    expect(facts.getByText('E-A0001')).toBeInTheDocument()
    expect(jwksReads).toBe(1)
  })

  test('one changed character is refused with the reason, and nothing of the receipt is shown', async () => {
    const user = userEvent.setup()
    await openVerify()
    const [first] = chain
    const payloadAt = first!.jws.indexOf('.') + 30
    await user.click(screen.getByLabelText('Or paste the receipt'))
    await user.paste(changeOneCharacter(first!.jws, payloadAt))
    await user.click(screen.getByRole('button', { name: 'Check' }))
    expect(
      await results().findByText('Not verified: The signature does not match: the receipt was altered or not signed by this portal.'),
    ).toBeInTheDocument()
    expect(checklist()[0]).toBe('Signature: FailedThe signature does not match: the receipt was altered or not signed by this portal.')
    // What the failed signature left unchecked, said once.
    expect(checklist().slice(1)).toEqual(['Signed content, Words, Chain: Not checkedNot checked: the signature did not verify, so nothing in the receipt can be trusted.'])
    expect(screen.queryByRole('region', { name: 'What the signed receipt says' })).not.toBeInTheDocument()
    expect(screen.queryByText('Gene Insight')).not.toBeInTheDocument()
  })

  test('in Chinese, a changed readable copy is named though its signature stands', async () => {
    await setLanguage('zh-CN')
    const user = userEvent.setup()
    renderApp('/verify')
    await screen.findByRole('heading', { level: 1, name: '核对回执' })
    const [first] = chain
    const altered = receiptJson(first!.record, first!.jws).replace('"app_name": "Gene Insight"', '"app_name": "Gene Insighx"')
    await user.upload(screen.getByLabelText('回执文件'), file(altered, 'consent-receipt-rec-1.json'))
    const region = within(screen.getByRole('region', { name: '核对结果' }))
    expect(await region.findByText('核对未通过：文件中的可读副本与签名内容不同（bge.app_name）。本页只显示经过签名的内容。')).toBeInTheDocument()
    const lines = checklist(region.getByRole('list', { name: '核对项目' }))
    expect(lines[0]).toBe('签名: 通过由本门户用其密钥 2026-11 签名。')
    expect(lines.at(-1)).toBe('可读副本: 未通过文件中的可读副本与签名内容不同（bge.app_name）。本页只显示经过签名的内容。')
  })

  test('an export: its counts, each receipt with its own checklist, a missing one named', async () => {
    const user = userEvent.setup()
    await openVerify()
    await user.upload(screen.getByLabelText('Receipt file'), file(recordsExport([chain[0]!, chain[2]!]), 'consent-records-2026-12-04.json'))
    expect(await results().findByText('1 of 2 receipts verified. 1 refused.')).toBeInTheDocument()
    const receipts = results().getAllByRole('article')
    expect(receipts.map((article) => within(article).getByRole('heading', { level: 3 }).textContent)).toEqual([
      expect.stringMatching(/^Receipt 1 of 2Gene Insight · Authorize · Granted · November 3, 2026/),
      expect.stringMatching(/^Receipt 2 of 2Gene Insight · Authorize · Granted · November 1, 2026/),
    ])
    expect(within(receipts[0]!).getByText('Not verified: Receipt number 2 of your chain is missing from this file.')).toBeInTheDocument()
    expect(within(receipts[1]!).getByText('The first receipt of your chain.')).toBeInTheDocument()
    // Chinese has no singular: one missing receipt is still named as one.
    await setLanguage('zh-CN')
    expect(await within(receipts[0]!).findByText('核对未通过：这个文件缺少你的回执链中的第 2 张。')).toBeInTheDocument()
  })

  test('what cannot be checked says why: not a receipt, no keys, nothing given', async () => {
    const user = userEvent.setup()
    await openVerify()
    await user.upload(screen.getByLabelText('Receipt file'), file('{"hello":"world"}', 'other.json'))
    expect(await results().findByText('This is not a receipt from this portal. Choose the JSON or .jws file you downloaded, as it was downloaded.')).toBeInTheDocument()
    expect(jwksReads).toBe(0)

    server.use(http.get(JWKS_PATH, () => HttpResponse.json({ error: { code: 'internal', message: 'down' } }, { status: 503 })))
    await user.upload(screen.getByLabelText('Receipt file'), file(chain[0]!.jws, 'rec-1.jws'))
    expect(await results().findByText('This portal’s public keys could not be loaded, so nothing could be checked. Please try again.')).toBeInTheDocument()
  })

  test('Check with nothing chosen or pasted asks for a receipt', async () => {
    const user = userEvent.setup()
    await openVerify()
    await user.click(screen.getByRole('button', { name: 'Check' }))
    expect(await results().findByText('Choose a file or paste a receipt first.')).toBeInTheDocument()
  })
})
