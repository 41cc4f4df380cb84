import { render, screen, within } from '@testing-library/react'
import { beforeEach, describe, expect, test } from 'vitest'
import type { SinceLast } from '@/contract/since-last'
import { ClockProvider } from '@/lib/clock'
import { setLanguage } from '@/lib/i18n'
import { SinceLastAgreed } from './since-last-agreed'

const CLOCK = { now: Date.parse('2024-06-22T12:00:00Z'), timeZone: 'Asia/Shanghai' }

/** Agreed in Chinese on 2 May 2024 (Shanghai) with two samples; the app since registered for the survey and lost the advanced profile. */
const CHANGED: SinceLast = {
  status: 'compared',
  receipt: 'rec-authorize-1',
  at: '2024-05-02T00:30:00Z',
  language: 'zh-CN',
  added: [{ scope: 'survey.default', title: '问卷', message: '读取问卷数据' }],
  removed: [{ scope: 'profile.advanced', title: '高级信息', message: '读取手机号' }],
  changed: [{ scope: 'sample.default:read', then: { title: '样品信息', message: '读取样品' }, now: { title: '样品信息', message: '读取样品及原始数据' } }],
  samples_then: [
    { biosample_id: 'E-A0001', type: 'Lowpass' },
    { biosample_id: 'E-A0002', type: 'Full' },
  ],
}

const UNCHANGED: SinceLast = { ...CHANGED, added: [], removed: [], changed: [], samples_then: [] }

function show(since: SinceLast) {
  render(
    <ClockProvider value={CLOCK}>
      <SinceLastAgreed since={since} />
    </ClockProvider>,
  )
  return screen.getByRole('region', { name: /What changed since you last agreed|自上次同意以来的变化/ })
}

const listNamed = (region: HTMLElement, name: string) => within(region).getByRole('list', { name })
const itemTexts = (list: HTMLElement) => within(list).getAllByRole('listitem').map((item) => item.textContent)

describe('SinceLastAgreed', () => {
  beforeEach(async () => {
    await setLanguage('en')
  })

  test('lists exactly what changed, each kind under its own heading, then the samples shared then', () => {
    const region = show(CHANGED)
    expect(within(region).getByText('Since you last agreed on May 2, 2024:')).toBeInTheDocument()
    // An added scope the English page knows: shown in the page's words, as the scope list shows it.
    expect(itemTexts(listNamed(region, 'Now also asks for 1 permission'))).toEqual([
      'Phenotype informationRead phenotype information you submitted through BGE Institute or health-check questionnaires',
    ])
    // Removed and reworded ones: the words agreed to then, marked as Chinese and said to be.
    const removed = listNamed(region, 'No longer asks for 1 permission')
    expect(itemTexts(removed)).toEqual(['高级信息读取手机号'])
    expect(within(removed).getByRole('listitem')).toHaveAttribute('lang', 'zh-CN')
    const changed = within(listNamed(region, '1 permission described differently')).getByRole('listitem')
    // Named once (its title did not change), then what it said and says.
    expect(changed).toHaveTextContent(/^样品信息Then读取样品Now读取样品及原始数据$/)
    expect(within(changed).getByText('Then').nextElementSibling).toHaveTextContent('读取样品')
    expect(within(changed).getByText('Now').nextElementSibling).toHaveTextContent('读取样品及原始数据')
    expect(within(region).getByText('You agreed in 中文: the words above are compared and shown in it.')).toBeInTheDocument()
    expect(itemTexts(listNamed(region, 'The 2 samples you shared then'))).toEqual(['E-A0001Lowpass', 'E-A0002Full'])
    expect(within(region).getByText('What will be shared now is what you choose below.')).toBeInTheDocument()
    expect(within(region).queryByText(/Nothing changed/)).not.toBeInTheDocument()
  })

  test('a new title: both titles, under Then and Now', () => {
    const region = show({ ...CHANGED, added: [], removed: [], changed: [{ scope: 'sample.default:read', then: { title: '样品信息', message: '读取样品' }, now: { title: '样品与原始数据', message: '读取样品' } }] })
    expect(within(listNamed(region, '1 permission described differently')).getByRole('listitem')).toHaveTextContent(/^Then样品信息读取样品Now样品与原始数据读取样品$/)
  })

  test('nothing changed: it says so plainly, with no empty lists', () => {
    const region = show(UNCHANGED)
    expect(within(region).getByText('Nothing changed since you last agreed on May 2, 2024: the same permissions, in the same words.')).toBeInTheDocument()
    expect(within(region).queryAllByRole('list')).toEqual([])
    expect(within(region).getByText('You shared no samples then.')).toBeInTheDocument()
  })

  test('in Chinese, agreed in Chinese: the added scope in the platform’s words, no language note', async () => {
    await setLanguage('zh-CN')
    const region = show(CHANGED)
    expect(within(region).getByText('自你于 2024年5月2日 上次同意以来：')).toBeInTheDocument()
    expect(itemTexts(listNamed(region, '新增 1 项权限'))).toEqual(['问卷读取问卷数据'])
    expect(within(listNamed(region, '不再请求 1 项权限')).getByRole('listitem')).not.toHaveAttribute('lang')
    expect(within(region).queryByText(/以上文字按当时的语言/)).not.toBeInTheDocument()
    expect(itemTexts(listNamed(region, '当时共享的 2 个样品'))).toHaveLength(2)
  })

  test('a comparison the store could not make says so, without claiming nothing changed', () => {
    const region = show({ status: 'unavailable' })
    expect(within(region).getByText('This can’t be shown right now. What is listed below is everything the app will get.')).toBeInTheDocument()
    expect(within(region).queryByText(/Nothing changed/)).not.toBeInTheDocument()
  })
})
