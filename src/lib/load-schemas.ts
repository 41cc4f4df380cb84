// Loads src/lib/schemas.ts, zod and the schemas the browser checks with, when the first thing is
// to be checked rather than with the page (see there). Kept apart from that module: importing this
// one costs a page nothing.
import type * as schemas from './schemas'

export type Schemas = typeof schemas

let loading: Promise<Schemas> | undefined

/** The schemas' module, loaded once. A load that failed (the chunk did not arrive) is tried again next time. */
export function loadSchemas(): Promise<Schemas> {
  loading ??= import('./schemas').catch((error: unknown) => {
    loading = undefined
    throw error
  })
  return loading
}
