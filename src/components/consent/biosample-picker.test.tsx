import { render, screen } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { useState } from 'react'
import { beforeEach, describe, expect, test } from 'vitest'
import type { Biosample } from '@/contract/api'
import { ClockProvider } from '@/lib/clock'
import { setLanguage } from '@/lib/i18n'
import { BiosamplePicker } from './biosample-picker'

const SAMPLES: Biosample[] = Array.from({ length: 12 }, (_, i) => ({
  biosample_id: `E-${String(i + 1).padStart(2, '0')}`,
  type: i % 3 === 0 ? 'Full' : 'Lowpass',
  status: 1,
  sample_time: '2024-03-19T07:00:41Z',
  project_name: 'P',
}))

/** The picker holds no selection: a parent keeps it, as the consent page and the preview do. */
function Harness({ initial = [] }: { initial?: string[] }) {
  const [selected, setSelected] = useState<string[]>(initial)
  return (
    <ClockProvider value={{ now: Date.parse('2024-03-22T12:00:00Z'), timeZone: 'Asia/Shanghai' }}>
      <BiosamplePicker biosamples={SAMPLES} selected={selected} onChange={setSelected} required />
      <output data-testid="selected">{selected.join(',')}</output>
    </ClockProvider>
  )
}

function box(id: string): HTMLElement {
  return screen.getByRole('checkbox', { name: new RegExp(`^${id} `) })
}

beforeEach(async () => {
  await setLanguage('en')
})

// The rows' boxes follow the selection without a `checked` prop (see the picker), so these check
// that what is ticked on screen is what the parent holds, through every way the two could part.
describe('BiosamplePicker', () => {
  test('boxes start as the selection the parent holds', () => {
    render(<Harness initial={['E-02', 'E-05']} />)
    expect(screen.getAllByRole('checkbox', { name: /^E-/, checked: true }).map((el) => el.getAttribute('data-id'))).toEqual(['E-02', 'E-05'])
    expect(screen.getByText('2 of 12 selected')).toBeInTheDocument()
  })

  test('a toggle reports the selection in the list’s order, whatever order the boxes were ticked in', async () => {
    const user = userEvent.setup()
    render(<Harness />)
    await user.click(box('E-07'))
    await user.click(box('E-03'))
    expect(screen.getByTestId('selected')).toHaveTextContent(/^E-03,E-07$/)
    await user.click(box('E-07'))
    expect(screen.getByTestId('selected')).toHaveTextContent(/^E-03$/)
    expect(box('E-07')).not.toBeChecked()
  })

  test('rows the filter hid come back ticked as the selection says, and Select all covers only what is shown', async () => {
    const user = userEvent.setup()
    render(<Harness initial={['E-02']} />)
    const filter = screen.getByRole('searchbox', { name: 'Filter samples' })
    await user.type(filter, 'full')
    expect(screen.getAllByRole('checkbox', { name: /^E-/ })).toHaveLength(4)
    expect(box('E-01')).not.toBeChecked()
    await user.click(screen.getByRole('checkbox', { name: 'Select all' }))
    expect(screen.getByTestId('selected')).toHaveTextContent(/^E-01,E-02,E-04,E-07,E-10$/)
    expect(box('E-10')).toBeChecked()

    await user.clear(filter)
    expect(screen.getAllByRole('checkbox', { name: /^E-/ })).toHaveLength(12)
    const ticked = screen.getAllByRole('checkbox', { name: /^E-/, checked: true }).map((el) => el.getAttribute('data-id'))
    expect(ticked).toEqual(['E-01', 'E-02', 'E-04', 'E-07', 'E-10'])
    // Some but not all: Select all says so.
    const selectAll = screen.getByRole('checkbox', { name: 'Select all' })
    expect(selectAll).toBePartiallyChecked()
    await user.click(selectAll)
    expect(screen.getAllByRole('checkbox', { name: /^E-/, checked: true })).toHaveLength(12)
    await user.click(selectAll)
    expect(screen.queryAllByRole('checkbox', { name: /^E-/, checked: true })).toHaveLength(0)
    expect(screen.getByText('0 of 12 selected')).toBeInTheDocument()
  })
})
