// Every upstream call the BFF makes × every way the platform can fail, through sandbox faults:
// each ends in a specific status and code (never a 200 that pretends), transient faults on reads
// and revoke recover inside the request's deadline, and authorize reaches the platform at most
// once per ticket, never retried by the BFF.
//
// | call (BFF route)                          | timeout        | http_500 / malformed_json | 40001       | 40002 / 40003 / 40006 (application, authorize) | 40008 / 40011     | 40012                              | 40013                        | 40015                   | 50001 (unknown)     |
// | ----------------------------------------- | -------------- | ------------------------- | ----------- | -------------------------------------- | ----------------- | ---------------------------------- | ---------------------------- | ----------------------- | ------------------- |
// | application (GET /api/oauth2/application) | 504 timeout    | 502 unavailable           | 400 invalid | 422 invalid_client / not_registered / mismatch | 401 unauthenticated | 502 upstream_credentials_rejected | 502 upstream_protocol_error | 403 application_blocked | 502 upstream_error |
// | authorize (POST /api/oauth2/authorize)    | 504 outcome unknown | 504 outcome unknown  | 400         | 422                                    | 401               | 502                                | 502                          | 403                     | 502                 |
// | grants (GET /api/oauth2/grants)           | 504            | 502                       | 400         | –                                      | 401               | 502                                | 502                          | 403                     | 502                 |
// | revoke (DELETE /api/oauth2/grants/:id)    | 504 outcome unknown | 504 outcome unknown  | 400         | –                                      | 401               | 502                                | 502                          | 403                     | 502                 |
// | biosamples (GET /api/biosamples)          | 504            | 502                       | 400         | –                                      | 401               | 502                                | 502                          | 403                     | 502                 |
// | user (GET /api/session)                   | 504            | 502                       | 400         | –                                      | 401               | 502                                | 502                          | 403                     | 502                 |
//
// Persistent faults (every attempt fails): the status above; reads and revoke were tried 3 times
// (faults) or once (refusals, which are answers); authorize once.
// Authorize and revoke may have acted when a fault ate the answer: `504 decision_outcome_unknown`.
// Transient faults (`times: 1`): reads and revoke recover (200 / 204 after 2 attempts); authorize
// still ends after its one attempt (it is never retried; app.test.ts shows the retry by hand);
// a refusal is an answer, so it is the answer even when the next call would have succeeded.
import { describe, expect, test } from 'vitest'
import { useBff, WEB_APP, type Bff, type BffOptions } from '../test/support/bff'
import { SANDBOX_CALL_PATHS } from './sandbox/fixtures'

type FaultSpec = Omit<NonNullable<BffOptions['faults']>[number], 'path' | 'times'>

interface Call {
  path: (typeof SANDBOX_CALL_PATHS)[keyof typeof SANDBOX_CALL_PATHS]
  /** Whether the BFF retries faults of this call (SPEC.md "Security": never authorize). */
  retried: boolean
  /**
   * A decision the platform may have made although its answer was lost: a fault that lasts is
   * 504 decision_outcome_unknown, never a failure (SPEC.md "Consent records").
   */
  decides?: boolean
  /** Answers with the platform's own codes for the app's registration (40002, 40003, 40006). */
  aboutTheApp: boolean
  send: (bff: Bff) => Promise<Response>
  succeeded: (response: Response) => Promise<void>
}

const SAMPLES = [{ biosample_id: 'E-A0001', type: 'Lowpass' }]

const CALLS: Record<string, Call> = {
  application: {
    path: SANDBOX_CALL_PATHS.application,
    retried: true,
    aboutTheApp: true,
    send: (bff) => bff.request(`/api/oauth2/application?${new URLSearchParams(WEB_APP)}`, { as: 'alice' }),
    succeeded: async (response) => expect((await response.json()).application.client_id).toBe(WEB_APP.client_id),
  },
  authorize: {
    path: SANDBOX_CALL_PATHS.authorize,
    retried: false,
    decides: true,
    aboutTheApp: true,
    send: async (bff) => {
      const { ticket, language } = await bff.consent('alice', WEB_APP)
      return bff.request('/api/oauth2/authorize', { method: 'POST', as: 'alice', json: { ticket, language, ...WEB_APP, state: 's', separate_consent: true, biosample_ids: SAMPLES } })
    },
    succeeded: async (response) => expect((await response.json()).redirect_to).toMatch(/&code=\w{30}&state=s$/),
  },
  grants: {
    path: SANDBOX_CALL_PATHS.grants,
    retried: true,
    aboutTheApp: false,
    send: (bff) => bff.request('/api/oauth2/grants', { as: 'bob' }),
    succeeded: async (response) => expect((await response.json()).grants).toHaveLength(1),
  },
  revoke: {
    path: SANDBOX_CALL_PATHS.revokeGrant,
    retried: true,
    decides: true,
    aboutTheApp: false,
    send: (bff) => bff.request('/api/oauth2/grants/profile-app', { method: 'DELETE', as: 'bob' }),
    succeeded: async (response) => expect(response.status).toBe(204),
  },
  biosamples: {
    path: SANDBOX_CALL_PATHS.samples,
    retried: true,
    aboutTheApp: false,
    send: (bff) => bff.request('/api/biosamples', { as: 'alice' }),
    succeeded: async (response) => expect((await response.json()).biosamples).toHaveLength(3),
  },
  user: {
    path: SANDBOX_CALL_PATHS.user,
    retried: true,
    aboutTheApp: false,
    send: (bff) => bff.request('/api/session', { as: 'alice' }),
    succeeded: async (response) => expect((await response.json()).user.id).toBe('u-alice'),
  },
}

interface Outcome {
  fault: FaultSpec
  status: number
  code: string
  /** Faults get no usable answer and may be retried; refusals are answers. */
  refusal: boolean
  appCallsOnly?: boolean
}

const refusal = (code: number, status: number, apiCode: string, appCallsOnly = false): [string, Outcome] => [
  `error_code ${code}`,
  { fault: { kind: 'error_code', code }, status, code: apiCode, refusal: true, appCallsOnly },
]

const FAULTS: [string, Outcome][] = [
  ['timeout', { fault: { kind: 'timeout' }, status: 504, code: 'upstream_timeout', refusal: false }],
  ['http_500', { fault: { kind: 'http_500' }, status: 502, code: 'upstream_unavailable', refusal: false }],
  ['malformed_json', { fault: { kind: 'malformed_json' }, status: 502, code: 'upstream_unavailable', refusal: false }],
  refusal(40001, 400, 'invalid_request'),
  refusal(40002, 422, 'invalid_client', true),
  refusal(40003, 422, 'redirect_uri_not_registered', true),
  refusal(40006, 422, 'redirect_uri_mismatch', true),
  refusal(40008, 401, 'unauthenticated'),
  refusal(40011, 401, 'unauthenticated'),
  refusal(40012, 502, 'upstream_credentials_rejected'),
  refusal(40013, 502, 'upstream_protocol_error'),
  refusal(40015, 403, 'application_blocked'),
  refusal(50001, 502, 'upstream_error'),
]

const CASES = Object.entries(CALLS).flatMap(([callName, call]) =>
  FAULTS.filter(([, outcome]) => !outcome.appCallsOnly || call.aboutTheApp).flatMap(([faultName, outcome]) =>
    (['persistent', 'transient'] as const).map((persistence) => ({ callName, call, faultName, outcome, persistence })),
  ),
)

// Attempts of 150 ms inside a 2 s deadline: three timeouts fit, and an in-process answer on a busy
// machine is well inside one attempt.
const ENV = { UPSTREAM_TIMEOUT_MS: '150', REQUEST_DEADLINE_MS: '2000' }

describe.each(CASES)('$callName × $faultName ($persistence)', ({ call, outcome, persistence }) => {
  const recovers = persistence === 'transient' && !outcome.refusal && call.retried
  const attempts = outcome.refusal || !call.retried ? 1 : recovers ? 2 : 3
  const expected = call.decides && !outcome.refusal ? { status: 504, code: 'decision_outcome_unknown' } : outcome

  test(recovers ? `recovers after ${attempts} attempts` : `${expected.status} ${expected.code} after ${attempts} attempt(s)`, async () => {
    const bff = useBff({ faults: [{ path: call.path, ...outcome.fault, times: persistence === 'persistent' ? 99 : 1 }], env: ENV })
    const started = performance.now()
    const response = await call.send(bff)
    expect(performance.now() - started).toBeLessThan(2000 + 500)
    expect(response.headers.get('Cache-Control')).toBe('no-store')
    if (recovers) {
      expect(response.status).toBeLessThan(300)
      await call.succeeded(response)
    } else {
      expect(response.status).toBe(expected.status)
      const body = await response.json()
      expect(body).toMatchObject({
        error: { code: expected.code, message: expect.any(String), ...(outcome.refusal && { upstream_code: outcome.fault.code }) },
      })
      expect(Object.keys(body)).toEqual(['error'])
      if (outcome.status === 401) expect(body.error.login_url).toBe('/signin?next={next}')
    }
    expect(bff.callsTo(call.path)).toHaveLength(attempts)
  })
})
