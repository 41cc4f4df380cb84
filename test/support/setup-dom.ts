// Component-test setup: jest-dom matchers, a clean DOM per test, console.error fails the test
// (React reports act() warnings, key warnings and failed prop types there), and the mocked BFF,
// which answers nothing a test did not expect.
import '@testing-library/jest-dom/vitest'
import { cleanup, configure } from '@testing-library/react'
import { afterAll, afterEach, beforeAll, beforeEach, vi } from 'vitest'
import { loadCatalogueSection, setLanguage, startI18n } from '@/lib/i18n'
import { server } from './msw-handlers'

// Every catalogue section in both languages, up front, so a test's `setLanguage` switches at once.
await loadCatalogueSection('preview')
await loadCatalogueSection('grants')
await loadCatalogueSection('activity')
await loadCatalogueSection('signin')
await loadCatalogueSection('problems')
await loadCatalogueSection('verify')
await setLanguage('zh-CN')
await setLanguage('en')
await startI18n('en', [])

beforeEach(() => {
  vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
    throw new Error(`console.error was called: ${args.map(String).join(' ')}`)
  })
})

// Pages render through the real router, whose lazy route modules are compiled on first use: on a
// busy machine that takes longer than Testing Library's default second.
configure({ asyncUtilTimeout: 5000 })

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
afterAll(() => server.close())

afterEach(() => {
  cleanup()
  server.resetHandlers()
  sessionStorage.clear()
  localStorage.clear()
})

// jsdom has <dialog> but not its behaviour. The least of it that components rely on: showModal()
// and close() toggle `open` (close fires `close`), and Escape cancels the topmost modal dialog
// (`cancel`, then close unless prevented). Inertness and the top layer stay the browser's to test.
if (typeof HTMLDialogElement !== 'undefined' && typeof HTMLDialogElement.prototype.showModal !== 'function') {
  const modals: HTMLDialogElement[] = []
  HTMLDialogElement.prototype.showModal = function showModal(this: HTMLDialogElement) {
    if (this.open) throw new DOMException('The dialog is already open.', 'InvalidStateError')
    this.setAttribute('open', '')
    modals.push(this)
  }
  HTMLDialogElement.prototype.close = function close(this: HTMLDialogElement, returnValue?: string) {
    if (!this.open) return
    if (returnValue !== undefined) this.returnValue = returnValue
    this.removeAttribute('open')
    modals.splice(modals.indexOf(this), 1)
    this.dispatchEvent(new Event('close'))
  }
  document.addEventListener('keydown', (event) => {
    const top = modals.filter((dialog) => dialog.isConnected && dialog.open).at(-1)
    if (event.key !== 'Escape' || !top) return
    if (top.dispatchEvent(new Event('cancel', { cancelable: true }))) top.close()
  })
}
