// The sandbox's world: users with their biosamples, applications, grants, latency and faults, in
// the fixtures format of SPEC.md "Sandbox fixtures", plus the built-in demo world.
import { readFileSync } from 'node:fs'
import { z } from 'zod'
import { SANDBOX_SAMPLES_PATH, SANDBOX_USER_PATH } from '../config'
import { PRIVATE_API_PATHS } from '../upstream/client'
import { PLATFORM_SCOPES } from './platform-scopes'

/** The private-API calls the sandbox answers; their paths are the only ones a fault can name. */
export const SANDBOX_CALL_PATHS = { ...PRIVATE_API_PATHS, samples: SANDBOX_SAMPLES_PATH, user: SANDBOX_USER_PATH } as const

const nonEmpty = z.string().min(1, 'must not be empty')

/** The platform's grant time format: its own wall clock (UPSTREAM_TIME_ZONE), no zone written. */
const GRANT_TIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/

const ISO_DATE_TIME = z.iso.datetime({ offset: true, local: true })

const scopeSchema = z.strictObject({ scope: nonEmpty, title: z.string(), message: z.string() })

const biosampleSchema = z.strictObject({
  biosample_id: nonEmpty,
  type: nonEmpty,
  status: z.number().int().min(0),
  sample_time: z
    .string()
    .refine((value) => value === '' || ISO_DATE_TIME.safeParse(value).success, 'must be an ISO-8601 date-time such as 2021-03-19T07:00:41Z, or empty'),
  project_name: z.string().default(''),
})

const userSchema = z.strictObject({
  id: nonEmpty,
  name: nonEmpty,
  auth_token: nonEmpty,
  biosamples: z.array(biosampleSchema).default([]),
})

const applicationSchema = z.strictObject({
  client_id: nonEmpty,
  name: z.string(),
  logo: z.string().default(''),
  description: z.string().default(''),
  /** Compared as exact strings; an empty list is the "no registered redirect" case (40003). */
  redirect_uris: z.array(nonEmpty),
  scopes: z.array(nonEmpty).default([]),
  /** Non-empty makes the app a WeChat mini program whose redirect URIs are page paths. */
  wxmp_app_id: z.string().default(''),
  blocked: z.boolean().default(false),
})

const biosampleRefSchema = z.strictObject({ biosample_id: nonEmpty, type: nonEmpty })

const grantSchema = z.strictObject({
  user_id: nonEmpty,
  client_id: nonEmpty,
  grant_time: z.string().regex(GRANT_TIME, 'must look like 2021-03-19 07:00:41 (the platform\'s time zone, UPSTREAM_TIME_ZONE)'),
  biosample_ids: z.array(biosampleRefSchema).default([]),
})

/**
 * A way the platform fails. `when: "before"` spoils the call before the platform acts (nothing
 * happened); `when: "after"` lets the call act (a grant saved, a grant revoked) and then loses
 * its answer: the third outcome of SPEC.md, where the caller cannot know what happened.
 */
export const faultSchema = z
  .strictObject({
    path: z.enum(SANDBOX_CALL_PATHS),
    /** `reset` drops the connection with no answer at all. */
    kind: z.enum(['timeout', 'http_500', 'malformed_json', 'error_code', 'reset']),
    /** The envelope code to answer with; required for `error_code`. */
    code: z.number().int().optional(),
    /** How many calls in a row fail before the path answers normally again. */
    times: z.number().int().positive().default(1),
    when: z.enum(['before', 'after']).default('before'),
  })
  .superRefine((fault, ctx) => {
    if (fault.kind === 'error_code' && fault.code === undefined) ctx.addIssue({ code: 'custom', path: ['code'], message: 'is required when kind is error_code' })
    if (fault.code === 0) ctx.addIssue({ code: 'custom', path: ['code'], message: 'must not be 0, which means success' })
  })

/** Uniqueness and cross-references the per-field schemas cannot see. */
function checkReferences(fixtures: z.output<typeof baseSchema>, ctx: z.RefinementCtx): void {
  const problem = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message })
  function unique<T>(items: T[], key: (item: T) => string, path: (index: number) => (string | number)[], what: string) {
    const seen = new Set<string>()
    items.forEach((item, index) => {
      const value = key(item)
      if (seen.has(value)) problem(path(index), `duplicate ${what} "${value}"`)
      seen.add(value)
    })
  }

  unique(fixtures.scopes, (s) => s.scope, (i) => ['scopes', i, 'scope'], 'scope')
  unique(fixtures.users, (u) => u.id, (i) => ['users', i, 'id'], 'user id')
  unique(fixtures.users, (u) => u.auth_token, (i) => ['users', i, 'auth_token'], 'auth_token')
  fixtures.users.forEach((user, u) =>
    unique(user.biosamples, (b) => b.biosample_id, (i) => ['users', u, 'biosamples', i, 'biosample_id'], 'biosample_id'),
  )
  unique(fixtures.applications, (a) => a.client_id, (i) => ['applications', i, 'client_id'], 'client_id')

  const scopeNames = new Set(fixtures.scopes.map((s) => s.scope))
  fixtures.applications.forEach((app, a) => {
    unique(app.redirect_uris, (r) => r, (i) => ['applications', a, 'redirect_uris', i], 'redirect URI')
    unique(app.scopes, (s) => s, (i) => ['applications', a, 'scopes', i], 'scope')
    app.scopes.forEach((scope, i) => {
      if (!scopeNames.has(scope)) problem(['applications', a, 'scopes', i], `"${scope}" is not one of the fixtures' scopes`)
    })
  })

  const users = new Map(fixtures.users.map((u) => [u.id, u]))
  const clients = new Set(fixtures.applications.map((a) => a.client_id))
  unique(fixtures.grants, (g) => `${g.user_id} → ${g.client_id}`, (i) => ['grants', i], 'grant')
  fixtures.grants.forEach((grant, g) => {
    const user = users.get(grant.user_id)
    if (!user) problem(['grants', g, 'user_id'], `no user has the id "${grant.user_id}"`)
    if (!clients.has(grant.client_id)) problem(['grants', g, 'client_id'], `no application has the client_id "${grant.client_id}"`)
    if (!user) return
    grant.biosample_ids.forEach((ref, i) => {
      if (!user.biosamples.some((b) => b.biosample_id === ref.biosample_id && b.type === ref.type)) {
        problem(['grants', g, 'biosample_ids', i], `user "${user.id}" has no ${ref.type} biosample "${ref.biosample_id}"`)
      }
    })
  })
}

const baseSchema = z.strictObject({
  scopes: z.array(scopeSchema).default(() => PLATFORM_SCOPES.map((s) => ({ ...s }))),
  users: z.array(userSchema),
  applications: z.array(applicationSchema),
  grants: z.array(grantSchema).default([]),
  latency_ms: z.number().int().min(0).default(0),
  faults: z.array(faultSchema).default([]),
})

export const fixturesSchema = baseSchema.superRefine(checkReferences)

/** Fixtures with every default filled in. */
export type Fixtures = z.output<typeof fixturesSchema>
/** Fixtures as a file may write them. */
export type FixturesInput = z.input<typeof fixturesSchema>
export type FixtureUser = Fixtures['users'][number]
export type FixtureBiosample = FixtureUser['biosamples'][number]
export type FixtureApplication = Fixtures['applications'][number]
export type FixtureGrant = Fixtures['grants'][number]
export type Fault = Fixtures['faults'][number]
/** A fault as a file or a test may write it (`times` and `when` have defaults). */
export type FaultInput = z.input<typeof faultSchema>

export interface FixturesProblem {
  /** Like `users[0].biosamples[2].status`; empty for the file as a whole. */
  path: string
  message: string
}

/** A fixtures file that cannot be used; the message names the file, each field and its problem. */
export class FixturesError extends Error {
  override readonly name = 'FixturesError'

  constructor(
    readonly file: string,
    readonly problems: FixturesProblem[],
  ) {
    const lines = problems.map((p) => (p.path ? `${p.path}: ${p.message}` : p.message))
    super(`Sandbox fixtures ${file} cannot be used:\n  ${lines.join('\n  ')}`)
  }
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, key) => {
    if (typeof key === 'number') return `${out}[${key}]`
    return out ? `${out}.${String(key)}` : String(key)
  }, '')
}

function describeIssues(error: z.ZodError): FixturesProblem[] {
  return error.issues.flatMap((issue) =>
    // One problem per unknown field, each at its own path, so the message points right at it.
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ path: formatPath([...issue.path, key]), message: 'unknown field' }))
      : [{ path: formatPath(issue.path), message: issue.message }],
  )
}

/** Checks fixtures from any source; `source` names it in the error. */
export function parseFixtures(data: unknown, source = 'fixtures'): Fixtures {
  const result = fixturesSchema.safeParse(data)
  if (!result.success) throw new FixturesError(source, describeIssues(result.error))
  return result.data
}

/** Checks one fault added while the sandbox runs (SandboxApp.addFault); paths in the error start at the fault. */
export function parseFault(data: unknown, source = 'fault'): Fault {
  const result = faultSchema.safeParse(data)
  if (!result.success) throw new FixturesError(source, describeIssues(result.error))
  return result.data
}

export function loadFixturesFile(path: string): Fixtures {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (error) {
    throw new FixturesError(path, [{ path: '', message: `cannot be read (${error instanceof Error ? error.message : String(error)})` }])
  }
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (error) {
    throw new FixturesError(path, [{ path: '', message: `is not valid JSON (${error instanceof Error ? error.message : String(error)})` }])
  }
  return parseFixtures(data, path)
}

// ---------------------------------------------------------------------------------------------
// The built-in demo: what a fresh clone runs against.

const DEMO_CALLBACK_PATH = '/sandbox/callback'

/** The demo app's callback on this origin, and its localhost / 127.0.0.1 twins on the same port. */
function demoCallbackUris(origin: string): string[] {
  const url = new URL(origin)
  const port = url.port ? `:${url.port}` : ''
  return [
    ...new Set([
      `${url.origin}${DEMO_CALLBACK_PATH}`,
      `${url.protocol}//localhost${port}${DEMO_CALLBACK_PATH}`,
      `${url.protocol}//127.0.0.1${port}${DEMO_CALLBACK_PATH}`,
    ]),
  ]
}

function sample(biosample_id: string, type: string, status: number, sample_time: string, project_name: string) {
  return { biosample_id, type, status, sample_time, project_name }
}

/** The demo world with the demo app returning to `origin` (e.g. http://localhost:3000). */
export function demoFixturesFor(origin: string): Fixtures {
  const callbacks = demoCallbackUris(origin)
  const demo: FixturesInput = {
    users: [
      {
        id: 'u-demo',
        name: 'Li Wei',
        auth_token: 'sbxT7qLr2WkPz9HcVn4YmGa1EoJd6u',
        biosamples: [
          sample('E-F19955300137', 'Lowpass', 1, '2021-03-19T07:00:41Z', 'Healthy Gut'),
          sample('E-B13624792132', 'Full', 2, '2022-06-02T03:15:09Z', 'Family Ancestry'),
          sample('E-S13624792132', '16S', 3, '2022-11-27T09:42:18Z', 'Healthy Gut'),
          sample('E-M20231104518', 'Metagenome', 4, '2023-11-04T01:20:00Z', '华南肠道队列'),
          sample('E-F20240215007', 'Lowpass', 0, '2024-02-15T06:05:33Z', 'Longevity Cohort 2024'),
          sample('E-S20240608311', '16S', 1, '2024-06-08T12:30:00Z', 'Infant Microbiome'),
          sample('E-M20250110924', 'Metagenome', 2, '2025-01-10T08:00:00Z', 'Healthy Gut'),
        ],
      },
      {
        id: 'u-second',
        name: 'Zhang Min',
        auth_token: 'sbxQ3fNs8BxLe5RtKw0ZpUc7HiMy2v',
        biosamples: [
          sample('E-F18822019451', 'Lowpass', 1, '2019-08-22T02:10:45Z', 'Family Ancestry'),
          sample('E-B18822019452', 'Full', 4, '2019-08-22T02:12:03Z', 'Family Ancestry'),
          sample('E-S19011730268', '16S', 2, '2020-01-17T05:33:20Z', 'Healthy Gut'),
          sample('E-M19011730269', 'Metagenome', 0, '2020-01-17T05:35:51Z', '华南肠道队列'),
          sample('E-S21030955120', '16S', 3, '2021-03-09T10:02:37Z', 'Infant Microbiome'),
          sample('E-F22071288416', 'Lowpass', 1, '2022-07-12T14:48:09Z', 'Longevity Cohort 2024'),
        ],
      },
    ],
    applications: [
      {
        client_id: 'demo-app',
        name: 'Gene Insight',
        logo: '',
        description: 'Explains your ancestry and traits from your genome and your gut microbiome.',
        redirect_uris: callbacks,
        scopes: ['profile.default', 'profile.advanced', 'sample.default:read', 'variant.rsid', 'abundance.default', 'survey.default'],
        wxmp_app_id: '',
        blocked: false,
      },
      {
        client_id: 'demo-wxmp',
        name: '肠道小助手',
        logo: '',
        description: '在微信里查看你的肠道菌群报告。',
        redirect_uris: ['pages/index/index'],
        scopes: ['profile.default', 'sample.default:read', 'abundance.default'],
        wxmp_app_id: 'wx8a3f5c2e91d04b67',
        blocked: false,
      },
      {
        client_id: 'blocked-app',
        name: 'Old Genome Viewer',
        logo: '',
        description: 'Blocked by the platform: its consent page shows an error.',
        redirect_uris: callbacks,
        scopes: ['profile.default', 'variant.chr'],
        wxmp_app_id: '',
        blocked: true,
      },
      {
        // The application of seed 000, with every platform scope.
        client_id: 'ex8FoZjiSmjAlbg0XiqGmaTSIT3SGxoJYnslDGqB',
        name: '测试应用',
        logo: '',
        description: '',
        redirect_uris: ['http://test.cn'],
        scopes: PLATFORM_SCOPES.map((s) => s.scope),
        wxmp_app_id: '',
        blocked: false,
      },
    ],
    grants: [
      {
        user_id: 'u-second',
        client_id: 'demo-app',
        grant_time: '2024-05-12 09:30:00',
        biosample_ids: [
          { biosample_id: 'E-F18822019451', type: 'Lowpass' },
          { biosample_id: 'E-S19011730268', type: '16S' },
        ],
      },
    ],
    latency_ms: 0,
    faults: [],
  }
  return parseFixtures(demo, 'built-in demo')
}

/** The demo as `npm start` serves it by default, on http://localhost:3000. */
export const demoFixtures: Fixtures = demoFixturesFor('http://localhost:3000')
