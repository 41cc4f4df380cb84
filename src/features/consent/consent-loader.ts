import type { QueryClient } from '@tanstack/react-query'
import type { ApplicationResponse } from '@/contract/api'
import type { ApiErrorCode } from '@/contract/errors'
import { replace } from 'react-router'
import { checkConsentRequest } from '@/contract/consent-request'
import { appendToRedirect } from '@/contract/redirect'
import { applicationQueries, type ApplicationRequest } from '@/lib/application'
import { biosampleQueries } from '@/lib/biosamples'
import { isUnauthenticated } from '@/lib/failure'
import { ApiError } from '@/lib/http'
import { loadCatalogueSection } from '@/lib/i18n'
import { sessionQueries, signInRedirect, type SignInSettings } from '@/lib/session'
import { consentQueries } from './api'

/**
 * A request the portal will not act on, found before asking anyone (a parameter given twice,
 * missing parameters, a forbidden redirect scheme): the page explains it on the portal's own origin.
 */
export class ConsentRequestError extends Error {
  override readonly name = 'ConsentRequestError'
  constructor(
    readonly code: ApiErrorCode,
    readonly details: Record<string, string>,
  ) {
    super(code)
  }
}

export type ConsentLoaderData = { kind: 'ready'; request: ApplicationRequest }

/**
 * Validates the request, then asks for everything the page shows at once (SPEC.md: never one
 * after another). The order of the answers' checks is the order of OAuth's: client and redirect
 * first (an error page on the portal, never a redirect, signed in or not), then who is signed in,
 * then the request itself (redirected to the app with `state`). Signed out, even a request that can
 * only end in an error goes to sign-in first: a link must not bounce the browser to the app, with
 * the app's `state`, without the person ever having signed in here (RFC 9700 §4.11.2).
 */
export async function loadConsent(queryClient: QueryClient, url: URL, signIn: SignInSettings): Promise<ConsentLoaderData> {
  try {
    return await checkAndLoad(queryClient, url, signIn)
  } catch (error) {
    // A refused request is explained with the catalogue's `problems` texts (consent-error-page.tsx):
    // fetched with the refusal rather than by every consent page, whose first load has no room.
    if (error instanceof ConsentRequestError || (error instanceof ApiError && error.status >= 400 && error.status < 500)) {
      await loadCatalogueSection('problems').catch(() => undefined)
    }
    throw error
  }
}

async function checkAndLoad(queryClient: QueryClient, url: URL, signIn: SignInSettings): Promise<ConsentLoaderData> {
  // The request's own validity, decided by the one check the BFF makes too (src/contract/consent-request.ts).
  const parsed = checkConsentRequest(url.searchParams)
  if (!parsed.ok) throw new ConsentRequestError(parsed.problem.code, parsed.problem.details)
  const { request } = parsed

  const [session, application, biosamples, grant] = await Promise.allSettled([
    queryClient.ensureQueryData(sessionQueries.current()),
    queryClient.ensureQueryData(applicationQueries.detail('consent', request)),
    queryClient.ensureQueryData(biosampleQueries.list()),
    queryClient.ensureQueryData(consentQueries.grant(request.clientId)),
  ])
  const returnPath = url.pathname + url.search

  if (application.status === 'rejected') {
    if (isUnauthenticated(application.reason)) throw signInRedirect(returnPath, signIn)
    throw application.reason
  }
  // Nobody known to be signed in (a platform fault included): no redirect to the app yet.
  if (session.status === 'rejected') {
    if (isUnauthenticated(session.reason)) throw signInRedirect(returnPath, signIn)
    throw session.reason
  }
  const checked = checkConsentRequest(url.searchParams, { scopes: application.value.application.scopes.map((s) => s.scope) })
  if (!checked.ok) {
    const { problem } = checked
    throw problem.answer === 'app' ? refusal(application.value, request, problem.code) : new ConsentRequestError(problem.code, problem.details)
  }

  const failures = [biosamples, grant].flatMap((result) => (result.status === 'rejected' ? [result.reason as unknown] : []))
  if (failures.some(isUnauthenticated)) throw signInRedirect(returnPath, signIn)
  if (failures.length > 0) throw failures[0]
  return { kind: 'ready', request }
}

/**
 * RFC 6749 §4.1.2.1: once the redirect URI is trusted, request errors go back to the app, as the
 * HTTP redirect the server answers with (a replace in the browser: Back does not return here).
 */
function refusal(answer: ApplicationResponse, request: ApplicationRequest, error: 'unsupported_response_type' | 'invalid_scope'): Error | Response {
  // A mini program's redirect URI is a page path inside WeChat, not somewhere a browser can go.
  if (answer.application.wxmp_app_id) {
    return new ConsentRequestError(error, { client_id: request.clientId, redirect_uri: request.redirectUri })
  }
  return replace(
    appendToRedirect(answer.application.redirect_uri, [
      ['error', error],
      ['state', request.state],
    ]),
  )
}
