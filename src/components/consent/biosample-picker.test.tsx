import { act, render, screen, waitFor } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { useState } from 'react'
import { hydrateRoot } from 'react-dom/client'
import { renderToString } from 'react-dom/server'
import { beforeEach, describe, expect, test } from 'vitest'
import type { Biosample } from '@/contract/api'
import { ClockProvider } from '@/lib/clock'
import { setLanguage } from '@/lib/i18n'
import { BiosamplePicker, COLLAPSE_ABOVE, COLLAPSED_ROWS } from './biosample-picker'

function samples(count: number, digits = 2): Biosample[] {
  return Array.from({ length: count }, (_, i) => ({
    biosample_id: `E-${String(i + 1).padStart(digits, '0')}`,
    type: i % 3 === 0 ? 'Full' : 'Lowpass',
    status: 1,
    sample_time: '2024-03-19T07:00:41Z',
    project_name: 'P',
  }))
}

const SAMPLES = samples(12)
/** A list long enough to start collapsed: E-001 … E-100. */
const MANY = samples(100, 3)

/**
 * The picker holds no selection: a parent keeps it, as the consent page and the preview do.
 * "Restore" chooses `restored` from outside the picker, as the page does with what the tab kept.
 */
function Harness({ initial = [], biosamples = SAMPLES, allShown, restored = [] }: { initial?: string[]; biosamples?: Biosample[]; allShown?: boolean; restored?: string[] }) {
  const [selected, setSelected] = useState<string[]>(initial)
  return (
    <ClockProvider value={{ now: Date.parse('2024-03-22T12:00:00Z'), timeZone: 'Asia/Shanghai' }}>
      <BiosamplePicker biosamples={biosamples} selected={selected} onChange={setSelected} required allShown={allShown} />
      <output data-testid="selected">{selected.join(',')}</output>
      <button type="button" onClick={() => setSelected(biosamples.map((s) => s.biosample_id).filter((id) => restored.includes(id) || selected.includes(id)))}>
        Restore
      </button>
    </ClockProvider>
  )
}

/** The ids of the rows on screen, in their order. */
function rowIds(): (string | null)[] {
  return screen.queryAllByRole('checkbox', { name: /^E-/ }).map((el) => el.getAttribute('data-id'))
}

function firstIds(count: number): string[] {
  return MANY.slice(0, count).map((s) => s.biosample_id)
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

describe('BiosamplePicker over a long list', () => {
  test(`more than ${COLLAPSE_ABOVE} samples: the first ${COLLAPSED_ROWS} rows and every chosen sample after them, in list order, and a Show all that posts the form`, () => {
    render(<Harness biosamples={MANY} initial={['E-005', 'E-070', 'E-041']} />)
    expect(rowIds()).toEqual([...firstIds(COLLAPSED_ROWS), 'E-041', 'E-070'])
    expect(screen.getAllByRole('checkbox', { name: /^E-/, checked: true }).map((el) => el.getAttribute('data-id'))).toEqual(['E-005', 'E-041', 'E-070'])
    expect(screen.getByText('Showing 32 of 100 samples')).toHaveAttribute('role', 'status')
    expect(screen.getByText('3 of 100 selected')).toBeInTheDocument()
    // Without script it is the form's submit, which decides nothing and asks for no sample.
    const showAll = screen.getByRole('button', { name: 'Show all 100 samples' })
    expect(showAll).toHaveAttribute('type', 'submit')
    expect(showAll).toHaveAttribute('name', 'samples_shown')
    expect(showAll).toHaveAttribute('value', 'all')
    expect(showAll).toHaveAttribute('formnovalidate')
  })

  test(`up to ${COLLAPSE_ABOVE} samples every row shows and there is nothing to show`, () => {
    render(<Harness biosamples={samples(COLLAPSE_ABOVE)} />)
    expect(rowIds()).toHaveLength(COLLAPSE_ABOVE)
    expect(screen.queryByRole('button', { name: /Show all/ })).not.toBeInTheDocument()
    expect(screen.queryByText(/^Showing/)).not.toBeInTheDocument()
  })

  test('Show all brings every row, ticked as the selection says, puts the focus on the first new row and says so', async () => {
    const user = userEvent.setup()
    render(<Harness biosamples={MANY} initial={['E-031', 'E-070']} />)
    await user.click(screen.getByRole('button', { name: 'Show all 100 samples' }))
    expect(rowIds()).toEqual(firstIds(100))
    expect(screen.getAllByRole('checkbox', { name: /^E-/, checked: true }).map((el) => el.getAttribute('data-id'))).toEqual(['E-031', 'E-070'])
    // E-031 was shown already (chosen): the first row the button brought is E-032.
    expect(box('E-032')).toHaveFocus()
    expect(screen.queryByRole('button', { name: /Show all/ })).not.toBeInTheDocument()
    expect(screen.getByText('Showing all 100 samples')).toHaveAttribute('role', 'status')
  })

  test('every sample chosen, so every row shown: no Show all', () => {
    render(<Harness biosamples={MANY} initial={firstIds(100)} />)
    expect(rowIds()).toHaveLength(100)
    expect(screen.queryByRole('button', { name: /Show all/ })).not.toBeInTheDocument()
  })

  test('the page again after Show all without script (allShown): every row from the start', () => {
    render(<Harness biosamples={MANY} initial={['E-090']} allShown />)
    expect(rowIds()).toEqual(firstIds(100))
    expect(box('E-090')).toBeChecked()
    expect(screen.queryByRole('button', { name: /Show all/ })).not.toBeInTheDocument()
  })

  test('Select all and the count cover the samples not shown; Select all brings no rows; unticking it clears them all', async () => {
    const user = userEvent.setup()
    render(<Harness biosamples={MANY} initial={['E-070']} />)
    const selectAll = screen.getByRole('checkbox', { name: 'Select all' })
    expect(selectAll).toBePartiallyChecked()
    await user.click(selectAll)
    expect(screen.getByTestId('selected')).toHaveTextContent(firstIds(100).join(','))
    expect(screen.getByText('100 of 100 selected')).toBeInTheDocument()
    expect(selectAll).toBeChecked()
    expect(rowIds()).toEqual([...firstIds(COLLAPSED_ROWS), 'E-070'])
    expect(screen.getAllByRole('checkbox', { name: /^E-/, checked: true })).toHaveLength(COLLAPSED_ROWS + 1)
    await user.click(selectAll)
    expect(screen.getByTestId('selected')).toBeEmptyDOMElement()
    expect(screen.getByText('0 of 100 selected')).toBeInTheDocument()
    // Shown all afterwards, every row is unticked too.
    await user.click(screen.getByRole('button', { name: 'Show all 100 samples' }))
    expect(screen.queryAllByRole('checkbox', { name: /^E-/, checked: true })).toHaveLength(0)
  })

  test('the filter searches the samples not shown and shows every match; one ticked there stays shown once the filter is cleared', async () => {
    const user = userEvent.setup()
    render(<Harness biosamples={MANY} />)
    const filter = screen.getByRole('searchbox', { name: 'Filter samples' })
    await user.type(filter, 'E-09')
    expect(rowIds()).toEqual(['E-090', 'E-091', 'E-092', 'E-093', 'E-094', 'E-095', 'E-096', 'E-097', 'E-098', 'E-099'])
    // A filter shows all its matches: nothing to show all of.
    expect(screen.queryByRole('button', { name: /Show all/ })).not.toBeInTheDocument()
    await user.click(box('E-095'))
    await user.clear(filter)
    expect(rowIds()).toEqual([...firstIds(COLLAPSED_ROWS), 'E-095'])
    expect(box('E-095')).toBeChecked()
    expect(screen.getByText('Showing 31 of 100 samples')).toBeInTheDocument()
  })

  test('samples chosen from outside after the first render (the selection the tab kept) come into the collapsed list, ticked', async () => {
    const user = userEvent.setup()
    render(<Harness biosamples={MANY} restored={['E-002', 'E-080']} />)
    expect(rowIds()).toEqual(firstIds(COLLAPSED_ROWS))
    await user.click(screen.getByRole('button', { name: 'Restore' }))
    expect(rowIds()).toEqual([...firstIds(COLLAPSED_ROWS), 'E-080'])
    expect(box('E-080')).toBeChecked()
    expect(box('E-002')).toBeChecked()
    expect(screen.getByText('2 of 100 selected')).toBeInTheDocument()
  })
})

// The server's markup is live only once the app's code has loaded after the paint (src/main.tsx):
// what the person did to it before then must survive hydration, not be set back by it.
describe('BiosamplePicker hydrating a page the person already used', () => {
  async function hydrateAfter(touch: (container: HTMLElement) => void, initial: string[] = ['E-02']) {
    const container = document.createElement('div')
    document.body.append(container)
    container.innerHTML = renderToString(<Harness initial={initial} />)
    touch(container)
    await act(async () => {
      hydrateRoot(container, <Harness initial={initial} />, { onRecoverableError: (error) => expect.fail(String(error)) })
    })
    return container
  }
  const boxIn = (container: HTMLElement, id: string) => container.querySelector<HTMLInputElement>(`input[data-id="${id}"]`)!

  test('boxes ticked and unticked before hydration are the selection after it', async () => {
    const container = await hydrateAfter((page) => {
      boxIn(page, 'E-05').checked = true
      boxIn(page, 'E-02').checked = false
    })
    expect(screen.getByTestId('selected').textContent).toBe('E-05')
    expect(boxIn(container, 'E-05').checked).toBe(true)
    expect(boxIn(container, 'E-02').checked).toBe(false)
    container.remove()
  })

  test('Select all pressed before hydration selects every sample after it', async () => {
    const container = await hydrateAfter((page) => {
      page.querySelector<HTMLInputElement>('label input[type="checkbox"]:not([data-id])')!.checked = true
    })
    expect(screen.getByTestId('selected').textContent).toBe(SAMPLES.map((s) => s.biosample_id).join(','))
    expect([...container.querySelectorAll<HTMLInputElement>('input[data-id]')].every((el) => el.checked)).toBe(true)
    container.remove()
  })

  test('a filter typed before hydration filters the list after it', async () => {
    const container = await hydrateAfter((page) => {
      page.querySelector<HTMLInputElement>('input[type="search"]')!.value = 'E-11'
    })
    // The list follows the filter in a deferred render.
    await waitFor(() => expect([...container.querySelectorAll('input[data-id]')].map((el) => el.getAttribute('data-id'))).toEqual(['E-11']))
    expect(container.querySelector<HTMLInputElement>('input[type="search"]')!.value).toBe('E-11')
    // Nothing else changed: the selection is still the rendered one.
    expect(screen.getByTestId('selected').textContent).toBe('E-02')
    container.remove()
  })
})

