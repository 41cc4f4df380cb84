// The embedded private API: the OAuth and sample calls over the real wire format (form POST,
// signature and timestamp checked, `{code, msg, data}` with HTTP 200), plus the callback page an
// app's redirect lands on (callback-page.ts). Mounted by the BFF at /sandbox.
import { randomInt } from 'node:crypto'
import type { HttpBindings } from '@hono/node-server'
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response'
import { Hono, type Context } from 'hono'
import { z } from 'zod'
import { platformClock } from '../upstream/platform-time'
import { verifySignature } from '../upstream/signature'
import { callbackRoutes } from './callback-page'
import { parseFault, SANDBOX_CALL_PATHS, type Fault, type FaultInput } from './fixtures'
import type { BiosampleRef, SandboxGrant, SandboxStore, SandboxUser } from './store'

export interface SandboxOptions {
  store: SandboxStore
  appKey: string
  appSecret: string
  /** Delay before every private-API answer. */
  latencyMs?: number
  faults?: Fault[]
  now?: () => Date
  /** The platform's zone: grant times are written on its wall clock, as the platform does. */
  timeZone: string
}

/** The embedded private API, plus faults added while it runs. */
export interface SandboxApp extends Hono {
  /**
   * Adds a fault after the ones it already has (checked like a fixtures fault; throws
   * FixturesError), so a test can let the first calls through and spoil a later one.
   */
  addFault(fault: FaultInput): void
}

/**
 * A `reset` fault where there is no socket to destroy (the app called in-process through
 * `app.request()`): the sandbox's onError lets it escape, so the promise of the call rejects as
 * a fetch does when the connection drops.
 */
export class ConnectionDropped extends Error {
  override readonly name = 'ConnectionDropped'

  constructor(readonly path: string) {
    super(`The sandbox dropped the connection of ${path} without an answer (reset fault).`)
  }
}

/** The real service allows 300 s of clock difference, either way. */
const TIMESTAMP_TOLERANCE_MS = 300_000
/** RFC 6749 §4.1.2: codes live at most 10 minutes. */
const CODE_LIFETIME_MS = 10 * 60_000
/** A `timeout` fault holds the request at most this long if the client never gives up. */
const TIMEOUT_FAULT_MS = 120_000

/** The platform's messages, in its own language. */
const MESSAGES: Readonly<Record<number, string>> = {
  0: '成功',
  40001: '缺少必要参数',
  40002: '非法client_id',
  40003: '回调地址未注册',
  40004: 'grant_type错误',
  40005: 'response_type错误',
  40006: '回调地址不匹配',
  40007: 'client_secret不匹配',
  40008: 'access_token不存在或已过期',
  40009: '授权码不存在或已过期',
  40010: 'refresh_token不存在或已过期',
  40011: '用户不存在或已删除',
  40012: '未授权',
  40013: '请求协议错误',
  40014: '请求方法错误',
  40015: 'OAuth应用已被禁用',
}

interface Answer {
  code: number
  msg: string
  data?: unknown
}

/** A refusal: ends the call with this code. */
class Refusal extends Error {
  constructor(
    readonly code: number,
    readonly detail = '',
  ) {
    super(MESSAGES[code] ?? '错误')
  }

  answer(): Answer {
    const msg = MESSAGES[this.code] ?? '错误'
    return { code: this.code, msg: this.detail ? `${msg}: ${this.detail}` : msg }
  }
}

type Params = Record<string, string>

/** Parameters of a call, checked like the real service: anything missing or empty is 40001. */
function read<T extends z.ZodType>(params: Params, schema: T): z.output<T> {
  const result = schema.safeParse(params)
  if (!result.success) {
    const names = [...new Set(result.error.issues.map((issue) => issue.path.join('.')))].join(', ')
    throw new Refusal(40001, names)
  }
  return result.data
}

const required = z.string().min(1)
const clientParams = z.object({ client_id: required, redirect_uri: required })
const authorizeParams = clientParams.extend({ auth_token: required, biosample_ids: z.string().optional() })
const tokenParams = z.object({ auth_token: required })
const grantsParams = tokenParams.extend({ client_id: z.string().optional() })
const revokeParams = tokenParams.extend({ client_id: required })
const biosampleRefsParam = z.array(z.object({ biosample_id: required, type: z.string() }))

const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})Z$/

function parseTimestamp(value: string): number | undefined {
  const m = TIMESTAMP.exec(value)
  if (!m) return undefined
  const [year, month, day, hour, minute, second] = m.slice(1).map(Number) as [number, number, number, number, number, number]
  const time = Date.UTC(year, month - 1, day, hour, minute, second)
  // Date.UTC rolls over impossible dates (02-30); the real service would refuse them.
  return new Date(time).toISOString().startsWith(value.slice(0, 19)) ? time : undefined
}

const CODE_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'

/** 30 random letters and digits, like the platform's codes. */
function newCode(): string {
  let code = ''
  for (let i = 0; i < 30; i++) code += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)]
  return code
}

/** Resolves after `ms`, or as soon as the client goes away. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve()
    const done = () => {
      clearTimeout(timer)
      signal.removeEventListener('abort', done)
      resolve()
    }
    const timer = setTimeout(done, ms)
    signal.addEventListener('abort', done, { once: true })
  })
}

function grantData(grant: SandboxGrant) {
  return {
    application: { client_id: grant.client_id, name: grant.name, logo: grant.logo },
    grant_time: grant.grant_time,
    biosample_ids: grant.biosample_ids,
  }
}

export function createSandbox(opts: SandboxOptions): SandboxApp {
  const { store } = opts
  const now = opts.now ?? (() => new Date())
  const clock = platformClock(opts.timeZone)
  const latencyMs = opts.latencyMs ?? 0
  /**
   * Each fault with the calls it still has to spoil, in order; in memory, so every sandbox
   * instance counts afresh. A call takes the first fault of its path with calls left, when it
   * arrives, whether that fault strikes before or after the call acts.
   */
  const faults: { fault: Fault; left: number }[] = (opts.faults ?? []).map((fault) => ({ fault, left: fault.times }))

  function takeFault(path: string): Fault | undefined {
    const pending = faults.find((entry) => entry.fault.path === path && entry.left > 0)
    if (!pending) return undefined
    pending.left -= 1
    return pending.fault
  }

  /** The credential checks of the real service, all answered with 40012. */
  function authenticate(params: Params): void {
    const { app_key, sign, timestamp, signature_nonce } = params
    if (!app_key || !sign || !timestamp || !signature_nonce) throw new Refusal(40012, '缺少签名参数')
    if (app_key !== opts.appKey) throw new Refusal(40012, 'app_key无效')
    const time = parseTimestamp(timestamp)
    if (time === undefined || Math.abs(now().getTime() - time) > TIMESTAMP_TOLERANCE_MS) throw new Refusal(40012, '时间戳无效或已过期')
    if (!verifySignature(params, opts.appSecret)) throw new Refusal(40012, '签名错误')
  }

  function userOf(authToken: string): SandboxUser {
    const user = store.userByToken(authToken)
    if (!user) throw new Refusal(40008)
    return user
  }

  /** The application checks shared by application and authorize, in the platform's order. */
  function validatedApplication(clientId: string, redirectUri: string) {
    const app = store.application(clientId)
    if (!app) throw new Refusal(40002)
    if (app.blocked) throw new Refusal(40015)
    if (app.redirect_uris.length === 0) throw new Refusal(40003)
    if (!app.redirect_uris.includes(redirectUri)) throw new Refusal(40006)
    return app
  }

  const calls: Record<(typeof SANDBOX_CALL_PATHS)[keyof typeof SANDBOX_CALL_PATHS], (params: Params) => unknown> = {
    [SANDBOX_CALL_PATHS.application]: (params) => {
      const p = read(params, clientParams)
      const app = validatedApplication(p.client_id, p.redirect_uri)
      return {
        client_id: app.client_id,
        name: app.name,
        logo: app.logo,
        description: app.description,
        redirect_uri: p.redirect_uri,
        // A mini program cannot keep a secret; the platform's web apps are confidential clients.
        client_type: app.wxmp_app_id ? 'public' : 'confidential',
        authorization_grant_type: 'authorization-code',
        wxmp_app_id: app.wxmp_app_id,
        scopes: app.scopes,
      }
    },

    [SANDBOX_CALL_PATHS.authorize]: (params) => {
      const p = read(params, authorizeParams)
      const app = validatedApplication(p.client_id, p.redirect_uri)
      const user = userOf(p.auth_token)
      const chosen = chosenBiosamples(user, p.biosample_ids)
      const at = now()
      const code = newCode()
      store.saveCode(
        {
          code,
          client_id: app.client_id,
          user_id: user.id,
          redirect_uri: p.redirect_uri,
          biosample_ids: chosen,
          expires_at: new Date(at.getTime() + CODE_LIFETIME_MS),
        },
        at,
      )
      // Authorizing again replaces what the app was given before.
      store.saveGrant({ user_id: user.id, client_id: app.client_id, grant_time: clock.format(at), biosample_ids: chosen })
      return { code, redirect_uri: p.redirect_uri, wxmp_app_id: app.wxmp_app_id }
    },

    [SANDBOX_CALL_PATHS.grants]: (params) => {
      const p = read(params, grantsParams)
      const user = userOf(p.auth_token)
      const grants = store.grantsOf(user.id, p.client_id || undefined).map(grantData)
      // Like the real service: asked about one client, one object (or [] when there is none).
      if (p.client_id) return grants[0] ?? []
      return grants
    },

    [SANDBOX_CALL_PATHS.revokeGrant]: (params) => {
      const p = read(params, revokeParams)
      const user = userOf(p.auth_token)
      // Revoking what is not granted is not an error: the outcome the caller wants holds.
      store.deleteGrant(user.id, p.client_id)
      return ''
    },

    [SANDBOX_CALL_PATHS.samples]: (params) => {
      const p = read(params, tokenParams)
      return store.biosamplesOf(userOf(p.auth_token).id)
    },

    [SANDBOX_CALL_PATHS.user]: (params) => {
      const p = read(params, tokenParams)
      const user = userOf(p.auth_token)
      return { id: user.id, name: user.name }
    },
  }

  /** The `biosample_ids` parameter: JSON naming samples of this user only; absent means none. */
  function chosenBiosamples(user: SandboxUser, param: string | undefined): BiosampleRef[] {
    if (param === undefined || param === '') return []
    let json: unknown
    try {
      json = JSON.parse(param)
    } catch {
      throw new Refusal(40001, 'biosample_ids不是合法的JSON')
    }
    const refs = biosampleRefsParam.safeParse(json)
    if (!refs.success) throw new Refusal(40001, 'biosample_ids格式错误')
    const own = store.biosamplesOf(user.id)
    const chosen = new Map<string, BiosampleRef>()
    for (const { biosample_id, type } of refs.data) {
      if (!own.some((b) => b.biosample_id === biosample_id && b.type === type)) throw new Refusal(40001, `样品不存在: ${biosample_id}`)
      chosen.set(biosample_id, { biosample_id, type })
    }
    return [...chosen.values()]
  }

  async function answerFault(c: Context, fault: Fault, path: string): Promise<Response> {
    switch (fault.kind) {
      case 'timeout':
        await pause(TIMEOUT_FAULT_MS, c.req.raw.signal)
        return c.text('Gateway Timeout', 504)
      case 'http_500':
        return c.text('Internal Server Error', 500)
      case 'malformed_json':
        return c.body('<html><body><h1>502 Bad Gateway</h1></body></html>', 200, { 'Content-Type': 'text/html; charset=utf-8' })
      case 'error_code': {
        const code = fault.code ?? 40012
        return c.json({ code, msg: MESSAGES[code] ?? '错误' })
      }
      case 'reset': {
        // Behind @hono/node-server the socket itself goes, so the client sees the connection close
        // with no answer (undici: "other side closed"); RESPONSE_ALREADY_SENT tells the server
        // there is nothing left to write.
        const socket = (c.env as Partial<HttpBindings> | undefined)?.incoming?.socket
        if (socket) {
          socket.destroy()
          return RESPONSE_ALREADY_SENT
        }
        throw new ConnectionDropped(path)
      }
    }
  }

  /** The call as the platform handles it: acts, and answers with the envelope. */
  function handle(params: Params, call: (params: Params) => unknown): Answer {
    try {
      authenticate(params)
      return { code: 0, msg: MESSAGES[0] ?? '', data: call(params) }
    } catch (error) {
      if (error instanceof Refusal) return error.answer()
      throw error
    }
  }

  const app = new Hono()
  // Hono's default answers every thrown error with a 500; a dropped connection must stay one.
  app.onError((error, c) => {
    if (error instanceof ConnectionDropped) throw error
    console.error(error)
    return c.text('Internal Server Error', 500)
  })

  for (const [path, call] of Object.entries(calls)) {
    app.all(`/private-api${path}`, async (c) => {
      if (latencyMs > 0) await pause(latencyMs, c.req.raw.signal)
      if (c.req.method !== 'POST') return c.json(new Refusal(40014).answer())
      const fault = takeFault(path)
      if (fault?.when === 'before') return answerFault(c, fault, path)
      const params: Params = Object.fromEntries(new URLSearchParams(await c.req.text()))
      const answer = handle(params, call)
      // The platform acted (or refused); its answer is what gets lost.
      if (fault) return answerFault(c, fault, path)
      return c.json(answer)
    })
  }
  app.all('/private-api/*', (c) => c.json({ code: 404, msg: '接口不存在' }, 404))

  app.route('/', callbackRoutes())

  return Object.assign(app, {
    addFault(input: FaultInput) {
      const fault = parseFault(input)
      faults.push({ fault, left: fault.times })
    },
  })
}
