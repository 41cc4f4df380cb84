import { render, screen } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { useRef, useState } from 'react'
import { describe, expect, test, vi } from 'vitest'
import { Button } from './button'
import { Dialog } from './dialog'

function Harness({ onConfirm = () => {}, returnToHeading = false }: { onConfirm?: () => void; returnToHeading?: boolean }) {
  const [open, setOpen] = useState(false)
  const heading = useRef<HTMLHeadingElement>(null)
  const returnFocus = useRef<HTMLElement | null>(null)
  return (
    <>
      <h1 ref={heading} tabIndex={-1}>
        Page
      </h1>
      <Button onClick={() => setOpen(true)}>Open</Button>
      <Dialog
        open={open}
        onClose={() => setOpen(false)}
        returnFocusRef={returnFocus}
        title="Remove it?"
        actions={
          <>
            <Button data-autofocus onClick={() => setOpen(false)}>
              Cancel
            </Button>
            <Button
              onClick={() => {
                if (returnToHeading) returnFocus.current = heading.current
                onConfirm()
                setOpen(false)
              }}
            >
              Confirm
            </Button>
          </>
        }
      >
        It will be gone.
      </Dialog>
    </>
  )
}

async function openDialog() {
  const user = userEvent.setup()
  const opener = screen.getByRole('button', { name: 'Open' })
  await user.click(opener)
  return { user, opener, dialog: screen.getByRole('dialog', { name: 'Remove it?' }) }
}

describe('Dialog', () => {
  test('is hidden until opened, then named and described, with focus on the marked button', async () => {
    render(<Harness />)
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument()
    const { dialog } = await openDialog()
    expect(dialog).toHaveAttribute('open')
    expect(dialog).toHaveAccessibleDescription('It will be gone.')
    expect(screen.getByRole('button', { name: 'Cancel' })).toHaveFocus()
  })

  test('Tab and Shift+Tab wrap around inside it', async () => {
    render(<Harness />)
    const { user } = await openDialog()
    const cancel = screen.getByRole('button', { name: 'Cancel' })
    const confirm = screen.getByRole('button', { name: 'Confirm' })
    await user.tab()
    expect(confirm).toHaveFocus()
    await user.tab()
    expect(cancel).toHaveFocus()
    await user.tab({ shift: true })
    expect(confirm).toHaveFocus()
  })

  test('Escape closes it and focus returns to the opener', async () => {
    render(<Harness />)
    const { user, opener, dialog } = await openDialog()
    await user.keyboard('{Escape}')
    expect(dialog).not.toHaveAttribute('open')
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument()
    expect(opener).toHaveFocus()
  })

  test('a closing button closes it and focus returns to the opener', async () => {
    render(<Harness />)
    const { user, opener } = await openDialog()
    await user.click(screen.getByRole('button', { name: 'Cancel' }))
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument()
    expect(opener).toHaveFocus()
  })

  test('focus goes where the caller chose when closing', async () => {
    const onConfirm = vi.fn()
    render(<Harness onConfirm={onConfirm} returnToHeading />)
    const { user } = await openDialog()
    await user.click(screen.getByRole('button', { name: 'Confirm' }))
    expect(onConfirm).toHaveBeenCalledOnce()
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument()
    expect(screen.getByRole('heading', { name: 'Page' })).toHaveFocus()
  })

  test('opens again after closing', async () => {
    render(<Harness />)
    const { user, opener } = await openDialog()
    await user.keyboard('{Escape}')
    await user.click(opener)
    expect(screen.getByRole('dialog', { name: 'Remove it?' })).toBeInTheDocument()
    expect(screen.getByRole('button', { name: 'Cancel' })).toHaveFocus()
  })

  test('focuses the first control when none is marked', async () => {
    const user = userEvent.setup()
    function Plain() {
      const [open, setOpen] = useState(false)
      return (
        <>
          <Button onClick={() => setOpen(true)}>Open</Button>
          <Dialog open={open} onClose={() => setOpen(false)} title="Plain" actions={<Button onClick={() => setOpen(false)}>Done</Button>}>
            Body
          </Dialog>
        </>
      )
    }
    render(<Plain />)
    await user.click(screen.getByRole('button', { name: 'Open' }))
    expect(screen.getByRole('button', { name: 'Done' })).toHaveFocus()
  })
})
