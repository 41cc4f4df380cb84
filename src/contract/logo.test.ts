import { describe, expect, test } from 'vitest'
import { displayedLogo, isDisplayableLogo } from './logo'

describe('isDisplayableLogo', () => {
  test('accepts https and paths under the portal’s sandbox', () => {
    expect(isDisplayableLogo('https://cdn.example/a.png')).toBe(true)
    expect(isDisplayableLogo('HTTPS://cdn.example/a.png')).toBe(true)
    expect(isDisplayableLogo('/sandbox/logo.svg')).toBe(true)
    expect(isDisplayableLogo('/sandbox/logos/app.png?v=2')).toBe(true)
    expect(isDisplayableLogo('http://cdn.example/a.png')).toBe(false)
    expect(isDisplayableLogo('logo.png')).toBe(false)
  })

  test.each([
    ['outside the sandbox', '/logo.svg'],
    ['the JSON API', '/api/session'],
    ['dot segments out of the sandbox', '/sandbox/../api/x'],
    ['encoded dot segments', '/%2e%2e/'],
    ['encoded dot segments out of the sandbox', '/sandbox/%2e%2e/api/x'],
    ['mixed-case encoded dots', '/sandbox/%2E%2e/api/x'],
    ['an encoded slash', '/sandbox/..%2fapi/x'],
    ['an encoded backslash', '/sandbox/..%5capi/x'],
    ['protocol-relative', '//evil.example/x'],
    ['protocol-relative with a sandbox path', '//evil.example/sandbox/x'],
    ['a backslash', '/\\evil.example'],
    ['a backslash after the prefix', '/sandbox\\..\\api'],
    ['a tab inside //', '/\t/evil.example/sandbox/x'],
    ['a newline inside //', '/\n/evil.example/sandbox/x'],
    ['the sandbox without its slash', '/sandboxed/x'],
  ])('refuses a same-origin path %s (%j)', (_case, path) => {
    expect(isDisplayableLogo(path)).toBe(false)
  })
})

describe('displayedLogo', () => {
  test('is the URL a page shows, or empty when it shows a monogram', () => {
    expect(displayedLogo(' https://cdn.example/a.png ')).toBe('https://cdn.example/a.png')
    expect(displayedLogo('/sandbox/logo.svg')).toBe('/sandbox/logo.svg')
    expect(displayedLogo('/sandbox/../api/x')).toBe('')
    expect(displayedLogo('http://cdn.example/a.png')).toBe('')
    expect(displayedLogo('javascript:alert(1)')).toBe('')
  })
})
