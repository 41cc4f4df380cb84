import { Hono, type Context } from 'hono'
import { authorizeBodySchema, denyBodySchema, type DecisionResponse } from '../../src/contract/api'
import type { ShownTexts } from '../../src/contract/records'
import { appendToRedirect, checkRedirectUri } from '../../src/contract/redirect'
import type { DecisionRequest } from '../consent/decisions'
import { shownTextsDigest } from '../consent/shown-texts'
import type { ConsentTicket } from '../consent/ticket'
import type { BffDeps } from '../deps'
import { ApiFailure } from '../http/api-failure'
import { deadlineOf } from '../http/deadline'
import { requireAuthToken } from '../http/upstream'
import { parseJsonBody } from '../http/validate'

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

/**
 * The texts a decision says the page showed must be the ones the page was served (their digest is
 * in the ticket), so its record is the truth about the screen. Checked before anything is claimed.
 */
function checkShown(ticket: ConsentTicket, shown: ShownTexts): void {
  const digest = shownTextsDigest({ language: shown.language, app_name: ticket.an, scopes: shown.scopes })
  if (digest !== ticket.td[shown.language]) {
    throw new ApiFailure(400, 'shown_texts_mismatch', 'The texts this decision names are not the ones this consent page showed. Please reload it.')
  }
}

/** Where a decision sends the person, as its record keeps it: the redirect's host, or the mini program. */
function destination(ticket: ConsentTicket): { redirect_host: string | null; mini_program_name: string | null } {
  if (ticket.wx) return { redirect_host: null, mini_program_name: ticket.an }
  // The ticket's redirect URI passed the redirect check, so it parses; a native app's may have no host.
  return { redirect_host: new URL(ticket.ru).host, mini_program_name: null }
}

export function authorizeRoutes(deps: BffDeps): Hono {
  const app = new Hono()

  /**
   * The verified ticket and who decides. The person is asked for before the ticket is claimed, so
   * a claim's lease still covers one upstream call (the authorize), not this read as well.
   */
  async function decisionRequest(
    c: Context,
    body: { ticket: string; client_id: string; redirect_uri: string; scope?: string | undefined; shown: ShownTexts },
  ): Promise<DecisionRequest> {
    const token = requireAuthToken(c)
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
    const { ticket, sealingKey } = result
    checkShown(ticket, body.shown)
    const user = await c.var.upstream.user()
    return {
      store: deps.store,
      upstream: c.var.upstream,
      deadline: deadlineOf(c),
      ticket,
      sealingKey,
      record: {
        decision: 'authorize',
        user_id: user.id,
        client_id: ticket.cid,
        app_name: ticket.an,
        app_logo: ticket.al,
        ...destination(ticket),
        language: body.shown.language,
        scopes: body.shown.scopes,
        biosamples: [],
      },
    }
  }

  /** The app's own address plus the decision; the address is the one the ticket says upstream validated. */
  function answer(ticket: ConsentTicket, target: string, params: [string, string | undefined][]): DecisionResponse {
    if (ticket.wx) return { wxmp_app_id: ticket.wx, mini_program_path: appendToRedirect(target, params) }
    const check = checkRedirectUri(target, { allowHttp: deps.config.allowHttpRedirects })
    if (!check.ok || target !== ticket.ru) {
      throw new ApiFailure(502, 'upstream_redirect_rejected', 'The platform answered with a redirect address the portal will not use.')
    }
    return { redirect_to: appendToRedirect(target, params) }
  }

  app.post('/oauth2/authorize', async (c) => {
    const body = await parseJsonBody(c, authorizeBodySchema)
    checkState(body.state)
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
    const request = await decisionRequest(c, body)
    if (request.ticket.rs && body.biosample_ids.length === 0) {
      throw new ApiFailure(400, 'biosamples_required', 'Choose at least one sample: this app asks to read sample data.')
    }
    const { ticket } = request
    const decided = await deps.decisions.authorize(request, body.biosample_ids, (granted) =>
      answer(ticket, ticket.wx ? granted.redirect_uri || ticket.ru : ticket.ru, [
        ['code', granted.code],
        ['state', body.state],
      ]),
    )
    return c.json(decided)
  })

  app.post('/oauth2/deny', async (c) => {
    const body = await parseJsonBody(c, denyBodySchema)
    checkState(body.state)
    const request = await decisionRequest(c, body)
    const { ticket } = request
    const denied = answer(ticket, ticket.ru, [
      ['error', 'access_denied'],
      ['state', body.state],
    ])
    return c.json(await deps.decisions.deny({ ...request, record: { ...request.record, decision: 'deny' } }, denied))
  })

  return app
}
