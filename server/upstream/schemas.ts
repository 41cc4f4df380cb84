// The private API's payloads (reference/private-api/README.md). Lenient where the real service is
// known or likely to be loose (null for empty strings, missing optional fields, extra fields),
// strict where the portal relies on a value.
import { z } from 'zod'
import { platformClock } from './platform-time'

/** A string the service may send as null or leave out: both read as ''. */
const text = z
  .string()
  .nullish()
  .transform((value) => value ?? '')

/** A list the service may send as null or leave out when empty. */
function list<T extends z.ZodType>(item: T) {
  return z
    .array(item)
    .nullish()
    .transform((value): z.output<T>[] => value ?? [])
}

export const envelopeSchema = z.object({
  code: z.number().int(),
  msg: text,
  data: z.unknown().optional(),
  pagination: z
    .object({ page: z.number().optional(), count: z.number().optional(), total: z.number().optional() })
    .nullish(),
})
export type UpstreamEnvelope = z.output<typeof envelopeSchema>

export const upstreamScopeSchema = z.object({ scope: z.string().min(1), title: text, message: text })

export const upstreamApplicationSchema = z.object({
  client_id: z.string().min(1),
  name: text,
  logo: text,
  description: text,
  /** The redirect URI the upstream validated. */
  redirect_uri: z.string(),
  client_type: text,
  authorization_grant_type: text,
  /** Non-empty for a WeChat mini program. */
  wxmp_app_id: text,
  scopes: list(upstreamScopeSchema),
})
export type UpstreamApplication = z.output<typeof upstreamApplicationSchema>

export const upstreamAuthorizationSchema = z.object({
  code: z.string().min(1),
  /** For a mini program, the page path inside it. */
  redirect_uri: text,
  wxmp_app_id: text,
})
export type UpstreamAuthorization = z.output<typeof upstreamAuthorizationSchema>

export const upstreamBiosampleRefSchema = z.object({ biosample_id: z.string().min(1), type: text })

/**
 * The grants call's answer. Its `grant_time` comes as 'YYYY-MM-DD HH:MM:SS' on the platform's
 * wall clock (`timeZone`, UPSTREAM_TIME_ZONE) and leaves as an ISO-8601 UTC instant.
 *
 * The documented call answers one object when asked about one client, the list otherwise, and
 * `[]` (or nothing) when there is none: all of them become a list.
 */
export function upstreamGrantsSchemaFor(timeZone: string) {
  const clock = platformClock(timeZone)
  const grant = z.object({
    application: z.object({ client_id: z.string().min(1), name: text, logo: text }),
    grant_time: text.transform(clock.toIso),
    biosample_ids: list(upstreamBiosampleRefSchema),
  })
  type Grant = z.output<typeof grant>
  return z.union([
    z.array(grant),
    grant.transform((one) => [one]),
    z.union([z.null(), z.undefined(), z.object({}).strict()]).transform((): Grant[] => []),
  ])
}
export type UpstreamGrant = z.output<ReturnType<typeof upstreamGrantsSchemaFor>>[number]

export const upstreamBiosampleSchema = z.object({
  biosample_id: z.string().min(1),
  type: text,
  status: z.number().int(),
  /** ISO-8601, or '' when unknown. */
  sample_time: text,
  create_time: text.optional(),
  project_name: text,
})
export type UpstreamBiosample = z.output<typeof upstreamBiosampleSchema>
export const upstreamBiosamplesSchema = list(upstreamBiosampleSchema)

export const upstreamUserSchema = z.object({
  // Ids are opaque to the portal; a numeric id is read as its decimal string.
  id: z.union([z.string().min(1), z.number()]).transform(String),
  name: text,
})
export type UpstreamUser = z.output<typeof upstreamUserSchema>
