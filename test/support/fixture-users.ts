// The people every suite signs in as: the BFF tests and the browser journeys seed the sandbox with
// them (their `auth_token` is the sandbox's own, never seen by the SPA), the component tests'
// mocked BFF answers with their public part.
import type { User } from '@/contract/api'

export const ALICE = { id: 'u-alice', name: 'Alice Chen', auth_token: 'tok-alice-3f9c2a7e51d84b06' }
export const BOB = { id: 'u-bob', name: 'Bob Wang', auth_token: 'tok-bob-8e1d5b2c97a04f63' }

/** What the BFF tells the browser about a user (`GET /api/session`): never the token. */
export function publicUser({ id, name }: { id: string; name: string }): User {
  return { id, name }
}
