// Component-test setup: jest-dom matchers, a clean DOM per test, and console.error fails the test
// (React reports act() warnings, key warnings and failed prop types there).
import '@testing-library/jest-dom/vitest'
import { cleanup } from '@testing-library/react'
import { afterEach, beforeEach, vi } from 'vitest'

beforeEach(() => {
  vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
    throw new Error(`console.error was called: ${args.map(String).join(' ')}`)
  })
})

afterEach(() => {
  cleanup()
  sessionStorage.clear()
  localStorage.clear()
})
