import { describe, expect, test } from 'vitest'
import { displayedLogo, isDisplayableLogo } from './logo'

describe('isDisplayableLogo', () => {
  test('accepts https and same-origin paths only', () => {
    expect(isDisplayableLogo('https://cdn.example/a.png')).toBe(true)
    expect(isDisplayableLogo('HTTPS://cdn.example/a.png')).toBe(true)
    expect(isDisplayableLogo('/logo.svg')).toBe(true)
    expect(isDisplayableLogo('/\\evil.example/a.png')).toBe(false)
    expect(isDisplayableLogo('http://cdn.example/a.png')).toBe(false)
    expect(isDisplayableLogo('logo.png')).toBe(false)
  })
})

describe('displayedLogo', () => {
  test('is the URL a page shows, or empty when it shows a monogram', () => {
    expect(displayedLogo(' https://cdn.example/a.png ')).toBe('https://cdn.example/a.png')
    expect(displayedLogo('/sandbox/logo.svg')).toBe('/sandbox/logo.svg')
    expect(displayedLogo('http://cdn.example/a.png')).toBe('')
    expect(displayedLogo('javascript:alert(1)')).toBe('')
  })
})
