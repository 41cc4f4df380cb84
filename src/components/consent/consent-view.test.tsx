import { render, screen } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { useState } from 'react'
import { beforeEach, describe, expect, test, vi } from 'vitest'
import type { Biosample, Scope } from '@/contract/api'
import { setLanguage } from '@/lib/i18n'
import { ConsentView, type ConsentViewProps } from './consent-view'

const SCOPES: Scope[] = [
  { scope: 'profile.default', title: '基本信息', message: '读取头像、用户名、昵称以及性别等基本用户信息' },
  { scope: 'model.default', title: '调用解读模型', message: '读取解读结果' },
  { scope: 'partner.custom:write', title: '合作方写入', message: '写入合作方数据' },
]

const SAMPLES: Biosample[] = [
  { biosample_id: 'E-1', type: 'Lowpass', status: 1, sample_time: '', project_name: 'P' },
  { biosample_id: 'E-2', type: 'Full', status: 0, sample_time: '', project_name: '' },
]

/** The view holds no state: a parent keeps the selection, as the page and the preview do. */
function Harness(props: Partial<ConsentViewProps>) {
  const [selected, setSelected] = useState<string[]>([])
  return (
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
  )
}

beforeEach(async () => {
  await setLanguage('en')
})

describe('ConsentView', () => {
  test('renders without an account (the developer preview) and reports decisions through callbacks', async () => {
    const user = userEvent.setup()
    const onAuthorize = vi.fn()
    const onDeny = vi.fn()
    render(<Harness onAuthorize={onAuthorize} onDeny={onDeny} banner={<p>Preview</p>} />)
    expect(screen.getByText('Preview')).toBeInTheDocument()
    expect(screen.queryByRole('button', { name: 'Not you?' })).not.toBeInTheDocument()
    // model.default reads sample data: Authorize waits for a sample.
    expect(screen.getByRole('button', { name: 'Authorize' })).toBeDisabled()
    await user.click(screen.getByRole('checkbox', { name: /E-1/ }))
    await user.click(screen.getByRole('button', { name: 'Authorize' }))
    await user.click(screen.getByRole('button', { name: 'Deny' }))
    expect(onAuthorize).toHaveBeenCalledTimes(1)
    expect(onDeny).toHaveBeenCalledTimes(1)
  })

  test('marks a write scope it does not know and falls back to the platform’s text', () => {
    render(<Harness />)
    const item = screen.getByText('合作方写入').closest('li')
    expect(item).toHaveTextContent('Can make changes')
    expect(screen.getByText('Use interpretation models')).toBeInTheDocument()
    expect(screen.getByRole('checkbox', { name: /E-2/ })).toHaveAccessibleName(/Full · Status 0/)
  })

  test('Chinese uses the platform’s own scope texts', async () => {
    await setLanguage('zh-CN')
    render(<Harness />)
    expect(screen.getByText('调用解读模型')).toBeInTheDocument()
    expect(screen.getByText('读取解读结果')).toBeInTheDocument()
    expect(screen.getByRole('checkbox', { name: '全选' })).toBeInTheDocument()
    expect(screen.getByText('已选 0 个，共 2 个')).toBeInTheDocument()
  })
})
