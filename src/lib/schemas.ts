// What the browser checks on the way in, and zod's parser to check it with: the BFF's answers
// (src/lib/http.ts) and what this tab kept in sessionStorage (the consent selection). Loaded with
// the first thing to check (`loadSchemas`, src/lib/load-schemas.ts), never with a page: a server-rendered page hydrates from
// its render state and checks nothing until its first call, and zod with these schemas is 8 KB gzip
// of the 135 KB the consent page may load before it is hydrated (issue 17, docs/performance.md).
// vite.config.ts keeps this module, the schemas' modules and zod out of the shared chunk.
import { z } from 'zod/mini'
import { userSchema } from '@/contract/api'

export { safeParse } from 'zod/v4/core'
export {
  applicationResponseSchema,
  biosamplesResponseSchema,
  decisionResponseSchema,
  errorEnvelopeSchema,
  grantsResponseSchema,
  sessionSchema,
} from '@/contract/api'
export { consentRecordSchema, recordsResponseSchema } from '@/contract/records'

/** The sandbox's fixture users (GET /api/sandbox/users). */
export const sandboxUsersSchema = z.object({ users: z.array(userSchema) })

/**
 * The consent selection as sessionStorage holds it (src/features/consent/selection-store.ts). The
 * `{ state, version }` wrapper is the format of zustand's persist middleware, which that store used
 * before, so a flow in progress across a deploy keeps its selection.
 */
export const storedFlowsSchema = z.object({
  state: z.object({
    flows: z.record(z.string(), z.object({ selected: z.optional(z.array(z.string())), decided: z.optional(z.string()) })),
  }),
  version: z.int(),
})
