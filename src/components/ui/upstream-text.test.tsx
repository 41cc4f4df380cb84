import { render } from '@testing-library/react'
import { describe, expect, test } from 'vitest'
import { UpstreamMessage, UpstreamText } from './upstream-text'

const RTL_NAME = '\u202eevil\u2067 app'

describe('UpstreamText', () => {
  test('renders the text, bidi controls kept, inside an isolating element', () => {
    const { container } = render(<p>Before <UpstreamText>{RTL_NAME}</UpstreamText> after</p>)
    const bdi = container.querySelector('bdi')
    expect(bdi?.textContent).toBe(RTL_NAME)
    expect(container.querySelector('p')?.textContent).toBe(`Before ${RTL_NAME} after`)
  })
})

describe('UpstreamMessage', () => {
  test('puts each upstream text where the message names it, each in its own isolating element', () => {
    const { container } = render(
      <h1>
        <UpstreamMessage message={(v) => `${v.app} wants ${v.user}’s data (${v.app})`} texts={{ app: RTL_NAME, user: 'Alice' }} />
      </h1>,
    )
    expect(container.querySelector('h1')?.textContent).toBe(`${RTL_NAME} wants Alice’s data (${RTL_NAME})`)
    expect([...container.querySelectorAll('h1 > bdi')].map((bdi) => bdi.textContent)).toEqual([RTL_NAME, 'Alice', RTL_NAME])
  })

  test('an upstream text that looks like a marker stays text', () => {
    const { container } = render(<UpstreamMessage message={(v) => `Hi ${v.name}`} texts={{ name: '\uE0000\uE001' }} />)
    expect(container.textContent).toBe('Hi \uE0000\uE001')
    expect(container.querySelectorAll('bdi')).toHaveLength(1)
  })
})
