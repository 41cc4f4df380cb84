// The BFF's JSON API, shared by the SPA and the BFF. Browser-safe: no Node imports.
// `zod/mini` keeps the browser bundle small (tree-shakable functions instead of methods); the BFF
// uses the same schemas, which zod's classic API accepts as well. A `.check(…)` is a method call the
// bundler must assume has effects: `@__PURE__` lets it drop the request schemas the SPA never runs.
import { z } from 'zod/mini'
import { SUPPORTED_LANGUAGES } from './languages'
import { vanishedGrantSchema } from './records'
import { sinceLastSchema } from './since-last'

export const userSchema = z.object({ id: z.string(), name: z.string() })
export type User = z.infer<typeof userSchema>

export const sessionSchema = z.object({ user: userSchema })
export type Session = z.infer<typeof sessionSchema>

export const signInBodySchema = z.strictObject({ user_id: /* @__PURE__ */ z.string().check(z.minLength(1)) })

export const scopeSchema = z.object({ scope: z.string(), title: z.string(), message: z.string() })
export type Scope = z.infer<typeof scopeSchema>

export const applicationSchema = z.object({
  client_id: z.string(),
  name: z.string(),
  /** Untrusted: render only when it is https (or the portal's own origin). */
  logo: z.string(),
  description: z.string(),
  /** The redirect URI the upstream validated; the only place a decision may send the user. */
  redirect_uri: z.string(),
  client_type: z.string(),
  /** Non-empty for a WeChat mini program; its redirect_uri is then a mini-program page path. */
  wxmp_app_id: z.string(),
  /** Every scope the app is registered for. */
  scopes: z.array(scopeSchema),
})
export type Application = z.infer<typeof applicationSchema>

/**
 * A scope a decision grants the app, with whether the consent link's `scope` named it. Every scope
 * counts as asked for when the link names none (the app then asks for all it is registered for).
 */
export const grantedScopeSchema = z.object({ scope: z.string(), title: z.string(), message: z.string(), asked: z.boolean() })
export type GrantedScope = z.infer<typeof grantedScopeSchema>

export const applicationResponseSchema = z.object({
  application: applicationSchema,
  /**
   * What a decision grants the app, in the app's own order: what the page shows, gates on and
   * records. The platform's authorize takes no scope, so this is every scope the app is registered
   * for, whatever the link named; with UPSTREAM_HONOURS_SCOPE only the named ones (all when it
   * names none).
   */
  granted_scopes: z.array(grantedScopeSchema),
  /** Named scopes the app is not registered for: the page must answer `invalid_scope`. */
  unknown_scopes: z.array(z.string()),
  /**
   * Consent ticket; null when nobody is signed in (the developer preview) and when the request
   * cannot succeed (`response_type` missing or not `code`, an unknown scope).
   */
  ticket: z.nullable(z.string()),
  /**
   * What changed since the person last agreed to this app (src/contract/since-last.ts): null when
   * they never did (no granted authorize recorded here). Absent without a ticket (the developer
   * preview, nobody signed in, a request that cannot succeed): nobody's history is compared there.
   */
  since_last: z.optional(z.nullable(sinceLastSchema)),
})
export type ApplicationResponse = z.infer<typeof applicationResponseSchema>

export const biosampleSchema = z.object({
  biosample_id: z.string(),
  type: z.string(),
  status: z.int(),
  /** ISO-8601, or empty when unknown. */
  sample_time: z.string(),
  project_name: z.string(),
})
export type Biosample = z.infer<typeof biosampleSchema>
export const biosamplesResponseSchema = z.object({ biosamples: z.array(biosampleSchema) })

export const biosampleRefSchema = z.strictObject({ biosample_id: /* @__PURE__ */ z.string().check(z.minLength(1)), type: z.string() })
export type BiosampleRef = z.infer<typeof biosampleRefSchema>

export const grantSchema = z.object({
  client_id: z.string(),
  name: z.string(),
  logo: z.string(),
  /** ISO-8601 in UTC. */
  grant_time: z.string(),
  biosample_ids: z.array(z.object({ biosample_id: z.string(), type: z.string() })),
})
export type Grant = z.infer<typeof grantSchema>
export const grantsResponseSchema = z.object({
  grants: z.array(grantSchema),
  /** Grants recorded here as granted that the platform no longer lists, with no revoke made here. */
  vanished: z.optional(z.array(vanishedGrantSchema)),
})

const required = () => /* @__PURE__ */ z.string().check(z.minLength(1))

/**
 * RFC 6749 sets no limit on `state`. It reaches the portal inside the consent link, which the BFF
 * accepts up to 8 KiB (server/http/request-limits.ts), so a longer one cannot come from a real consent
 * page; refusing it up front keeps the app's redirect a URL browsers and servers still accept.
 */
export const MAX_STATE_LENGTH = 8192

export const authorizeBodySchema = z.strictObject({
    ticket: required(),
    client_id: required(),
    redirect_uri: required(),
    /** The `scope` parameter exactly as the app sent it; absent when the app sent none. */
    scope: z.optional(z.string()),
    /** Returned byte for byte; absent when the app sent none. */
    state: z.optional(/* @__PURE__ */ z.string().check(z.maxLength(MAX_STATE_LENGTH))),
    biosample_ids: /* @__PURE__ */ z.array(biosampleRefSchema).check(z.maxLength(1000)),
    /**
     * The separate consent for genetic data (src/contract/separate-consent.ts): true when the person
     * ticked it. An authorize with a genetic scope is refused without it; the words it agreed to are
     * the BFF's own recomputation, never the browser's.
     */
    separate_consent: z.optional(z.boolean()),
    /**
     * The language the page was shown in. The BFF recomputes the texts it rendered in it and checks
     * them against the ticket's digests: the record keeps them, the browser never sends them.
     */
    language: z.enum(SUPPORTED_LANGUAGES),
})
export type AuthorizeBody = z.infer<typeof authorizeBodySchema>

// A deny takes neither samples nor the separate consent: its record says the step was not given.
export const denyBodySchema = z.omit(authorizeBodySchema, { biosample_ids: true, separate_consent: true })
export type DenyBody = z.infer<typeof denyBodySchema>

/** Where a decision sends the user: a URL for web apps, a page path inside a mini program. */
export const decisionResponseSchema = z.union([
  z.object({ redirect_to: z.string() }),
  z.object({ wxmp_app_id: z.string(), mini_program_path: z.string() }),
])
export type DecisionResponse = z.infer<typeof decisionResponseSchema>

export const errorEnvelopeSchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    upstream_code: z.optional(z.int()),
    login_url: z.optional(z.string()),
    /** Values that help a developer see what was wrong (client_id, redirect_uri, …). */
    details: z.optional(z.record(z.string(), z.string())),
    /** The request's id (its X-Request-Id and log line), for support. */
    request_id: z.optional(z.string()),
  }),
})
export type ErrorEnvelope = z.infer<typeof errorEnvelopeSchema>
