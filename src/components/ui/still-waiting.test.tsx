import { act, render, screen } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest'
import { setLanguage } from '@/lib/i18n'
import { STILL_WAITING_AFTER_MS, StillWaiting } from './still-waiting'

describe('StillWaiting', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] })
  })
  afterEach(async () => {
    vi.useRealTimers()
    await setLanguage('en')
  })

  test('is a polite live region, there and empty from the start, that speaks up after 3 s', () => {
    render(<StillWaiting />)
    const region = screen.getByRole('status')
    expect(region).toHaveAttribute('aria-live', 'polite')
    expect(region).toBeEmptyDOMElement()
    act(() => vi.advanceTimersByTime(STILL_WAITING_AFTER_MS - 1))
    expect(region).toBeEmptyDOMElement()
    act(() => vi.advanceTimersByTime(1))
    expect(region).toHaveTextContent('Still waiting for the BGE platform…')
  })

  test('counts from `since`, so a wait that began earlier is called out sooner', () => {
    act(() => vi.advanceTimersByTime(2500))
    render(<StillWaiting since={0} />)
    const region = screen.getByRole('status')
    act(() => vi.advanceTimersByTime(499))
    expect(region).toBeEmptyDOMElement()
    act(() => vi.advanceTimersByTime(1))
    expect(region).toHaveTextContent('Still waiting for the BGE platform…')
  })

  test('a wait long past its 3 s still starts empty, then fills, so it is announced', () => {
    act(() => vi.advanceTimersByTime(10_000))
    render(<StillWaiting since={0} />)
    const region = screen.getByRole('status')
    expect(region).toBeEmptyDOMElement()
    act(() => vi.advanceTimersByTime(0))
    expect(region).toHaveTextContent('Still waiting for the BGE platform…')
  })

  test('says it in Chinese', async () => {
    vi.useRealTimers()
    await setLanguage('zh-CN')
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] })
    render(<StillWaiting />)
    act(() => vi.advanceTimersByTime(STILL_WAITING_AFTER_MS))
    expect(screen.getByRole('status')).toHaveTextContent('仍在等待 BGE 平台响应…')
  })

  test('goes quiet when the wait ends before 3 s', () => {
    const { unmount } = render(<StillWaiting />)
    act(() => vi.advanceTimersByTime(1000))
    unmount()
    expect(vi.getTimerCount()).toBe(0)
  })
})
