import { render, screen } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, test, vi } from 'vitest'
import { Button } from './button'

describe('Button', () => {
  test('is a plain button that reacts to the keyboard', async () => {
    const onClick = vi.fn()
    render(<Button onClick={onClick}>Authorize</Button>)
    const button = screen.getByRole('button', { name: 'Authorize' })
    expect(button).toHaveAttribute('type', 'button')
    expect(button).not.toHaveAttribute('aria-busy')
    await userEvent.tab()
    expect(button).toHaveFocus()
    await userEvent.keyboard('{Enter}')
    expect(onClick).toHaveBeenCalledTimes(1)
  })

  test('while busy it shows progress and cannot fire again', async () => {
    const onClick = vi.fn()
    const { rerender } = render(
      <Button busy onClick={onClick}>
        Authorize
      </Button>,
    )
    const button = screen.getByRole('button', { name: 'Authorize' })
    expect(button).toBeDisabled()
    expect(button).toHaveAttribute('aria-busy', 'true')
    expect(button.querySelector('svg')).toHaveAttribute('aria-hidden', 'true')
    await userEvent.click(button)
    expect(onClick).not.toHaveBeenCalled()

    rerender(<Button onClick={onClick}>Authorize</Button>)
    expect(button).toBeEnabled()
    expect(button.querySelector('svg')).toBeNull()
  })

  test('can submit a form when asked to', () => {
    render(
      <Button type="submit" variant="danger">
        Revoke
      </Button>,
    )
    expect(screen.getByRole('button', { name: 'Revoke' })).toHaveAttribute('type', 'submit')
  })
})
