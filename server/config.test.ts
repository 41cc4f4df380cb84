import { describe, expect, test } from 'vitest'
import { ConfigError, loadConfig } from './config'

test('with no environment the portal runs against its sandbox', () => {
  const config = loadConfig({})
  expect(config).toMatchObject({
    sandbox: true,
    port: 3000,
    host: '127.0.0.1',
    appKey: 'sandbox',
    appSecret: 'sandbox-secret',
    authCookie: 'bge_auth_token',
    loginUrl: '/signin?next={next}',
    upstreamTimeoutMs: 8000,
    requestDeadlineMs: 10_000,
    upstreamTimeZone: 'Asia/Shanghai',
    allowHttpRedirects: false,
    upstreamHonoursScope: false,
    sandboxDb: '.data/sandbox.sqlite',
  })
  expect(config.sessionSecret.length).toBe(32)
})

test('UPSTREAM_URL without credentials refuses to start, naming what is missing', () => {
  expect(() => loadConfig({ UPSTREAM_URL: 'https://pre.private.omgut.com' })).toThrowError(
    new ConfigError('UPSTREAM_URL is set, so BGE_APP_KEY, BGE_APP_SECRET, SESSION_SECRET are required but missing.'),
  )
  expect(() =>
    loadConfig({ UPSTREAM_URL: 'https://pre.private.omgut.com', BGE_APP_KEY: 'k', BGE_APP_SECRET: 's' }),
  ).toThrow(/SESSION_SECRET is required but missing/)
})

test('a complete upstream configuration is accepted', () => {
  const config = loadConfig({
    UPSTREAM_URL: 'https://pre.private.omgut.com/',
    BGE_APP_KEY: 'key',
    BGE_APP_SECRET: 'secret',
    SESSION_SECRET: 'x'.repeat(32),
    LOGIN_URL: 'https://account.example/login?next={next}',
    SAMPLES_PATH: '/v2/openbge/samples/mine',
    USER_PATH: '/openbge/user',
    ALLOW_HTTP_REDIRECTS: 'true',
  })
  expect(config).toMatchObject({ sandbox: false, upstreamUrl: 'https://pre.private.omgut.com', appKey: 'key', allowHttpRedirects: true })
})

describe('the portal store', () => {
  test('embedded SQLite at PORTAL_DB by default, PostgreSQL when DATABASE_URL is set', () => {
    expect(loadConfig({}).store).toEqual({ engine: 'sqlite', path: '.data/portal.sqlite' })
    expect(loadConfig({ PORTAL_DB: ':memory:' }).store).toEqual({ engine: 'sqlite', path: ':memory:' })
    for (const url of ['postgres://portal:pw@db.internal:5432/portal', 'postgresql://db.internal/portal?sslmode=require']) {
      expect(loadConfig({ DATABASE_URL: url, PORTAL_DB: 'ignored.sqlite' }).store).toEqual({ engine: 'postgres', url })
    }
  })

  test.each(['mysql://user:s3cret@db/portal', 'user:s3cret@db.internal:5432/portal', 'postgres:///s3cret', 'sqlite:.data/s3cret.sqlite'])(
    'DATABASE_URL %j refuses to start, naming the variable and never echoing the value',
    (url) => {
      const error = (() => {
        try {
          loadConfig({ DATABASE_URL: url })
        } catch (caught) {
          return caught
        }
        return undefined
      })()
      expect(error).toBeInstanceOf(ConfigError)
      expect(String(error)).toMatch(/DATABASE_URL: must be a PostgreSQL URL/)
      expect(String(error)).not.toContain('s3cret')
    },
  )
})

test('bad values are named', () => {
  expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/)
  expect(() => loadConfig({ UPSTREAM_URL: 'ftp://x' })).toThrow(/UPSTREAM_URL/)
  expect(() => loadConfig({ SESSION_SECRET: 'short' })).toThrow(/SESSION_SECRET: must be at least 32 characters/)
})

describe('UPSTREAM_URL names exactly what is missing', () => {
  const complete = {
    UPSTREAM_URL: 'https://pre.private.omgut.com',
    BGE_APP_KEY: 'key',
    BGE_APP_SECRET: 'secret',
    SESSION_SECRET: 'x'.repeat(32),
    LOGIN_URL: 'https://account.example/login?next={next}',
    SAMPLES_PATH: '/openbge/samples',
    USER_PATH: '/openbge/user',
  }

  test.each(['BGE_APP_KEY', 'BGE_APP_SECRET', 'SESSION_SECRET'] as const)('%s alone', (name) => {
    const error = (() => {
      try {
        loadConfig({ ...complete, [name]: undefined })
      } catch (caught) {
        return caught
      }
      return undefined
    })()
    expect(error).toBeInstanceOf(ConfigError)
    const message = (error as ConfigError).message
    expect(message).toBe(`UPSTREAM_URL is set, so ${name} is required but missing.`)
  })

  test('an empty value counts as missing', () => {
    expect(() => loadConfig({ ...complete, BGE_APP_KEY: '', BGE_APP_SECRET: '' })).toThrowError(
      new ConfigError('UPSTREAM_URL is set, so BGE_APP_KEY, BGE_APP_SECRET are required but missing.'),
    )
  })

  test.each(['LOGIN_URL', 'SAMPLES_PATH', 'USER_PATH'] as const)('%s, which only the sandbox can do without', (name) => {
    expect(() => loadConfig({ ...complete, [name]: undefined })).toThrow(ConfigError)
    expect(() => loadConfig({ ...complete, [name]: undefined })).toThrow(new RegExp(`UPSTREAM_URL is set, so ${name} .*is required`))
  })
})

test('the other settings are read and checked', () => {
  expect(loadConfig({ REQUEST_DEADLINE_MS: '3000' }).requestDeadlineMs).toBe(3000)
  for (const bad of ['0', '-5', '2.5', 'soon']) expect(() => loadConfig({ REQUEST_DEADLINE_MS: bad })).toThrow(/REQUEST_DEADLINE_MS/)
  expect(loadConfig({ UPSTREAM_TIMEOUT_MS: '250', AUTH_COOKIE: 'sid', WECHAT_BRIDGE_URL: 'https://res.wx.qq.com/open/js/jweixin-1.6.0.js' })).toMatchObject({
    upstreamTimeoutMs: 250,
    authCookie: 'sid',
    wechatBridgeUrl: 'https://res.wx.qq.com/open/js/jweixin-1.6.0.js',
  })
  expect(() => loadConfig({ UPSTREAM_TIMEOUT_MS: '0' })).toThrow(/UPSTREAM_TIMEOUT_MS/)
  expect(() => loadConfig({ AUTH_COOKIE: 'a b' })).toThrow(/AUTH_COOKIE: must be a valid cookie name/)
  expect(() => loadConfig({ WECHAT_BRIDGE_URL: 'http://res.wx.qq.com/x.js' })).toThrow(/WECHAT_BRIDGE_URL/)
  expect(() => loadConfig({ ALLOW_HTTP_REDIRECTS: 'yes' })).toThrow(/ALLOW_HTTP_REDIRECTS/)
})

test('UPSTREAM_HONOURS_SCOPE is off until the platform enforces `scope`; only a boolean is accepted', () => {
  expect(loadConfig({ UPSTREAM_HONOURS_SCOPE: 'true' }).upstreamHonoursScope).toBe(true)
  expect(loadConfig({ UPSTREAM_HONOURS_SCOPE: '1' }).upstreamHonoursScope).toBe(true)
  expect(loadConfig({ UPSTREAM_HONOURS_SCOPE: 'false' }).upstreamHonoursScope).toBe(false)
  expect(() => loadConfig({ UPSTREAM_HONOURS_SCOPE: 'yes' })).toThrow(/UPSTREAM_HONOURS_SCOPE/)
})

test('UPSTREAM_TIME_ZONE takes an IANA zone; an unknown one refuses to start, naming the variable', () => {
  expect(loadConfig({ UPSTREAM_TIME_ZONE: 'America/New_York' }).upstreamTimeZone).toBe('America/New_York')
  expect(loadConfig({ UPSTREAM_TIME_ZONE: 'UTC' }).upstreamTimeZone).toBe('UTC')
  expect(() => loadConfig({ UPSTREAM_TIME_ZONE: 'Asia/Atlantis' })).toThrowError(
    new ConfigError('Invalid configuration:\n  UPSTREAM_TIME_ZONE: must be an IANA time zone such as Asia/Shanghai'),
  )
})
