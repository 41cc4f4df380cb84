// The thin fetch client of the BFF's JSON API (STYLE.md "Data"): same-origin cookies, the CSRF
// header the BFF requires on every state-changing call, answers parsed with a zod schema, and one
// error type. No toasts and no redirects here: callers and the root error boundary decide.
// The schemas and zod come with the first request (src/lib/load-schemas.ts), loading while it is
// under way, so a page's first load carries neither; a caller names its schema by picking it from
// them. zod's core parser works with classic and `zod/mini` schemas alike.
import type { QueryClient } from '@tanstack/react-query'
import type { $ZodType, output } from 'zod/v4/core'
import type { ErrorCode } from '@/contract/errors'
import { loadSchemas, type Schemas } from '@/lib/load-schemas'

/** Every failure of an API call: the BFF's error envelope, a network failure or a bad answer. */
export class ApiError extends Error {
  override readonly name = 'ApiError'
  /** HTTP status; 0 when the request never got an answer. */
  readonly status: number
  /**
   * The envelope's code (src/contract/errors.ts), `network_error` or `bad_response`; or, from a
   * newer BFF, a code this build does not know, kept as sent for the code label. Not checked
   * against the list at run time: the list would add 0.4 KB to every page's first load. Tables
   * keyed by code are `Partial<Record<ErrorCode, …>>` and read with `byCode` (src/lib/failure.ts).
   */
  readonly code: ErrorCode | (string & {})
  readonly upstreamCode: number | undefined
  /** Values that help a developer see what was wrong (client_id, redirect_uri, …). */
  readonly details: Record<string, string> | undefined

  constructor(init: {
    status: number
    code: ErrorCode | (string & {})
    message: string
    upstreamCode?: number | undefined
    details?: Record<string, string> | undefined
  }) {
    super(init.message)
    this.status = init.status
    this.code = init.code
    this.upstreamCode = init.upstreamCode
    this.details = init.details
  }
}

export type SendMethod = 'POST' | 'PUT' | 'PATCH' | 'DELETE'

export interface RequestOptions {
  signal?: AbortSignal | undefined
  /**
   * The query client the request is made for (TanStack Query's query function gets it): its
   * transport, when one is bound, carries the request. The server render binds one per render
   * (src/entry-server.tsx), so its reads reach the BFF in-process, as the page's own request.
   */
  client?: QueryClient | undefined
}

/** How a request reaches the BFF: `fetch` in the browser. */
export type Transport = (path: string, init: RequestInit) => Promise<Response>

const transports = new WeakMap<QueryClient, Transport>()

/** Every request made for `client` goes through `transport` instead of the browser's fetch. */
export function bindTransport(client: QueryClient, transport: Transport): void {
  transports.set(client, transport)
}

/** Which schema an answer is checked with, picked from src/lib/schemas.ts (or, by a page that loads zod anyway, its own). */
export type SchemaPick<S extends $ZodType> = (schemas: Schemas) => S

/** GET `path` (with its query string) and parse the JSON answer with the schema `pick` names. */
export async function apiGet<S extends $ZodType>(path: string, pick: SchemaPick<S>, options: RequestOptions = {}): Promise<output<S>> {
  const schemas = checking()
  const response = await request(path, { method: 'GET', signal: options.signal }, options.client, schemas)
  return parseSuccess(response, pick, schemas, options.signal)
}

/**
 * Send a state-changing request with an optional JSON body. With `pick` null the answer's body
 * is ignored (204 and friends) and the promise resolves to undefined.
 */
export function apiSend<S extends $ZodType>(method: SendMethod, path: string, body: unknown, pick: SchemaPick<S>, options?: RequestOptions): Promise<output<S>>
export function apiSend(method: SendMethod, path: string, body: unknown, pick: null, options?: RequestOptions): Promise<void>
export async function apiSend<S extends $ZodType>(
  method: SendMethod,
  path: string,
  body: unknown,
  pick: SchemaPick<S> | null,
  options: RequestOptions = {},
): Promise<output<S> | undefined> {
  const init: RequestInit = { method, signal: options.signal }
  if (body !== undefined) {
    init.body = JSON.stringify(body)
    init.headers = { 'Content-Type': 'application/json' }
  }
  const schemas = checking()
  const response = await request(path, init, options.client, schemas)
  if (pick === null) return undefined
  return parseSuccess(response, pick, schemas, options.signal)
}

/**
 * The schemas, loading from now on, while the request is under way. A load that fails settles as
 * undefined (handled on every path, so never an unhandled rejection): the answer then cannot be
 * checked and is reported as a network failure, the portal's own code having not arrived.
 */
function checking(): Promise<Schemas | undefined> {
  return loadSchemas().catch(() => undefined)
}

async function request(path: string, init: RequestInit, client: QueryClient | undefined, schemas: Promise<Schemas | undefined>): Promise<Response> {
  const response = await send(path, init, (client && transports.get(client)) ?? fetch)
  if (!response.ok) throw await errorFrom(response, schemas, init.signal)
  return response
}

async function send(path: string, init: RequestInit, transport: Transport): Promise<Response> {
  try {
    return await transport(path, {
      ...init,
      credentials: 'same-origin',
      headers: { Accept: 'application/json', 'X-Requested-With': 'fetch', ...init.headers },
    })
  } catch (error) {
    // A cancelled request (TanStack Query aborts on unmount) is not a failure to report.
    if (init.signal?.aborted) throw error
    throw new ApiError({ status: 0, code: 'network_error', message: 'The portal could not be reached.' })
  }
}

async function parseSuccess<S extends $ZodType>(
  response: Response,
  pick: SchemaPick<S>,
  schemas: Promise<Schemas | undefined>,
  signal: AbortSignal | null | undefined,
): Promise<output<S>> {
  // 204 has no body: the schema decides whether "nothing" is an acceptable answer.
  const raw = response.status === 204 ? undefined : await readJson(response, signal)
  const loaded = (await schemas) ?? unchecked()
  const parsed = loaded.safeParse(pick(loaded), raw === NOT_JSON ? undefined : raw)
  if (raw === NOT_JSON || !parsed.success) {
    throw new ApiError({ status: response.status, code: 'bad_response', message: 'The portal sent an answer it should not have.' })
  }
  return parsed.data
}

async function errorFrom(response: Response, schemas: Promise<Schemas | undefined>, signal: AbortSignal | null | undefined): Promise<ApiError> {
  const raw = await readJson(response, signal)
  const { safeParse, errorEnvelopeSchema } = (await schemas) ?? unchecked()
  const envelope = safeParse(errorEnvelopeSchema, raw)
  if (!envelope.success) {
    return new ApiError({ status: response.status, code: 'bad_response', message: `The portal answered ${response.status}.` })
  }
  const { code, message, upstream_code, details } = envelope.data.error
  // The envelope's `login_url` is not read: the sign-in URL comes from index.html (src/lib/session.ts).
  return new ApiError({ status: response.status, code, message, upstreamCode: upstream_code, details })
}

/** The schemas did not load: whatever the answer was, it cannot be checked, and the portal was not (wholly) reached. */
function unchecked(): never {
  throw new ApiError({ status: 0, code: 'network_error', message: 'The portal could not be reached.' })
}

const NOT_JSON = Symbol('not JSON')

async function readJson(response: Response, signal: AbortSignal | null | undefined): Promise<unknown> {
  try {
    return await response.json()
  } catch (error) {
    if (signal?.aborted) throw error
    return NOT_JSON
  }
}
