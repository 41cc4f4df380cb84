// The component tests' BFF (STYLE.md "Tests": MSW with `onUnhandledRequest: 'error'`): one server
// for every suite, started in setup-dom.ts. By default Alice is signed in; a test changes only
// what it is about, with `server.use(...)`, and the handlers are reset after each test.
import { http, HttpResponse } from 'msw'
import { setupServer } from 'msw/node'
import type { ApiErrorCode } from '@/contract/errors'
import { ALICE, BOB, publicUser } from './fixture-users'

/** The BFF's error envelope (SPEC.md "BFF API") with `status`. */
export function apiError(status: number, code: ApiErrorCode, extra: { message?: string; upstream_code?: number; details?: Record<string, string> } = {}) {
  return HttpResponse.json({ error: { message: `Refused: ${code}.`, ...extra, code } }, { status })
}

/** Nobody signed in, as the BFF answers any call that needs a session (40008 when the platform said so). */
export function unauthenticated(upstreamCode?: number) {
  return apiError(401, 'unauthenticated', {
    message: 'Please sign in.',
    ...(upstreamCode === undefined ? {} : { upstream_code: upstreamCode }),
  })
}

export const defaultHandlers = [
  http.get('/api/session', () => HttpResponse.json({ user: publicUser(ALICE) })),
  http.get('/api/sandbox/users', () => HttpResponse.json({ users: [publicUser(ALICE), publicUser(BOB)] })),
]

export const server = setupServer(...defaultHandlers)
