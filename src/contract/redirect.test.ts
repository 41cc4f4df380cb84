import { describe, expect, test } from 'vitest'
import { appendToRedirect, checkRedirectUri, hasForbiddenScheme } from './redirect'

describe('hasForbiddenScheme', () => {
  test.each([
    'javascript:alert(1)',
    'JavaScript:alert(1)',
    ' javascript:alert(1)',
    'java\tscript:alert(1)',
    'java\nscript:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    'VBScript:msgbox',
    'file:///etc/passwd',
    'blob:https://x/1',
    '\u0001javascript:alert(1)',
  ])('refuses %j', (uri) => {
    expect(hasForbiddenScheme(uri)).toBe(true)
    expect(checkRedirectUri(uri, { allowHttp: true })).toEqual({ ok: false, reason: 'forbidden_scheme' })
  })

  test.each(['https://app.example/cb', 'pages/index/index', 'com.example.app:/cb'])('accepts %j', (uri) => {
    expect(hasForbiddenScheme(uri)).toBe(false)
  })
})

describe('checkRedirectUri', () => {
  test.each([
    ['https://app.example/cb?x=1', false, { ok: true }],
    ['http://localhost:3000/cb', false, { ok: true }],
    ['http://127.0.0.1/cb', false, { ok: true }],
    ['http://[::1]:8080/cb', false, { ok: true }],
    ['http://test.cn', false, { ok: false, reason: 'http_not_allowed' }],
    ['http://test.cn', true, { ok: true }],
    ['com.example.app:/oauth2redirect', false, { ok: true }],
    ['myapp:/cb', false, { ok: false, reason: 'forbidden_scheme' }],
    ['ftp://app.example/cb', false, { ok: false, reason: 'forbidden_scheme' }],
    ['/relative/cb', false, { ok: false, reason: 'not_absolute' }],
    ['https://app.example/cb#frag', false, { ok: false, reason: 'has_fragment' }],
  ] as const)('%s (allowHttp %s)', (uri, allowHttp, expected) => {
    expect(checkRedirectUri(uri, { allowHttp })).toEqual(expected)
  })
})

describe('appendToRedirect', () => {
  const nasty = 'a b+c&d#e=f/?中文🧬%20'

  test('keeps the redirect URI query and returns state byte for byte', () => {
    const target = appendToRedirect('https://app.example/cb?x=1&y=a%20b', [
      ['code', 'abc'],
      ['state', nasty],
    ])
    const url = new URL(target)
    expect(url.searchParams.get('x')).toBe('1')
    expect(url.searchParams.get('y')).toBe('a b')
    expect(url.searchParams.get('code')).toBe('abc')
    expect(url.searchParams.get('state')).toBe(nasty)
    expect(target.startsWith('https://app.example/cb?x=1&y=a%20b&code=abc&state=')).toBe(true)
  })

  test('starts a query when there is none and leaves out absent values', () => {
    expect(appendToRedirect('https://app.example/cb', [['error', 'access_denied'], ['state', undefined]])).toBe(
      'https://app.example/cb?error=access_denied',
    )
  })

  test('an empty state is still returned', () => {
    expect(appendToRedirect('https://app.example/cb?', [['code', 'c'], ['state', '']])).toBe('https://app.example/cb?code=c&state=')
  })
})
