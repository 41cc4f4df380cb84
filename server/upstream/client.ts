// The signed client of the private API (reference/private-api/README.md, "Transport"): every call
// is a form POST carrying app_key, a fresh nonce, a timestamp and the signature.
import { request } from 'undici'
import type { z } from 'zod'
import type { Config } from '../config'
import type { Deadline } from '../http/deadline'
import { neverSent, UpstreamFault, UpstreamRefusal, type UpstreamFaultKind } from './errors'
import {
  envelopeSchema,
  upstreamApplicationSchema,
  upstreamAuthorizationSchema,
  upstreamBiosamplesSchema,
  upstreamGrantsSchemaFor,
  upstreamUserSchema,
  type UpstreamApplication,
  type UpstreamAuthorization,
  type UpstreamBiosample,
  type UpstreamGrant,
  type UpstreamUser,
} from './schemas'
import { signedForm } from './signature'

export interface BiosampleRefParam {
  biosample_id: string
  type: string
}

/** How long one call, retries included, may take, and who hears how it went. */
export interface CallOptions {
  /** The request's deadline (server/http/deadline.ts): attempts and retries all spend from it. */
  deadline?: Deadline
  /** Told once, when the call ends, what it came to (the request's log line and metrics, server/http/log.ts). */
  observe?: (call: PlatformCallObservation) => void
}

export type PlatformCallName = 'application' | 'authorize' | 'grants' | 'revoke_grant' | 'biosamples' | 'user'

/** A platform call as logs and metrics see it: no parameter, no answer. */
export interface PlatformCallObservation {
  call: PlatformCallName
  path: string
  /** `ok`; `refused` (an envelope with a code); the fault's kind; `error` for anything else. */
  outcome: 'ok' | 'refused' | UpstreamFaultKind | 'error'
  /** 1, plus the retries. */
  attempts: number
  durationMs: number
}

export interface UpstreamClient {
  application(p: { client_id: string; redirect_uri: string }, call?: CallOptions): Promise<UpstreamApplication>
  /** Never retried: each successful call mints an authorization code. */
  authorize(
    p: {
      client_id: string
      redirect_uri: string
      auth_token: string
      biosample_ids?: BiosampleRefParam[]
    },
    call?: CallOptions,
  ): Promise<UpstreamAuthorization>
  /** Always a list, whatever shape the upstream answered. */
  grants(p: { auth_token: string; client_id?: string }, call?: CallOptions): Promise<UpstreamGrant[]>
  revokeGrant(p: { auth_token: string; client_id: string }, call?: CallOptions): Promise<void>
  biosamples(p: { auth_token: string }, call?: CallOptions): Promise<UpstreamBiosample[]>
  user(p: { auth_token: string }, call?: CallOptions): Promise<UpstreamUser>
}

export interface UpstreamClientOptions {
  /** The endpoint, without a trailing slash, e.g. https://api.private.omgut.com */
  baseUrl: string
  appKey: string
  appSecret: string
  /** Deadline of each attempt; a call's own deadline (CallOptions) can only shorten it. */
  timeoutMs: number
  samplesPath: string
  userPath: string
  /** IANA zone of the platform's zone-less times (`grant_time`). */
  timeZone: string
  /** Further attempts after a fault, for the calls that may repeat. Default 2. */
  retries?: number
  /** First pause before a retry, doubled each time, with jitter. Default 150. */
  backoffMs?: number
  /**
   * The shortest attempt worth starting: with less left of the call's deadline no retry starts,
   * and the last fault is the answer. Default 250, a slow but healthy platform answer.
   */
  minAttemptMs?: number
  /** How a call goes over HTTP; fetch itself fits, and tests pass stand-ins. Default: `pooledPost`. */
  fetch?: UpstreamFetch
  now?: () => Date
}

/** The part of an HTTP answer the client reads; a fetch Response has it. */
export interface UpstreamAnswer {
  status: number
  text(): Promise<string>
  body: { cancel(): Promise<void> } | null
}

export type UpstreamFetch = (
  url: string,
  init: { method: 'POST'; headers: Record<string, string>; body: string; signal: AbortSignal; redirect: 'error' },
) => Promise<UpstreamAnswer>

/**
 * The default transport: undici's request on its keep-alive pool. fetch builds WHATWG Request,
 * Headers, streams and Response objects for every call, which under load cost the BFF about twice
 * the CPU of the call itself. Redirects are not followed (a 3xx is an unusable answer).
 */
export const pooledPost: UpstreamFetch = async (url, { method, headers, body, signal }) => {
  const answer = await request(url, { method, headers, body, signal })
  return { status: answer.statusCode, text: () => answer.body.text(), body: { cancel: () => answer.body.dump() } }
}

/** The private API's OAuth calls (reference/private-api/README.md); the sandbox serves the same. */
export const PRIVATE_API_PATHS = {
  application: '/openbge/oauth2/application',
  authorize: '/openbge/oauth2/authorize',
  grants: '/openbge/oauth2/grants',
  revokeGrant: '/openbge/oauth2/revoke_grant',
} as const

type Params = Record<string, string | undefined>

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

/** The client's settings that come from the portal's configuration. */
export function upstreamOptionsFrom(config: Config): UpstreamClientOptions {
  return {
    baseUrl: config.upstreamUrl,
    appKey: config.appKey,
    appSecret: config.appSecret,
    timeoutMs: config.upstreamTimeoutMs,
    samplesPath: config.samplesPath,
    userPath: config.userPath,
    timeZone: config.upstreamTimeZone,
  }
}

export function createUpstreamClient(opts: UpstreamClientOptions): UpstreamClient {
  const fetchImpl = opts.fetch ?? pooledPost
  const now = opts.now ?? (() => new Date())
  const retries = opts.retries ?? 2
  const backoffMs = opts.backoffMs ?? 150
  const minAttemptMs = opts.minAttemptMs ?? 250
  const baseUrl = opts.baseUrl.replace(/\/+$/, '')
  const grantsSchema = upstreamGrantsSchemaFor(opts.timeZone)

  async function attempt<T extends z.ZodType>(path: string, params: Params, schema: T, call: CallOptions): Promise<z.output<T>> {
    // Whole milliseconds: AbortSignal.timeout throws on a fraction.
    const timeoutMs = Math.floor(Math.min(opts.timeoutMs, call.deadline?.remainingMs() ?? Infinity))
    if (timeoutMs <= 0) throw new UpstreamFault('timeout', `The request's deadline passed before upstream ${path} was called.`, { path, sent: false })
    const signal = AbortSignal.timeout(timeoutMs)
    // A rejection after the deadline is the deadline's doing, whatever error the fetch reports.
    const failed = (cause: unknown, what: string) =>
      signal.aborted
        ? new UpstreamFault('timeout', `Upstream ${path} did not answer within ${timeoutMs} ms.`, { cause, path })
        : new UpstreamFault('network', `Upstream ${path} could not be reached (${what}).`, { cause, path, sent: !neverSent(cause) })

    let response: UpstreamAnswer
    try {
      response = await fetchImpl(`${baseUrl}${path}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
        body: signedForm(params, opts, now()),
        signal,
        redirect: 'error',
      })
    } catch (error) {
      throw failed(error, 'request failed')
    }
    if (response.status < 200 || response.status > 299) {
      await response.body?.cancel().catch(() => undefined)
      throw new UpstreamFault('http_status', `Upstream ${path} answered HTTP ${response.status}.`, { path, status: response.status })
    }
    let text: string
    try {
      text = await response.text()
    } catch (error) {
      throw failed(error, 'answer interrupted')
    }
    let json: unknown
    try {
      json = JSON.parse(text)
    } catch (error) {
      throw new UpstreamFault('malformed', `Upstream ${path} answered something that is not JSON.`, { cause: error, path })
    }
    const envelope = envelopeSchema.safeParse(json)
    if (!envelope.success) {
      throw new UpstreamFault('malformed', `Upstream ${path} answered JSON that is not the envelope.`, { cause: envelope.error, path })
    }
    if (envelope.data.code !== 0) throw new UpstreamRefusal(envelope.data.code, envelope.data.msg, envelope.data.data, path)
    const data = schema.safeParse(envelope.data.data)
    if (!data.success) {
      throw new UpstreamFault('malformed', `Upstream ${path} answered data of an unexpected shape.`, { cause: data.error, path })
    }
    return data.data
  }

  /**
   * Faults (no usable answer) are retried; a refusal is an answer and is not. Retries live here
   * only, inside the call's deadline: none starts when what is left of it cannot hold the pause
   * and a useful attempt (SPEC.md "Security").
   */
  async function withRetries<T>(call: CallOptions, once: () => Promise<T>): Promise<T> {
    for (let failures = 0; ; failures++) {
      try {
        return await once()
      } catch (error) {
        if (!(error instanceof UpstreamFault) || failures >= retries) throw error
        // Jitter keeps instances behind a load balancer from retrying in step.
        const pause = backoffMs * 2 ** failures * (0.5 + Math.random())
        const left = call.deadline?.remainingMs() ?? Infinity
        if (left - pause < minAttemptMs) throw error
        await sleep(pause)
      }
    }
  }

  /** One call, with retries when `retried`; its observer hears of it once it ends. */
  async function observed<T>(name: PlatformCallName, path: string, call: CallOptions, retried: boolean, once: () => Promise<T>): Promise<T> {
    const { observe } = call
    if (!observe) return retried ? withRetries(call, once) : once()
    const started = performance.now()
    let attempts = 0
    const counted = () => {
      attempts++
      return once()
    }
    let outcome: PlatformCallObservation['outcome'] = 'ok'
    try {
      return await (retried ? withRetries(call, counted) : counted())
    } catch (error) {
      outcome = error instanceof UpstreamRefusal ? 'refused' : error instanceof UpstreamFault ? error.kind : 'error'
      throw error
    } finally {
      observe({ call: name, path, outcome, attempts, durationMs: performance.now() - started })
    }
  }

  return {
    application: ({ client_id, redirect_uri }, call = {}) =>
      observed('application', PRIVATE_API_PATHS.application, call, true, () =>
        attempt(PRIVATE_API_PATHS.application, { client_id, redirect_uri }, upstreamApplicationSchema, call),
      ),

    authorize: ({ client_id, redirect_uri, auth_token, biosample_ids }, call = {}) =>
      observed('authorize', PRIVATE_API_PATHS.authorize, call, false, () =>
        attempt(
          PRIVATE_API_PATHS.authorize,
          {
            client_id,
            redirect_uri,
            auth_token,
            biosample_ids: biosample_ids && JSON.stringify(biosample_ids.map(({ biosample_id, type }) => ({ biosample_id, type }))),
          },
          upstreamAuthorizationSchema,
          call,
        ),
      ),

    grants: ({ auth_token, client_id }, call = {}) =>
      observed('grants', PRIVATE_API_PATHS.grants, call, true, () => attempt(PRIVATE_API_PATHS.grants, { auth_token, client_id }, grantsSchema, call)),

    revokeGrant: async ({ auth_token, client_id }, call = {}) => {
      await observed('revoke_grant', PRIVATE_API_PATHS.revokeGrant, call, true, () =>
        attempt(PRIVATE_API_PATHS.revokeGrant, { auth_token, client_id }, envelopeSchema.shape.data, call),
      )
    },

    biosamples: ({ auth_token }, call = {}) =>
      observed('biosamples', opts.samplesPath, call, true, () => attempt(opts.samplesPath, { auth_token }, upstreamBiosamplesSchema, call)),

    user: ({ auth_token }, call = {}) => observed('user', opts.userPath, call, true, () => attempt(opts.userPath, { auth_token }, upstreamUserSchema, call)),
  }
}
