// Configuration, read and checked once at start. Nothing else reads process.env.
import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import proxyAddr from 'proxy-addr'
import { z } from 'zod'
import { parseSigningKeys, type PrivateSigningJwk } from './receipts/keys'
import type { StoreLocation } from './store/engines'
import { isTimeZone, PLATFORM_TIME_ZONE } from '../src/contract/time-zone'

export const SANDBOX_APP_KEY = 'sandbox'
export const SANDBOX_APP_SECRET = 'sandbox-secret'
export const SANDBOX_API_PREFIX = '/sandbox/private-api'
export const SANDBOX_SAMPLES_PATH = '/openbge/user/biosamples'
export const SANDBOX_USER_PATH = '/openbge/user/profile'

export interface Config {
  port: number
  host: string
  /** Base URL of the private API; in sandbox mode, the sandbox served by this same server. */
  upstreamUrl: string
  sandbox: boolean
  appKey: string
  appSecret: string
  authCookie: string
  /** Where users without a session go; `{next}` is replaced by the encoded return path. */
  loginUrl: string
  samplesPath: string
  userPath: string
  /** SESSION_SECRET's list: the first signs, every one verifies (rotation without breaking open pages). */
  sessionSecrets: Buffer[]
  upstreamTimeoutMs: number
  /**
   * How far the platform's clock (and its whole-second `grant_time`) may differ from the portal's
   * when a grant is matched to the attempt that made it (SPEC.md "Consent records").
   */
  upstreamClockMarginMs: number
  /** The longest any /api request may take, upstream retries included. */
  requestDeadlineMs: number
  /** IANA zone of the platform's zone-less times (`grant_time`). */
  upstreamTimeZone: string
  allowHttpRedirects: boolean
  /**
   * Whether the platform's authorize grants only the scopes the link's `scope` names. It does not
   * yet (it takes no scope and grants the app every scope it is registered for), so by default the
   * page shows and records that whole set; `true` narrows both to the named scopes.
   */
  upstreamHonoursScope: boolean
  /** Origin of WeChat's JS bridge script; empty = the bridge is not loaded and not allowed by the CSP. */
  wechatBridgeUrl: string
  sandboxFixtures: string | undefined
  sandboxDb: string
  /** The portal store: PostgreSQL at DATABASE_URL, else SQLite at PORTAL_DB. */
  store: StoreLocation
  /** The built SPA (`vite build` output). */
  distDir: string
  /** pino's level for the JSON log lines (server/http/log.ts). */
  logLevel: LogLevel
  /** Where Prometheus text is served (server/http/metrics.ts), on HOST; undefined = off. Never PORT. */
  metricsPort: number | undefined
  /** After SIGTERM: how long the listener keeps serving, /readyz 503, before it closes (server/index.ts). */
  shutdownGraceMs: number
  /** NODE_ENV=production: no sandbox unless SANDBOX=on, and the start line warns about a per-instance store. */
  production: boolean
  /** Whether a socket peer is a proxy whose `X-Forwarded-*` are believed (TRUST_PROXY; server/http/proxy.ts). */
  trustProxy: (address: string, hop: number) => boolean
  /** The portal's external origin (PUBLIC_ORIGIN), e.g. `https://consent.example.com`; undefined = the request's own. */
  publicOrigin: string | undefined
  /** Node's server timeouts, set on the server `serve()` returns (server/index.ts). */
  serverTimeouts: ServerTimeouts
  /** AUTO_MIGRATE: false = the store's migrations are applied only by `npm run migrate`; start-up refuses a store that lacks one. */
  autoMigrate: boolean
  /** RECORDS_RETENTION_DAYS: consent records older than this many days are purged (server/consent/retention.ts); undefined = kept. */
  recordsRetentionDays: number | undefined
  /** Requests allowed per minute (SPEC.md "Security"), shared through the store; undefined: RATE_LIMIT=off. */
  rateLimits: RateLimitSettings | undefined
  /**
   * How consent receipts are signed (server/receipts/keys.ts): RECEIPT_SIGNING_KEYS (the first
   * signs, all verify); or, in sandbox mode without them, a key the portal makes and keeps in
   * `file` (beside PORTAL_DB), or in memory only when PORTAL_DB is `:memory:`.
   */
  receiptKeys: { keys: PrivateSigningJwk[] } | { generated: true; file: string | undefined }
}

/** Sandbox mode's own receipt-signing key, beside the embedded store (`.data/` by default). */
export const SANDBOX_RECEIPT_KEY_FILE = 'receipt-signing-key.json'

/** RATE_LIMIT_*: how many requests of each kind one client IP or one session may make per minute. */
export interface RateLimitSettings {
  /** Per session: authorize and deny. */
  decisionsPerMinute: number
  /** Per session: GET /api/records and every path under it. */
  recordReadsPerMinute: number
  /** Per client IP: /api requests without a session, and those whose session the platform refuses. */
  unauthenticatedPerMinute: number
}

export interface ServerTimeouts {
  headersTimeout: number
  requestTimeout: number
  keepAliveTimeout: number
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const
export type LogLevel = (typeof LOG_LEVELS)[number]

export class ConfigError extends Error {}

/**
 * Variables that may come from a file instead (`NAME_FILE`, e.g. a mounted Kubernetes or Docker
 * secret), so their values need not sit in the process environment.
 */
export const FILE_VARIABLES = ['SESSION_SECRET', 'BGE_APP_KEY', 'BGE_APP_SECRET', 'DATABASE_URL', 'RECEIPT_SIGNING_KEYS'] as const

/** A load balancer closes idle connections after 60 s (AWS ALB, GCP's is 600 s): the portal must not close first. */
const KEEP_ALIVE_TIMEOUT_MS = 65_000
const HEADERS_TIMEOUT_MS = 20_000
const REQUEST_TIMEOUT_MS = 30_000

const boolean = z
  .enum(['true', 'false', '1', '0', ''])
  .transform((value) => value === 'true' || value === '1')

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  UPSTREAM_URL: z.url({ protocol: /^https?$/ }).optional(),
  BGE_APP_KEY: z.string().min(1).optional(),
  BGE_APP_SECRET: z.string().min(1).optional(),
  AUTH_COOKIE: z
    .string()
    .regex(/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/, 'must be a valid cookie name')
    .default('bge_auth_token'),
  LOGIN_URL: z.string().min(1).optional(),
  SAMPLES_PATH: z.string().startsWith('/').optional(),
  USER_PATH: z.string().startsWith('/').optional(),
  DIST_DIR: z.string().min(1).default('dist'),
  // A comma-separated list: the first signs, all verify.
  SESSION_SECRET: z
    .string()
    .transform((value) => value.split(',').map((secret) => secret.trim()))
    .refine((secrets) => secrets.every((secret) => secret.length >= 32), 'must be at least 32 characters (each, when a comma-separated list)')
    .optional(),
  UPSTREAM_TIMEOUT_MS: z.coerce.number().int().positive().default(8000),
  UPSTREAM_CLOCK_MARGIN_MS: z.coerce.number().int().nonnegative().default(5000),
  REQUEST_DEADLINE_MS: z.coerce.number().int().positive().default(10_000),
  UPSTREAM_TIME_ZONE: z.string().refine(isTimeZone, 'must be an IANA time zone such as Asia/Shanghai').default(PLATFORM_TIME_ZONE),
  ALLOW_HTTP_REDIRECTS: boolean.default(false),
  UPSTREAM_HONOURS_SCOPE: boolean.default(false),
  WECHAT_BRIDGE_URL: z.url({ protocol: /^https$/ }).optional(),
  SANDBOX_FIXTURES: z.string().min(1).optional(),
  SANDBOX_DB: z.string().min(1).default('.data/sandbox.sqlite'),
  DATABASE_URL: z
    .string()
    .refine((value) => URL.canParse(value) && /^postgres(ql)?:$/.test(new URL(value).protocol) && new URL(value).hostname !== '', {
      message: 'must be a PostgreSQL URL: postgres://user:password@host:5432/database',
    })
    .optional(),
  PORTAL_DB: z.string().min(1).default('.data/portal.sqlite'),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  METRICS_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  SHUTDOWN_GRACE_MS: z.coerce.number().int().nonnegative().optional(),
  NODE_ENV: z.string().optional(),
  SANDBOX: z.enum(['on', 'off']).optional(),
  TRUST_PROXY: z
    .string()
    .transform((value, context) => {
      const list = value.split(',').map((entry) => entry.trim()).filter((entry) => entry !== '')
      try {
        return proxyAddr.compile(list)
      } catch (error) {
        context.addIssue({ code: 'custom', message: `${error instanceof Error ? error.message : String(error)}; expected addresses, CIDRs or loopback, linklocal, uniquelocal` })
        return z.NEVER
      }
    })
    .optional(),
  PUBLIC_ORIGIN: z
    .url({ protocol: /^https?$/ })
    .transform((value, context) => {
      const url = new URL(value)
      if (url.href === `${url.origin}/`) return url.origin
      context.addIssue({ code: 'custom', message: 'must be an origin such as https://consent.example.com, without path, query or credentials' })
      return z.NEVER
    })
    .optional(),
  HEADERS_TIMEOUT_MS: z.coerce.number().int().positive().default(HEADERS_TIMEOUT_MS),
  REQUEST_TIMEOUT_MS: z.coerce.number().int().positive().optional(),
  KEEP_ALIVE_TIMEOUT_MS: z.coerce.number().int().positive().default(KEEP_ALIVE_TIMEOUT_MS),
  AUTO_MIGRATE: boolean.default(true),
  RECORDS_RETENTION_DAYS: z.coerce.number().int().positive().optional(),
  // Rate limits (server/http/limits.ts).
  RATE_LIMIT: z.enum(['on', 'off']).default('on'),
  RATE_LIMIT_DECISIONS_PER_MINUTE: z.coerce.number().int().positive().default(30),
  RATE_LIMIT_RECORD_READS_PER_MINUTE: z.coerce.number().int().positive().default(120),
  RATE_LIMIT_UNAUTHENTICATED_PER_MINUTE: z.coerce.number().int().positive().default(60),
  // A JSON array of private Ed25519 JWKs (server/receipts/keys.ts); errors never quote the value.
  RECEIPT_SIGNING_KEYS: z
    .string()
    .transform((value, context) => {
      const parsed = parseSigningKeys(value)
      if (parsed.success) return parsed.keys
      context.addIssue({ code: 'custom', message: parsed.problem })
      return z.NEVER
    })
    .optional(),
})

/**
 * `NAME_FILE` for each of FILE_VARIABLES becomes `NAME`, the file's content without its trailing
 * newline. Both set is ambiguous, so refused.
 */
function withFileVariables(env: Record<string, string | undefined>, readFile: (path: string) => string): Record<string, string | undefined> {
  const resolved = { ...env }
  for (const name of FILE_VARIABLES) {
    const path = env[`${name}_FILE`]
    if (!path) continue
    if (env[name]) throw new ConfigError(`${name} and ${name}_FILE are both set: set only one.`)
    let content: string
    try {
      content = readFile(path)
    } catch (error) {
      const reason = error instanceof Error && 'code' in error ? String(error.code) : error instanceof Error ? error.message : String(error)
      throw new ConfigError(`${name}_FILE: cannot read ${path} (${reason}).`)
    }
    const value = content.replace(/(\r?\n)+$/, '')
    if (value === '') throw new ConfigError(`${name}_FILE: ${path} is empty.`)
    resolved[name] = value
  }
  return resolved
}

/**
 * Reads the environment. In sandbox mode (no UPSTREAM_URL) `upstreamUrl` is filled in once the
 * server knows its own address (server/index.ts).
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, readFile: (path: string) => string = (path) => readFileSync(path, 'utf8')): Config {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== ''))
  const parsed = envSchema.safeParse(withFileVariables(present, readFile))
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`)
    throw new ConfigError(`Invalid configuration:\n  ${problems.join('\n  ')}`)
  }
  const e = parsed.data
  const sandbox = e.UPSTREAM_URL === undefined
  const production = e.NODE_ENV === 'production'
  if (e.SANDBOX === 'on' && !sandbox) throw new ConfigError('SANDBOX=on and UPSTREAM_URL are both set: unset one of them.')
  if (production && sandbox && e.SANDBOX !== 'on') {
    throw new ConfigError(
      'NODE_ENV=production, but UPSTREAM_URL is not set, so the portal would run against its embedded sandbox.\n' +
        'Set UPSTREAM_URL (with BGE_APP_KEY, BGE_APP_SECRET, SESSION_SECRET, LOGIN_URL, SAMPLES_PATH, USER_PATH), ' +
        'or set SANDBOX=on to run the sandbox in production on purpose.',
    )
  }
  // Node's own limit (headersTimeout ≤ requestTimeout); the request timeout also stays above the
  // deadline, so a slow client is cut by the portal's own rules first.
  const requestTimeout = e.REQUEST_TIMEOUT_MS ?? Math.max(REQUEST_TIMEOUT_MS, e.REQUEST_DEADLINE_MS + 5_000)
  if (requestTimeout <= e.REQUEST_DEADLINE_MS) {
    throw new ConfigError(`REQUEST_TIMEOUT_MS (${requestTimeout}) must be above REQUEST_DEADLINE_MS (${e.REQUEST_DEADLINE_MS}).`)
  }
  if (e.HEADERS_TIMEOUT_MS > requestTimeout) {
    throw new ConfigError(`HEADERS_TIMEOUT_MS (${e.HEADERS_TIMEOUT_MS}) must not be above REQUEST_TIMEOUT_MS (${requestTimeout}).`)
  }
  if (!sandbox) {
    const missing = (['BGE_APP_KEY', 'BGE_APP_SECRET', 'SESSION_SECRET'] as const).filter((name) => !e[name])
    if (missing.length > 0) {
      throw new ConfigError(
        `UPSTREAM_URL is set, so ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} required but missing.`,
      )
    }
    if (!e.LOGIN_URL) throw new ConfigError('UPSTREAM_URL is set, so LOGIN_URL (the platform sign-in page) is required.')
    if (!e.SAMPLES_PATH) throw new ConfigError('UPSTREAM_URL is set, so SAMPLES_PATH (the upstream call listing a user\'s biosamples) is required.')
    if (!e.USER_PATH) throw new ConfigError('UPSTREAM_URL is set, so USER_PATH (the upstream call naming the signed-in user) is required.')
    // Every instance must sign with a key the others' JWKS lists, and keep it across restarts:
    // a key made here would be neither.
    if (!e.RECEIPT_SIGNING_KEYS) {
      throw new ConfigError(
        'UPSTREAM_URL is set, so RECEIPT_SIGNING_KEYS (or RECEIPT_SIGNING_KEYS_FILE) is required: a JSON array of private Ed25519 JWKs that sign consent receipts. ' +
          '`npm run receipt-key` prints a new one.',
      )
    }
  }
  if (e.METRICS_PORT !== undefined && e.METRICS_PORT === e.PORT) throw new ConfigError('METRICS_PORT must differ from PORT: metrics are never served on the public port.')
  return {
    port: e.PORT,
    host: e.HOST,
    upstreamUrl: e.UPSTREAM_URL?.replace(/\/+$/, '') ?? '',
    sandbox,
    appKey: e.BGE_APP_KEY ?? SANDBOX_APP_KEY,
    appSecret: e.BGE_APP_SECRET ?? SANDBOX_APP_SECRET,
    authCookie: e.AUTH_COOKIE,
    loginUrl: e.LOGIN_URL ?? '/signin?next={next}',
    samplesPath: e.SAMPLES_PATH ?? SANDBOX_SAMPLES_PATH,
    userPath: e.USER_PATH ?? SANDBOX_USER_PATH,
    sessionSecrets: e.SESSION_SECRET ? e.SESSION_SECRET.map((secret) => Buffer.from(secret, 'utf8')) : [randomBytes(32)],
    upstreamTimeoutMs: e.UPSTREAM_TIMEOUT_MS,
    upstreamClockMarginMs: e.UPSTREAM_CLOCK_MARGIN_MS,
    requestDeadlineMs: e.REQUEST_DEADLINE_MS,
    upstreamTimeZone: e.UPSTREAM_TIME_ZONE,
    allowHttpRedirects: e.ALLOW_HTTP_REDIRECTS,
    upstreamHonoursScope: e.UPSTREAM_HONOURS_SCOPE,
    wechatBridgeUrl: e.WECHAT_BRIDGE_URL ?? '',
    sandboxFixtures: e.SANDBOX_FIXTURES,
    sandboxDb: e.SANDBOX_DB,
    store: e.DATABASE_URL ? { engine: 'postgres', url: e.DATABASE_URL } : { engine: 'sqlite', path: e.PORTAL_DB },
    distDir: e.DIST_DIR,
    logLevel: e.LOG_LEVEL,
    metricsPort: e.METRICS_PORT,
    // Longer than any request in flight can take, so none is cut.
    shutdownGraceMs: e.SHUTDOWN_GRACE_MS ?? e.REQUEST_DEADLINE_MS + 5000,
    production,
    trustProxy: e.TRUST_PROXY ?? (() => false),
    publicOrigin: e.PUBLIC_ORIGIN,
    serverTimeouts: { headersTimeout: e.HEADERS_TIMEOUT_MS, requestTimeout, keepAliveTimeout: e.KEEP_ALIVE_TIMEOUT_MS },
    autoMigrate: e.AUTO_MIGRATE,
    recordsRetentionDays: e.RECORDS_RETENTION_DAYS,
    rateLimits:
      e.RATE_LIMIT === 'off'
        ? undefined
        : {
            decisionsPerMinute: e.RATE_LIMIT_DECISIONS_PER_MINUTE,
            recordReadsPerMinute: e.RATE_LIMIT_RECORD_READS_PER_MINUTE,
            unauthenticatedPerMinute: e.RATE_LIMIT_UNAUTHENTICATED_PER_MINUTE,
          },
    receiptKeys: e.RECEIPT_SIGNING_KEYS
      ? { keys: e.RECEIPT_SIGNING_KEYS }
      : { generated: true, file: e.PORTAL_DB === ':memory:' ? undefined : join(dirname(e.PORTAL_DB), SANDBOX_RECEIPT_KEY_FILE) },
  }
}

/** What the start line warns about: settings that work but are probably not what production wants. */
export function startWarnings(config: Pick<Config, 'production' | 'sandbox' | 'store'>): string[] {
  const warnings: string[] = []
  if (!config.production) return warnings
  if (config.sandbox) warnings.push('SANDBOX=on: production runs against the embedded sandbox, not the platform.')
  if (config.store.engine === 'sqlite') {
    warnings.push('the portal store is SQLite in production: several replicas would each keep their own decisions and limits. Set DATABASE_URL to share one.')
  }
  return warnings
}
