import { render, screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { useState } from 'react'
import { beforeEach, describe, expect, test, vi } from 'vitest'
import type { Biosample, GrantedScope } from '@/contract/api'
import { ClockProvider } from '@/lib/clock'
import { setLanguage } from '@/lib/i18n'
import { ConsentView, type ConsentViewProps } from './consent-view'

const SCOPES: GrantedScope[] = [
  { scope: 'profile.default', title: '基本信息', message: '读取头像、用户名、昵称以及性别等基本用户信息', asked: true },
  { scope: 'model.default', title: '调用解读模型', message: '读取解读结果', asked: true },
  { scope: 'partner.custom:write', title: '合作方写入', message: '写入合作方数据', asked: true },
]

const SAMPLES: Biosample[] = [
  { biosample_id: 'E-1', type: 'Lowpass', status: 1, sample_time: '', project_name: 'P' },
  { biosample_id: 'E-2', type: 'Full', status: 0, sample_time: '', project_name: '' },
]

const CLOCK = { now: Date.parse('2024-03-22T12:00:00Z'), timeZone: 'Asia/Shanghai' }

/** The view holds no state: a parent keeps the selection, as the page and the preview do. */
function Harness(props: Partial<ConsentViewProps>) {
  const [selected, setSelected] = useState<string[]>([])
  return (
    <ClockProvider value={CLOCK}>
      <ConsentView
        app={{ name: 'Gene Insight', logo: '', description: '' }}
        returnTo={{ kind: 'web', host: 'test.cn' }}
        scopes={SCOPES}
        biosamples={SAMPLES}
        selected={selected}
        onSelectedChange={setSelected}
        onAuthorize={() => {}}
        onDeny={() => {}}
        pending={null}
        {...props}
      />
    </ClockProvider>
  )
}

/** A tier: its heading names it, and it holds what the tier means and its scopes. */
function tierOf(name: string): HTMLElement {
  return screen.getByRole('group', { name })
}

beforeEach(async () => {
  await setLanguage('en')
})

describe('ConsentView', () => {
  test('renders without an account (the developer preview) and reports decisions through callbacks, Authorize only with a sample', async () => {
    const user = userEvent.setup()
    const onAuthorize = vi.fn()
    const onDeny = vi.fn()
    render(<Harness onAuthorize={onAuthorize} onDeny={onDeny} banner={<p>Preview</p>} />)
    expect(screen.getByText('Preview')).toBeInTheDocument()
    expect(screen.queryByRole('button', { name: 'Not you?' })).not.toBeInTheDocument()
    // model.default reads sample data: Authorize works from the start, but without a sample it
    // sends nothing and says why.
    const authorize = screen.getByRole('button', { name: 'Authorize' })
    expect(authorize).toBeEnabled()
    await user.click(authorize)
    expect(onAuthorize).not.toHaveBeenCalled()
    expect(screen.getByRole('alert')).toHaveTextContent('Choose at least one sample to authorize.')
    await user.click(screen.getByRole('checkbox', { name: /E-1/ }))
    await user.click(screen.getByRole('button', { name: 'Authorize' }))
    await user.click(screen.getByRole('button', { name: 'Deny' }))
    expect(onAuthorize).toHaveBeenCalledTimes(1)
    expect(onDeny).toHaveBeenCalledTimes(1)
  })

  test('groups the scopes by tier, most revealing first, each with what it means, then says they come together', () => {
    render(<Harness scopes={[...SCOPES, { scope: 'variant.rsid', title: '基因组变体（按 RS 编号）', message: '读取变体分型', asked: true }]} />)
    const list = within(screen.getByRole('region', { name: 'It will be able to' }))
    expect(list.getAllByRole('heading', { level: 3 }).map((heading) => heading.textContent)).toEqual([
      'Your genetic data',
      'Changes to your data',
      'Health and lifestyle',
      'Basic details',
    ])
    const genetic = tierOf('Your genetic data')
    expect(genetic).toHaveTextContent(/health predispositions and ancestry, and say things about your blood relatives too\. Unlike a password, they can never be changed\./)
    expect(within(genetic).getByRole('listitem')).toHaveTextContent('Genomic variants (by RS number)')
    // A write scope the portal does not know: among changes, in the platform's own words.
    expect(within(tierOf('Changes to your data')).getByRole('listitem')).toHaveTextContent('合作方写入写入合作方数据')
    expect(within(tierOf('Health and lifestyle')).getByRole('listitem')).toHaveTextContent('Use interpretation models')
    expect(within(tierOf('Basic details')).getByRole('listitem')).toHaveTextContent('Basic profile')
    expect(list.queryByText('Can also make changes')).not.toBeInTheDocument()
    expect(list.getByText(/^The app gets all of these permissions together/)).toHaveTextContent('Your choice is which samples to share, or to deny.')
    expect(screen.getByRole('checkbox', { name: /E-2/ })).toHaveAccessibleName(/Full · Status 0/)
  })

  test('shows only the tiers that have scopes; a genetic scope that writes says so', () => {
    render(<Harness scopes={[{ scope: 'variant.chr:write', title: '写入变体', message: '', asked: true }, SCOPES[0]!]} />)
    expect(screen.getAllByRole('heading', { level: 3 }).map((heading) => heading.textContent)).toEqual(['Your genetic data', 'Basic details'])
    expect(within(tierOf('Your genetic data')).getByRole('listitem')).toHaveTextContent('写入变体Can also make changes')
  })

  test('with no scopes there are no tiers and nothing to say about taking them together', () => {
    render(<Harness scopes={[]} />)
    expect(screen.getByText('It asks for no permissions beyond knowing that you said yes.')).toBeInTheDocument()
    expect(screen.queryByRole('heading', { level: 3 })).not.toBeInTheDocument()
    expect(screen.queryByText(/permissions together/)).not.toBeInTheDocument()
  })

  test('Chinese uses the platform’s own scope texts', async () => {
    await setLanguage('zh-CN')
    render(<Harness />)
    expect(screen.getByText('调用解读模型')).toBeInTheDocument()
    expect(screen.getByText('读取解读结果')).toBeInTheDocument()
    expect(screen.getByRole('checkbox', { name: '全选' })).toBeInTheDocument()
    expect(screen.getByText('已选 0 个，共 2 个')).toBeInTheDocument()
    expect(screen.getAllByRole('heading', { level: 3 }).map((heading) => heading.textContent)).toEqual(['修改你的数据', '健康与生活方式', '基础资料'])
    expect(tierOf('健康与生活方式')).toHaveTextContent('涉及你的健康状况和生活习惯，例如问卷回答、微生物检测结果和报告，属于敏感个人信息。')
    expect(screen.getByText('以上权限会一并授予该应用，无法只选其中几项。你可以决定分享哪些样品，或者拒绝授权。')).toBeInTheDocument()
  })

  test.each([
    ['en', 'Asked for by the app', /^The app asked only for the marked permissions, but BGE gives it every permission it is registered for/],
    ['zh-CN', '应用申请的权限', /^应用只申请了带标记的权限，但 BGE 会授予它已注册的全部权限/],
  ] as const)('in %s, granted scopes the link did not name are listed too, the named ones marked, and the page says why', async (language, mark, why) => {
    await setLanguage(language)
    // The link named only the profile; the platform grants the genome read and the write as well.
    const granted = [
      { ...SCOPES[0]!, asked: true },
      { ...SCOPES[2]!, asked: false },
      { scope: 'variant.rsid', title: '基因组变体（按 RS 编号）', message: '读取变体分型', asked: false },
    ]
    render(<Harness scopes={granted} />)
    const region = screen.getByRole('region', { name: language === 'en' ? 'It will be able to' : '授权后，它将可以' })
    const items = within(region).getAllByRole('listitem')
    expect(items).toHaveLength(3)
    const marked = items.filter((item) => within(item).queryByText(mark))
    expect(marked).toHaveLength(1)
    expect(marked[0]).toHaveTextContent(language === 'en' ? 'Basic profile' : '基本信息')
    expect(screen.getByText(why)).toBeInTheDocument()
  })

  test('when everything granted was asked for, nothing is marked and nothing needs explaining', () => {
    render(<Harness />)
    expect(screen.queryByText('Asked for by the app')).not.toBeInTheDocument()
    expect(screen.queryByText(/asked only for the marked permissions/)).not.toBeInTheDocument()
  })

  test('the genetic tier says in Chinese what a genome reveals and that it cannot be changed', async () => {
    await setLanguage('zh-CN')
    render(<Harness scopes={[{ scope: 'variant.rsid', title: '基因组变体（按 RS 编号）', message: '读取变体分型', asked: true }]} />)
    expect(tierOf('基因数据')).toHaveTextContent('基因信息能揭示你的健康风险和祖源，也会透露你血缘亲属的情况。它伴随你一生，一旦泄露，无法像密码那样更换。')
  })
})
