// The private API's payloads (reference/private-api/README.md). Lenient where the real service is
// known or likely to be loose (null for empty strings, missing optional fields, extra fields),
// strict where the portal relies on a value.
import { z } from 'zod'
import { platformClock } from './platform-time'

/**
 * C0 and C1 control characters (U+0000–U+001F, U+007F–U+009F), TAB and LF aside. PostgreSQL
 * refuses U+0000 in text and jsonb, so an app named with one could never be recorded, nor
 * revoked; the others (ANSI escapes, CR, DEL…) only garble pages, logs and receipts.
 * Bidirectional controls (U+202A–U+202E, U+2066–U+2069, U+200E/F, U+061C) are format
 * characters, not controls: they are kept, and the SPA renders every upstream text isolated
 * (src/components/ui/upstream-text.tsx) so they cannot reorder the portal's own words.
 */
const CONTROL_CHARACTERS = /[^\P{Cc}\t\n]/gu
const HAS_CONTROL_CHARACTER = /[^\P{Cc}\t\n]/u

/** A human text as the portal displays and stores it: the upstream's words without control characters. */
export function cleanText(value: string): string {
  return value.replace(CONTROL_CHARACTERS, '')
}

/**
 * A string the service may send as null or leave out: both read as ''. Every such field is text
 * a person reads (or a URL shown as an image), so it is cleaned here, once, at the edge: no store,
 * page or log line downstream sees a control character (SPEC.md "Consent records").
 */
const text = z
  .string()
  .nullish()
  .transform((value) => cleanText(value ?? ''))

/**
 * A value the portal echoes back to the platform (client_id, biosample_id and its type) or keys
 * records by (user id, scope name). Cleaning it would change whose or which thing it names: a
 * revoke or authorize would name a client or sample that does not exist (the platform compares
 * ids and types exactly), and two users' ids could meet. So an id with a control character is
 * not cleaned but refused, and the answer carrying it is malformed (a fault, like bad JSON).
 */
const platformId = z
  .string()
  .min(1)
  .refine((value) => !HAS_CONTROL_CHARACTER.test(value), 'an id must not contain control characters')

/** An id that may be absent: null, left out and '' all read as ''. */
const optionalPlatformId = z
  .string()
  .refine((value) => !HAS_CONTROL_CHARACTER.test(value), 'an id must not contain control characters')
  .nullish()
  .transform((value) => value ?? '')

/** A string passed on as the platform sent it, '' when null or left out. */
const verbatim = z
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

export const upstreamScopeSchema = z.object({ scope: platformId, title: text, message: text })

export const upstreamApplicationSchema = z.object({
  client_id: platformId,
  name: text,
  logo: text,
  description: text,
  /**
   * The redirect URI the upstream validated: not cleaned, as it must equal the one the request
   * named byte for byte. It leaves only as the redirect itself (URL parsing percent-encodes
   * controls) and as its host, which cannot hold one.
   */
  redirect_uri: z.string(),
  client_type: text,
  authorization_grant_type: text,
  /** Non-empty for a WeChat mini program: an id the mini program bridge is sent to, so never cleaned. */
  wxmp_app_id: optionalPlatformId,
  scopes: list(upstreamScopeSchema),
})
export type UpstreamApplication = z.output<typeof upstreamApplicationSchema>

// Neither stored nor displayed: the code and the mini program page go, encoded, to where the person
// is sent. Refusing one here would turn a minted code into a lost answer, so they are taken as sent.
export const upstreamAuthorizationSchema = z.object({
  code: z.string().min(1),
  /** For a mini program, the page path inside it. */
  redirect_uri: verbatim,
  wxmp_app_id: verbatim,
})
export type UpstreamAuthorization = z.output<typeof upstreamAuthorizationSchema>

/** The platform checks a chosen sample's id and type exactly (40001 otherwise): both are ids here. */
const biosampleType = optionalPlatformId

export const upstreamBiosampleRefSchema = z.object({ biosample_id: platformId, type: biosampleType })

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
    application: z.object({ client_id: platformId, name: text, logo: text }),
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
  biosample_id: platformId,
  type: biosampleType,
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
  id: z.union([platformId, z.number()]).transform(String),
  name: text,
})
export type UpstreamUser = z.output<typeof upstreamUserSchema>
