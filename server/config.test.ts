import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, onTestFinished, test } from 'vitest'
import { ConfigError, loadConfig, startWarnings } from './config'
import { newSigningJwk } from './receipts/keys'

const SIGNING_KEY = newSigningJwk()

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
  expect(config.sessionSecrets).toHaveLength(1)
  expect(config.sessionSecrets[0]).toHaveLength(32)
  expect(config).toMatchObject({ production: false, publicOrigin: undefined })
  expect(config.trustProxy('127.0.0.1', 0)).toBe(false)
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
    RECEIPT_SIGNING_KEYS: JSON.stringify([SIGNING_KEY]),
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

describe('the store’s data: AUTO_MIGRATE and RECORDS_RETENTION_DAYS', () => {
  test('by default migrations run at start and records are kept', () => {
    expect(loadConfig({})).toMatchObject({ autoMigrate: true, recordsRetentionDays: undefined })
  })

  test('AUTO_MIGRATE=false leaves migrations to `npm run migrate`; RECORDS_RETENTION_DAYS is a whole number of days', () => {
    expect(loadConfig({ AUTO_MIGRATE: 'false', RECORDS_RETENTION_DAYS: '365' })).toMatchObject({ autoMigrate: false, recordsRetentionDays: 365 })
    for (const days of ['0', '-3', '1.5', 'forever']) {
      expect(() => loadConfig({ RECORDS_RETENTION_DAYS: days }), days).toThrow(/RECORDS_RETENTION_DAYS/)
    }
    expect(() => loadConfig({ AUTO_MIGRATE: 'no' })).toThrow(/AUTO_MIGRATE/)
  })
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

/** The complete configuration against a real platform. */
const upstream = {
  UPSTREAM_URL: 'https://pre.private.omgut.com',
  BGE_APP_KEY: 'key',
  BGE_APP_SECRET: 'secret',
  SESSION_SECRET: 'x'.repeat(32),
  LOGIN_URL: 'https://account.example/login?next={next}',
  SAMPLES_PATH: '/openbge/samples',
  USER_PATH: '/openbge/user',
  RECEIPT_SIGNING_KEYS: JSON.stringify([SIGNING_KEY]),
}

describe('RECEIPT_SIGNING_KEYS', () => {
  test('required with UPSTREAM_URL, naming it, its _FILE form and how to make a key', () => {
    expect(() => loadConfig({ ...upstream, RECEIPT_SIGNING_KEYS: undefined })).toThrowError(
      new ConfigError(
        'UPSTREAM_URL is set, so RECEIPT_SIGNING_KEYS (or RECEIPT_SIGNING_KEYS_FILE) is required: a JSON array of private Ed25519 JWKs that sign consent receipts. ' +
          '`npm run receipt-key` prints a new one.',
      ),
    )
    expect(loadConfig(upstream).receiptKeys).toEqual({ keys: [SIGNING_KEY] })
  })

  test('read from RECEIPT_SIGNING_KEYS_FILE; a bad value refuses to start without quoting the private key', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bge-config-keys-'))
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }))
    const file = join(dir, 'keys.json')
    writeFileSync(file, `${JSON.stringify([SIGNING_KEY])}\n`)
    expect(loadConfig({ ...upstream, RECEIPT_SIGNING_KEYS: undefined, RECEIPT_SIGNING_KEYS_FILE: file }).receiptKeys).toEqual({ keys: [SIGNING_KEY] })
    const refusal = (() => {
      try {
        loadConfig({ ...upstream, RECEIPT_SIGNING_KEYS: JSON.stringify([{ ...SIGNING_KEY, x: newSigningJwk().x }]) })
      } catch (error) {
        return error
      }
    })()
    expect(refusal).toBeInstanceOf(ConfigError)
    expect((refusal as Error).message).toMatch(/RECEIPT_SIGNING_KEYS: \[0\]\.\[x\] is not the public key of d/)
    expect((refusal as Error).message).not.toContain(SIGNING_KEY.d)
  })

  test('sandbox mode without keys: one made and kept beside PORTAL_DB (.data/ by default), in memory with PORTAL_DB=:memory:', () => {
    expect(loadConfig({}).receiptKeys).toEqual({ generated: true, file: '.data/receipt-signing-key.json' })
    expect(loadConfig({ PORTAL_DB: '/var/lib/portal/portal.sqlite' }).receiptKeys).toEqual({ generated: true, file: '/var/lib/portal/receipt-signing-key.json' })
    expect(loadConfig({ PORTAL_DB: ':memory:' }).receiptKeys).toEqual({ generated: true, file: undefined })
    expect(loadConfig({ RECEIPT_SIGNING_KEYS: JSON.stringify([SIGNING_KEY]) }).receiptKeys).toEqual({ keys: [SIGNING_KEY] })
  })
})

describe('NODE_ENV=production', () => {
  test('without UPSTREAM_URL refuses to start, naming what to set', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(ConfigError)
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/NODE_ENV=production, but UPSTREAM_URL is not set[\s\S]*Set UPSTREAM_URL[\s\S]*SANDBOX=on/)
    expect(() => loadConfig({ NODE_ENV: 'production', SANDBOX: 'off' })).toThrow(/UPSTREAM_URL is not set/)
  })

  test('SANDBOX=on runs the sandbox on purpose, and the start line says so', () => {
    const config = loadConfig({ NODE_ENV: 'production', SANDBOX: 'on' })
    expect(config).toMatchObject({ production: true, sandbox: true })
    expect(startWarnings(config).join('\n')).toMatch(/SANDBOX=on/)
    expect(() => loadConfig({ SANDBOX: 'yes' })).toThrow(/SANDBOX/)
    expect(() => loadConfig({ ...upstream, SANDBOX: 'on' })).toThrowError(new ConfigError('SANDBOX=on and UPSTREAM_URL are both set: unset one of them.'))
  })

  test('with UPSTREAM_URL it starts; the start line warns when the store is SQLite, one per replica', () => {
    const sqlite = loadConfig({ ...upstream, NODE_ENV: 'production' })
    expect(sqlite.production).toBe(true)
    expect(startWarnings(sqlite)).toEqual([expect.stringMatching(/SQLite in production.*DATABASE_URL/)])
    expect(startWarnings(loadConfig({ ...upstream, NODE_ENV: 'production', DATABASE_URL: 'postgres://db.internal/portal' }))).toEqual([])
    // Outside production the sandbox and SQLite are the point.
    expect(startWarnings(loadConfig({}))).toEqual([])
    expect(startWarnings(loadConfig({ NODE_ENV: 'development' }))).toEqual([])
  })
})

describe('SESSION_SECRET is a comma-separated list: the first signs, all verify', () => {
  test('each key is kept, in order, spaces around commas ignored', () => {
    const config = loadConfig({ SESSION_SECRET: `${'a'.repeat(32)}, ${'b'.repeat(40)} ,${'c'.repeat(32)}` })
    expect(config.sessionSecrets.map((secret) => secret.toString('utf8'))).toEqual(['a'.repeat(32), 'b'.repeat(40), 'c'.repeat(32)])
  })

  test('every key must be long enough', () => {
    expect(() => loadConfig({ SESSION_SECRET: `${'a'.repeat(32)},short` })).toThrow(/SESSION_SECRET: must be at least 32 characters/)
    expect(() => loadConfig({ SESSION_SECRET: `${'a'.repeat(32)},` })).toThrow(/SESSION_SECRET/)
  })
})

describe('NAME_FILE: a secret read from a file', () => {
  function file(content: string): string {
    const dir = mkdtempSync(join(tmpdir(), 'bge-config-'))
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }))
    const path = join(dir, 'secret')
    writeFileSync(path, content)
    return path
  }

  test('SESSION_SECRET_FILE, BGE_APP_SECRET_FILE and DATABASE_URL_FILE are read, the trailing newline trimmed', () => {
    const config = loadConfig({
      ...upstream,
      SESSION_SECRET: undefined,
      BGE_APP_SECRET: undefined,
      SESSION_SECRET_FILE: file(`${'n'.repeat(32)},${'o'.repeat(32)}\n`),
      BGE_APP_SECRET_FILE: file('from-a-file\r\n'),
      DATABASE_URL_FILE: file('postgres://portal:pw@db.internal:5432/portal\n'),
    })
    expect(config.sessionSecrets.map(String)).toEqual(['n'.repeat(32), 'o'.repeat(32)])
    expect(config.appSecret).toBe('from-a-file')
    expect(config.store).toEqual({ engine: 'postgres', url: 'postgres://portal:pw@db.internal:5432/portal' })
  })

  test('a value from a file is checked like any other, and counts as present', () => {
    expect(() => loadConfig({ SESSION_SECRET_FILE: file('short\n') })).toThrow(/SESSION_SECRET: must be at least 32 characters/)
    expect(() => loadConfig({ ...upstream, BGE_APP_KEY: undefined, BGE_APP_KEY_FILE: file('key') })).not.toThrow()
  })

  test('NAME and NAME_FILE both set is an error', () => {
    expect(() => loadConfig({ ...upstream, SESSION_SECRET_FILE: file('y'.repeat(32)) })).toThrowError(
      new ConfigError('SESSION_SECRET and SESSION_SECRET_FILE are both set: set only one.'),
    )
  })

  test('an unreadable or empty file refuses to start, naming the variable and the file', () => {
    const missing = join(tmpdir(), 'bge-config-no-such-dir', 'secret')
    expect(() => loadConfig({ SESSION_SECRET_FILE: missing })).toThrowError(new ConfigError(`SESSION_SECRET_FILE: cannot read ${missing} (ENOENT).`))
    const empty = file('\n')
    expect(() => loadConfig({ BGE_APP_SECRET_FILE: empty })).toThrowError(new ConfigError(`BGE_APP_SECRET_FILE: ${empty} is empty.`))
  })
})

describe('TRUST_PROXY and PUBLIC_ORIGIN', () => {
  test('TRUST_PROXY takes addresses, CIDRs and the names proxy-addr knows', () => {
    const { trustProxy } = loadConfig({ TRUST_PROXY: '10.0.0.0/8, 192.0.2.7,loopback' })
    expect(trustProxy('10.1.2.3', 0)).toBe(true)
    expect(trustProxy('192.0.2.7', 0)).toBe(true)
    expect(trustProxy('127.0.0.1', 0)).toBe(true)
    expect(trustProxy('::1', 0)).toBe(true)
    expect(trustProxy('192.0.2.8', 0)).toBe(false)
    expect(trustProxy('203.0.113.1', 0)).toBe(false)
    expect(loadConfig({ TRUST_PROXY: 'uniquelocal' }).trustProxy('fd00::1', 0)).toBe(true)
  })

  test('a TRUST_PROXY entry that is no address refuses to start, naming it', () => {
    expect(() => loadConfig({ TRUST_PROXY: '10.0.0.0/8,proxy.internal' })).toThrow(/TRUST_PROXY: .*proxy\.internal/)
    expect(() => loadConfig({ TRUST_PROXY: 'true' })).toThrow(/TRUST_PROXY/)
  })

  test('PUBLIC_ORIGIN is an origin only', () => {
    expect(loadConfig({ PUBLIC_ORIGIN: 'https://consent.example.com' }).publicOrigin).toBe('https://consent.example.com')
    expect(loadConfig({ PUBLIC_ORIGIN: 'https://Consent.Example.com:443/' }).publicOrigin).toBe('https://consent.example.com')
    expect(loadConfig({ PUBLIC_ORIGIN: 'http://localhost:8080' }).publicOrigin).toBe('http://localhost:8080')
    for (const bad of ['https://consent.example.com/portal', 'https://consent.example.com?x=1', 'https://user@consent.example.com', 'consent.example.com', 'ftp://consent.example.com']) {
      expect(() => loadConfig({ PUBLIC_ORIGIN: bad }), bad).toThrow(/PUBLIC_ORIGIN/)
    }
  })
})

describe('Node server timeouts', () => {
  test('defaults: keep-alive above a load balancer\'s 60 s, headers 20 s, request 30 s', () => {
    expect(loadConfig({}).serverTimeouts).toEqual({ keepAliveTimeout: 65_000, headersTimeout: 20_000, requestTimeout: 30_000 })
  })

  test('each is read from its variable', () => {
    expect(loadConfig({ KEEP_ALIVE_TIMEOUT_MS: '120000', HEADERS_TIMEOUT_MS: '5000', REQUEST_TIMEOUT_MS: '12000' }).serverTimeouts).toEqual({
      keepAliveTimeout: 120_000,
      headersTimeout: 5000,
      requestTimeout: 12_000,
    })
    for (const name of ['KEEP_ALIVE_TIMEOUT_MS', 'HEADERS_TIMEOUT_MS', 'REQUEST_TIMEOUT_MS']) {
      expect(() => loadConfig({ [name]: '0' })).toThrow(new RegExp(name))
    }
  })

  test('the request timeout stays above REQUEST_DEADLINE_MS, and above the headers timeout', () => {
    // The default follows a longer deadline.
    expect(loadConfig({ REQUEST_DEADLINE_MS: '40000' }).serverTimeouts.requestTimeout).toBe(45_000)
    expect(() => loadConfig({ REQUEST_TIMEOUT_MS: '10000' })).toThrowError(new ConfigError('REQUEST_TIMEOUT_MS (10000) must be above REQUEST_DEADLINE_MS (10000).'))
    expect(() => loadConfig({ HEADERS_TIMEOUT_MS: '31000' })).toThrow(/HEADERS_TIMEOUT_MS \(31000\) must not be above REQUEST_TIMEOUT_MS \(30000\)/)
  })
})
