import { fireEvent, render, screen } from '@testing-library/react'
import { describe, expect, test } from 'vitest'
import { AppLogo } from './app-logo'

describe('AppLogo', () => {
  test('shows an https logo as a decorative image', () => {
    const { container } = render(<AppLogo name="Gene Insight" logo="https://cdn.example/logo.png" />)
    const img = container.querySelector('img')
    expect(img).toHaveAttribute('src', 'https://cdn.example/logo.png')
    expect(img).toHaveAttribute('alt', '')
    expect(screen.queryByText('G')).not.toBeInTheDocument()
  })

  test('shows a logo served by the portal itself', () => {
    const { container } = render(<AppLogo name="Gene Insight" logo="/sandbox/logo.svg" />)
    expect(container.querySelector('img')).toHaveAttribute('src', '/sandbox/logo.svg')
  })

  test.each([
    ['missing', ''],
    ['plain http', 'http://cdn.example/logo.png'],
    ['a script URL', 'javascript:alert(1)'],
    ['a data URL', 'data:image/svg+xml,<svg/>'],
    ['protocol-relative', '//cdn.example/logo.png'],
  ])('falls back to a hidden monogram when the logo is %s', (_case, logo) => {
    const { container } = render(<AppLogo name="gene Insight" logo={logo} />)
    expect(container.querySelector('img')).toBeNull()
    const monogram = screen.getByText('G')
    expect(monogram).toHaveAttribute('aria-hidden', 'true')
  })

  test('falls back to the monogram when the logo fails to load', () => {
    const { container } = render(<AppLogo name="基因洞察" logo="https://cdn.example/broken.png" />)
    const img = container.querySelector('img')
    expect(img).not.toBeNull()
    fireEvent.error(img as HTMLImageElement)
    expect(container.querySelector('img')).toBeNull()
    expect(screen.getByText('基')).toBeInTheDocument()
  })

  test('tries again when the app gets another logo', () => {
    const { container, rerender } = render(<AppLogo name="Gene Insight" logo="https://cdn.example/broken.png" />)
    fireEvent.error(container.querySelector('img') as HTMLImageElement)
    rerender(<AppLogo name="Gene Insight" logo="https://cdn.example/fixed.png" />)
    expect(container.querySelector('img')).toHaveAttribute('src', 'https://cdn.example/fixed.png')
  })

  test('uses the first whole character of the name, even outside the BMP', () => {
    render(<AppLogo name="𝔾ene" logo="" />)
    expect(screen.getByText('𝔾')).toBeInTheDocument()
  })
})
