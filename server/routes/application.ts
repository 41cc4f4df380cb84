import { Hono } from 'hono'
import { z } from 'zod'
import type { ApplicationResponse } from '../../src/contract/api'
import { redirectRefusalCode } from '../../src/contract/errors'
import { displayedLogo } from '../../src/contract/logo'
import { checkConsentRequest, grantedScopesOf, unknownScopes } from '../../src/contract/consent-request'
import { checkRedirectUri } from '../../src/contract/redirect'
import { readsSampleData } from '../../src/contract/scopes'
import { ApiFailure } from '../http/api-failure'
import type { BffDeps } from '../deps'
import { expectedDigests } from '../consent/shown-texts'
import { latestAgreed, sinceLastOf } from '../consent/since-last'
import { toApiError } from '../upstream/errors'
import { parseQuery } from '../http/validate'

const querySchema = z.object({
  client_id: z.string().min(1, 'client_id is required'),
  redirect_uri: z.string().min(1, 'redirect_uri is required'),
  scope: z.string().optional(),
  /** The consent page sends it; without `code` the request cannot succeed, so it gets no ticket. */
  response_type: z.string().optional(),
})

const REDIRECT_PROBLEMS = {
  forbidden_scheme: 'This redirect address uses a scheme the portal never redirects to.',
  not_absolute: 'This redirect address is not an absolute URL.',
  http_not_allowed: 'This redirect address uses plain http on a public host; only https is allowed.',
  has_fragment: 'A redirect address may not contain a fragment (#).',
} as const

export function applicationRoutes(deps: BffDeps): Hono {
  const app = new Hono()

  app.get('/oauth2/application', async (c) => {
    const query = parseQuery(c, querySchema)
    const details = { client_id: query.client_id, redirect_uri: query.redirect_uri }
    const params = new URL(c.req.url).searchParams
    // Refused before the upstream hears of it: no app may ever be sent to such an address.
    const before = checkConsentRequest(params)
    if (!before.ok && before.problem.code === 'forbidden_redirect_scheme') {
      throw new ApiFailure(400, redirectRefusalCode('forbidden_scheme'), REDIRECT_PROBLEMS.forbidden_scheme, { details })
    }
    // The person's latest agreement with this app, read from the store while the platform is asked
    // for the app (never after it): only for the consent page of someone signed in, whose decision
    // it will be. The preview sends no response_type and compares nobody's history.
    const token = c.var.upstream.authToken
    const agreed =
      token && query.response_type !== undefined
        ? latestAgreed(deps.store, c.var.upstream.user().then((user) => user.id), query.client_id, { log: deps.log })
        : undefined
    const application = await c.var.upstream
      .application({ client_id: query.client_id, redirect_uri: query.redirect_uri })
      .catch((error: unknown) => {
        // The error page shows the developer which values were refused.
        const mapped = toApiError(error)
        throw new ApiFailure(mapped.status, mapped.code, mapped.message, { upstream_code: mapped.upstream_code, details })
      })
    // Redirects go only to the URI the upstream validated, compared as exact strings.
    if (application.redirect_uri !== query.redirect_uri) {
      throw new ApiFailure(422, 'redirect_uri_mismatch', 'The redirect address does not match the one registered for this app.', {
        details: { ...details, registered: application.redirect_uri },
      })
    }
    if (!application.wxmp_app_id) {
      const check = checkRedirectUri(application.redirect_uri, { allowHttp: deps.config.allowHttpRedirects })
      if (!check.ok) {
        throw new ApiFailure(400, redirectRefusalCode(check.reason), REDIRECT_PROBLEMS[check.reason], { details })
      }
    }

    const registered = application.scopes.map((s) => s.scope)
    const grantedScopes = grantedScopesOf(application.scopes, query.scope, deps.config.upstreamHonoursScope).map(({ scope, title, message, asked }) => ({
      scope,
      title,
      message,
      asked,
    }))

    // No ticket for a request that must end in an error redirect (SPEC.md "Security"): the same
    // check as the consent page's (src/contract/consent-request.ts). The developer preview sends
    // no response_type and never gets one.
    const canSucceed = checkConsentRequest(params, { scopes: registered }).ok
    const previous = token && canSucceed && agreed ? await agreed : undefined
    const ticket =
      token && canSucceed
        ? deps.tickets.issue({
            authToken: token,
            clientId: application.client_id,
            redirectUri: application.redirect_uri,
            scope: query.scope ?? '',
            requiresSamples: grantedScopes.some((s) => readsSampleData(s.scope)),
            wxmpAppId: application.wxmp_app_id,
            // What the page will show, so a decision can be recorded in exactly those words.
            appName: application.name,
            appLogo: displayedLogo(application.logo),
            textDigests: expectedDigests(application, grantedScopes),
            // The receipt this page compares against, for the decision's record; left out when the
            // store did not answer, so the decision looks it up itself.
            previousReceipt: previous === undefined || previous === 'unavailable' ? undefined : (previous?.id ?? null),
          })
        : null

    const body: ApplicationResponse = {
      application: {
        client_id: application.client_id,
        name: application.name,
        logo: application.logo,
        description: application.description,
        redirect_uri: application.redirect_uri,
        client_type: application.client_type,
        wxmp_app_id: application.wxmp_app_id,
        scopes: application.scopes.map(({ scope, title, message }) => ({ scope, title, message })),
      },
      granted_scopes: grantedScopes,
      unknown_scopes: unknownScopes(query.scope, registered),
      ticket,
      ...(ticket !== null && previous !== undefined && { since_last: sinceLastOf(previous, grantedScopes) }),
    }
    return c.json(body)
  })

  return app
}
