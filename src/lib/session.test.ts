import { afterEach, describe, expect, test } from 'vitest'
import { DEFAULT_LOGIN_URL, loginHref, safeNextPath, setBrowserSignInSettings, signInHref } from './session'

describe('loginHref', () => {
  test('a relative template gets the encoded return path', () => {
    expect(loginHref('/signin?next={next}', '/oauth2/authorize?client_id=a&state=x y', 'https://portal.example')).toBe(
      '/signin?next=%2Foauth2%2Fauthorize%3Fclient_id%3Da%26state%3Dx%20y',
    )
  })

  test('a template on another origin gets the absolute return URL', () => {
    expect(loginHref('https://account.bge.example/login?redirect={next}', '/grants', 'https://portal.example')).toBe(
      `https://account.bge.example/login?redirect=${encodeURIComponent('https://portal.example/grants')}`,
    )
  })

  test('a protocol-relative template counts as another origin', () => {
    expect(loginHref('//account.bge.example/login?next={next}', '/grants', 'https://portal.example')).toBe(
      `//account.bge.example/login?next=${encodeURIComponent('https://portal.example/grants')}`,
    )
  })

  test('a template without {next} is used as it is', () => {
    expect(loginHref('https://account.bge.example/login', '/grants', 'https://portal.example')).toBe('https://account.bge.example/login')
  })
})

describe('signInHref', () => {
  afterEach(() => setBrowserSignInSettings({ loginUrl: DEFAULT_LOGIN_URL, origin: window.location.origin }))

  test('uses the sign-in URL and origin the page started with', () => {
    setBrowserSignInSettings({ loginUrl: 'https://account.bge.example/login?redirect={next}', origin: 'https://consent.example' })
    expect(signInHref('/grants')).toBe(`https://account.bge.example/login?redirect=${encodeURIComponent('https://consent.example/grants')}`)
  })

  test('or the settings given', () => {
    expect(signInHref('/grants', { loginUrl: '/login?to={next}', origin: 'https://x.example' })).toBe(`/login?to=${encodeURIComponent('/grants')}`)
  })

  test('without any, the sandbox’s sign-in', () => {
    expect(signInHref('/oauth2/authorize?client_id=a')).toBe(`/signin?next=${encodeURIComponent('/oauth2/authorize?client_id=a')}`)
  })
})

describe('safeNextPath', () => {
  test.each([
    ['/grants', '/grants'],
    ['/oauth2/authorize?client_id=a&redirect_uri=https%3A%2F%2Fapp.example%2Fcb&state=%2F%2F', '/oauth2/authorize?client_id=a&redirect_uri=https%3A%2F%2Fapp.example%2Fcb&state=%2F%2F'],
    ['/developer/preview#top', '/developer/preview#top'],
    ['/', '/'],
  ])('keeps the same-origin path %s', (next, expected) => {
    expect(safeNextPath(next)).toBe(expected)
  })

  test.each([
    null,
    undefined,
    '',
    'grants',
    '//evil.example/x',
    '///evil.example',
    '/\\evil.example',
    '\\/evil.example',
    '/\t/evil.example',
    '/\n/evil.example',
    ' /grants',
    'https://evil.example/grants',
    'javascript:alert(1)',
    'JaVaScRiPt:alert(1)',
    'data:text/html,hi',
    '/grants\u0000',
    `/${'a'.repeat(2048)}`,
  ])('falls back to /grants for %j', (next) => {
    expect(safeNextPath(next)).toBe('/grants')
  })
})
