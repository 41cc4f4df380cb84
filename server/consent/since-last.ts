// "What changed since you last agreed" (SPEC.md "Consent page", issue 19): the consent page's
// scopes now against the person's latest granted authorize of the app, made with the application
// answer (server/routes/application.ts), so the page shows it at first paint.
import type { Scope } from '../../src/contract/api'
import type { ConsentRecord } from '../../src/contract/records'
import type { SinceLast, SinceLastCompared } from '../../src/contract/since-last'
import type { PortalStore } from '../store/portal-store'
import { latestAgreement } from './records'
import { displayedScopes } from './shown-texts'

/**
 * How long the page waits for the store before it says the comparison is unavailable. The page
 * reads the platform meanwhile, which takes longer than a healthy store; a store that hangs (up to
 * its own query timeout) must not hold the consent page up with it.
 */
export const SINCE_LAST_WAIT_MS = 1_500

/**
 * `previous` (a granted authorize) against what the page grants now (`granted`, in the app's order).
 * Words are compared in `previous.language`: the page's rule applied now in that language against
 * the words recorded then, so only words that would read differently count as changed.
 */
export function compareWithPrevious(previous: ConsentRecord, granted: readonly Scope[]): SinceLastCompared {
  const then = new Map(previous.scopes.map((scope) => [scope.scope, scope]))
  const now = new Set(granted.map((scope) => scope.scope))
  const changed: SinceLastCompared['changed'] = []
  for (const shown of displayedScopes(granted, previous.language)) {
    const agreed = then.get(shown.scope)
    if (agreed && (agreed.title !== shown.title || agreed.message !== shown.message)) {
      changed.push({ scope: shown.scope, then: { title: agreed.title, message: agreed.message }, now: { title: shown.title, message: shown.message } })
    }
  }
  return {
    status: 'compared',
    receipt: previous.id,
    at: previous.at,
    language: previous.language,
    added: granted.filter((scope) => !then.has(scope.scope)).map(({ scope, title, message }) => ({ scope, title, message })),
    removed: previous.scopes.filter((scope) => !now.has(scope.scope)).map(({ scope, title, message }) => ({ scope, title, message })),
    changed,
    samples_then: previous.biosamples.map(({ biosample_id, type }) => ({ biosample_id, type })),
  }
}

/**
 * The person's latest granted authorize of `clientId`: null when there is none, 'unavailable' when
 * the store (or who is signed in) did not answer within `waitMs`. Never rejects: a page must not
 * fail because its history could not be read.
 */
export async function latestAgreed(
  store: PortalStore,
  userId: Promise<string>,
  clientId: string,
  options: { waitMs?: number; log?: (line: string) => void } = {},
): Promise<ConsentRecord | null | 'unavailable'> {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<'unavailable'>((resolve) => {
    const waitMs = options.waitMs ?? SINCE_LAST_WAIT_MS
    timer = setTimeout(() => {
      options.log?.(`warn: since-last comparison unavailable for ${clientId}: the portal store did not answer within ${waitMs} ms`)
      resolve('unavailable')
    }, waitMs)
    timer.unref()
  })
  const read = userId
    .then(async (id) => (await latestAgreement(store, id, clientId)) ?? null)
    .catch((error: unknown) => {
      options.log?.(`warn: since-last comparison unavailable for ${clientId}: ${error instanceof Error ? error.message : String(error)}`)
      return 'unavailable' as const
    })
  try {
    return await Promise.race([read, late])
  } finally {
    clearTimeout(timer)
  }
}

/** The comparison the page shows, from what `latestAgreed` found. */
export function sinceLastOf(previous: ConsentRecord | null | 'unavailable', granted: readonly Scope[]): SinceLast | null {
  if (previous === 'unavailable') return { status: 'unavailable' }
  return previous === null ? null : compareWithPrevious(previous, granted)
}
