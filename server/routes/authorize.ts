import { Hono, type Context } from 'hono'
import { authorizeBodySchema, denyBodySchema, type BiosampleRef, type DecisionResponse } from '../../src/contract/api'
import type { ShownTexts } from '../../src/contract/records'
import { appendToRedirect, checkRedirectUri } from '../../src/contract/redirect'
import { ApiFailure } from '../http/api-failure'
import type { ConsentTicket } from '../consent/ticket'
import { deadlineOf } from '../http/deadline'
import { withRecord, writeDecisionRecord } from '../consent/records'
import type { BffDeps } from '../deps'
import { requireAuthToken } from '../http/upstream'
import { shownTextsDigest } from '../consent/shown-texts'
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

  function checkTicket(c: Context, body: { ticket: string; client_id: string; redirect_uri: string; scope?: string | undefined }) {
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
    return { token, ticket: result.ticket }
  }

  /**
   * Who decides, for the record. Asked before the ticket is claimed, so a claim's lease still
   * covers one upstream call (the authorize), not this read and its retries as well.
   */
  async function userId(c: Context): Promise<string> {
    return (await c.var.upstream.user()).id
  }

  /** The winner's record of its decision, written before the decision is made. */
  function record(userId: string, ticket: ConsentTicket, decision: 'authorize' | 'deny', shown: ShownTexts, biosamples: readonly BiosampleRef[]) {
    return writeDecisionRecord(deps, {
      decision,
      outcome: decision === 'authorize' ? 'granted' : 'denied',
      resolves: null,
      user_id: userId,
      client_id: ticket.cid,
      app_name: ticket.an,
      app_logo: ticket.al,
      ...destination(ticket),
      language: shown.language,
      scopes: shown.scopes,
      biosamples,
    })
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
    const { ticket } = checkTicket(c, body)
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
    checkShown(ticket, body.shown)
    if (ticket.rs && body.biosample_ids.length === 0) {
      throw new ApiFailure(400, 'biosamples_required', 'Choose at least one sample: this app asks to read sample data.')
    }
    const user = await userId(c)
    const answer = await deps.decisions.once(ticket, 'authorize', async () => {
      const written = await record(user, ticket, 'authorize', body.shown, body.biosample_ids)
      // Never retried: each upstream authorize mints a code (SPEC.md "Security").
      const granted = await withRecord(deps, written, () =>
        c.var.upstream.authorize({
          client_id: body.client_id,
          redirect_uri: body.redirect_uri,
          biosample_ids: body.biosample_ids,
        }),
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
    checkShown(ticket, body.shown)
    const user = await userId(c)
    const answer = await deps.decisions.once(ticket, 'deny', async () => {
      const answered = decision(ticket, ticket.ru, [
        ['error', 'access_denied'],
        ['state', body.state],
      ])
      await record(user, ticket, 'deny', body.shown, [])
      return answered
    }, deadlineOf(c))
    return c.json(answer ?? usedElsewhere())
  })

  return app
}
