import { Hono, type Context } from 'hono'
import { authorizeBodySchema, denyBodySchema, type DecisionResponse } from '../../src/contract/api'
import { appendToRedirect, checkRedirectUri } from '../../src/contract/redirect'
import { ApiFailure } from '../api-failure'
import type { ConsentTicket } from '../consent-ticket'
import { deadlineOf } from '../deadline'
import { requireAuthToken, type BffDeps } from '../deps'
import { parseJsonBody } from '../validate'

const TICKET_PROBLEMS = {
  malformed: [400, 'invalid_ticket', 'This consent page is not valid. Please start again from the app.'],
  expired: [409, 'ticket_expired', 'This consent page has expired. Please reload it and decide again.'],
  wrong_session: [403, 'ticket_session_mismatch', 'You signed in as someone else since this page was opened. Please reload it.'],
  wrong_request: [403, 'ticket_request_mismatch', 'This decision does not match the consent page that was shown.'],
} as const

/**
 * A state with a lone surrogate cannot be percent-encoded (encodeURIComponent throws), so it is
 * refused up front: found only after the platform answered, it would cost a minted code.
 */
function checkState(state: string | undefined): void {
  if (state !== undefined && /\p{Surrogate}/u.test(state)) {
    throw new ApiFailure(400, 'invalid_request', 'Some fields are missing or invalid.', { details: { state: 'must be well-formed Unicode' } })
  }
}

export function authorizeRoutes(deps: BffDeps): Hono {
  const app = new Hono()

  function checkTicket(c: Context, body: { ticket: string; client_id: string; redirect_uri: string; scope?: string | undefined }) {
    const token = requireAuthToken(c, deps)
    const result = deps.tickets.verify(body.ticket, {
      authToken: token,
      clientId: body.client_id,
      redirectUri: body.redirect_uri,
      scope: body.scope ?? '',
    })
    if (!result.ok) {
      const [status, code, message] = TICKET_PROBLEMS[result.problem]
      throw new ApiFailure(status, code, message)
    }
    return { token, ticket: result.ticket }
  }

  /** The app's own address plus the decision; the address is the one the ticket says upstream validated. */
  function decision(ticket: ConsentTicket, target: string, params: [string, string | undefined][]): DecisionResponse {
    if (ticket.wx) return { wxmp_app_id: ticket.wx, mini_program_path: appendToRedirect(target, params) }
    const check = checkRedirectUri(target, { allowHttp: deps.config.allowHttpRedirects })
    if (!check.ok || target !== ticket.ru) {
      throw new ApiFailure(502, 'upstream_redirect_rejected', 'The platform answered with a redirect address the portal will not use.')
    }
    return { redirect_to: appendToRedirect(target, params) }
  }

  function usedElsewhere(): never {
    throw new ApiFailure(409, 'ticket_used', 'A different decision was already made on this page. Please reload it.')
  }

  app.post('/oauth2/authorize', async (c) => {
    const body = await parseJsonBody(c, authorizeBodySchema)
    checkState(body.state)
    const { token, ticket } = checkTicket(c, body)
    // A sample listed twice is a confused client: refused rather than quietly merged.
    const seen = new Set<string>()
    for (const { biosample_id } of body.biosample_ids) {
      if (seen.has(biosample_id)) {
        throw new ApiFailure(400, 'invalid_request', 'Some fields are missing or invalid.', {
          details: { biosample_ids: `${biosample_id} is listed more than once` },
        })
      }
      seen.add(biosample_id)
    }
    if (ticket.rs && body.biosample_ids.length === 0) {
      throw new ApiFailure(400, 'biosamples_required', 'Choose at least one sample: this app asks to read sample data.')
    }
    // Never retried: each upstream authorize mints a code (SPEC.md "Security").
    const answer = await deps.decisions.once(ticket, 'authorize', async () => {
      const granted = await deps.upstream.authorize(
        { client_id: body.client_id, redirect_uri: body.redirect_uri, auth_token: token, biosample_ids: body.biosample_ids },
        { deadline: deadlineOf(c) },
      )
      const target = ticket.wx ? granted.redirect_uri || ticket.ru : ticket.ru
      return decision(ticket, target, [
        ['code', granted.code],
        ['state', body.state],
      ])
    }, deadlineOf(c))
    return c.json(answer ?? usedElsewhere())
  })

  app.post('/oauth2/deny', async (c) => {
    const body = await parseJsonBody(c, denyBodySchema)
    checkState(body.state)
    const { ticket } = checkTicket(c, body)
    const answer = await deps.decisions.once(ticket, 'deny', async () =>
      decision(ticket, ticket.ru, [
        ['error', 'access_denied'],
        ['state', body.state],
      ]),
      deadlineOf(c),
    )
    return c.json(answer ?? usedElsewhere())
  })

  return app
}
