// Configuration, read and checked once at start. Nothing else reads process.env.
import { randomBytes } from 'node:crypto'
import { z } from 'zod'
import type { StoreLocation } from './store/engines'
import { isTimeZone } from './upstream/platform-time'

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
  sessionSecret: Buffer
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
  /** Consent and grants stream their /api answers inside the page (server/pages/page-data.ts). */
  embedPageData: boolean
  sandboxFixtures: string | undefined
  sandboxDb: string
  /** The portal store: PostgreSQL at DATABASE_URL, else SQLite at PORTAL_DB. */
  store: StoreLocation
  /** The built SPA (`vite build` output). */
  distDir: string
  /** Requests allowed per minute (SPEC.md "Security"), shared through the store; undefined: RATE_LIMIT=off. */
  rateLimits: RateLimitSettings | undefined
}

/** RATE_LIMIT_*: how many requests of each kind one client IP or one session may make per minute. */
export interface RateLimitSettings {
  /** Per session: authorize and deny. */
  decisionsPerMinute: number
  /** Per session: GET /api/records and every path under it. */
  recordReadsPerMinute: number
  /** Per client IP: /api requests without a session, and those whose session the platform refuses. */
  unauthenticatedPerMinute: number
}

export class ConfigError extends Error {}

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
  SESSION_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  UPSTREAM_TIMEOUT_MS: z.coerce.number().int().positive().default(8000),
  UPSTREAM_CLOCK_MARGIN_MS: z.coerce.number().int().nonnegative().default(5000),
  REQUEST_DEADLINE_MS: z.coerce.number().int().positive().default(10_000),
  UPSTREAM_TIME_ZONE: z.string().refine(isTimeZone, 'must be an IANA time zone such as Asia/Shanghai').default('Asia/Shanghai'),
  ALLOW_HTTP_REDIRECTS: boolean.default(false),
  UPSTREAM_HONOURS_SCOPE: boolean.default(false),
  EMBED_PAGE_DATA: boolean.default(true),
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
  // Rate limits (server/http/limits.ts).
  RATE_LIMIT: z.enum(['on', 'off']).default('on'),
  RATE_LIMIT_DECISIONS_PER_MINUTE: z.coerce.number().int().positive().default(30),
  RATE_LIMIT_RECORD_READS_PER_MINUTE: z.coerce.number().int().positive().default(120),
  RATE_LIMIT_UNAUTHENTICATED_PER_MINUTE: z.coerce.number().int().positive().default(60),
})

/**
 * Reads the environment. In sandbox mode (no UPSTREAM_URL) `upstreamUrl` is filled in once the
 * server knows its own address (server/index.ts).
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== '')))
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`)
    throw new ConfigError(`Invalid configuration:\n  ${problems.join('\n  ')}`)
  }
  const e = parsed.data
  const sandbox = e.UPSTREAM_URL === undefined
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
  }
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
    sessionSecret: e.SESSION_SECRET ? Buffer.from(e.SESSION_SECRET, 'utf8') : randomBytes(32),
    upstreamTimeoutMs: e.UPSTREAM_TIMEOUT_MS,
    upstreamClockMarginMs: e.UPSTREAM_CLOCK_MARGIN_MS,
    requestDeadlineMs: e.REQUEST_DEADLINE_MS,
    upstreamTimeZone: e.UPSTREAM_TIME_ZONE,
    allowHttpRedirects: e.ALLOW_HTTP_REDIRECTS,
    upstreamHonoursScope: e.UPSTREAM_HONOURS_SCOPE,
    wechatBridgeUrl: e.WECHAT_BRIDGE_URL ?? '',
    embedPageData: e.EMBED_PAGE_DATA,
    sandboxFixtures: e.SANDBOX_FIXTURES,
    sandboxDb: e.SANDBOX_DB,
    store: e.DATABASE_URL ? { engine: 'postgres', url: e.DATABASE_URL } : { engine: 'sqlite', path: e.PORTAL_DB },
    distDir: e.DIST_DIR,
    rateLimits:
      e.RATE_LIMIT === 'off'
        ? undefined
        : {
            decisionsPerMinute: e.RATE_LIMIT_DECISIONS_PER_MINUTE,
            recordReadsPerMinute: e.RATE_LIMIT_RECORD_READS_PER_MINUTE,
            unauthenticatedPerMinute: e.RATE_LIMIT_UNAUTHENTICATED_PER_MINUTE,
          },
  }
}
