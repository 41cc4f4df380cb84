// Who is signed in, and the ways in and out: the one place that knows where sign-in lives, how
// people come back from it (SPEC.md: "Sign-in return paths are same-origin relative paths only")
// and what signing in or out does to the page.
import { mutationOptions, queryOptions } from '@tanstack/react-query'
import { createContext, useContext } from 'react'
import { replace } from 'react-router'
import { apiGet, apiSend } from '@/lib/http'
import { assignLocation } from '@/lib/navigation'

/** The sandbox's sign-in: where sign-in lives when index.html does not say (component tests, a bare dev server). */
export const DEFAULT_LOGIN_URL = '/signin?next={next}'

/** Where a sign-in without a usable `next` lands, and where signing out comes back to. */
export const DEFAULT_RETURN_PATH = '/grants'

/**
 * Where sign-in lives and where this portal is: the BFF's configured `LOGIN_URL`, a template with
 * `{next}`, and the portal's origin as the browser sees it. The server render gets them from the
 * BFF and hands them to the browser with the page (src/app/hydration.ts).
 */
export interface SignInSettings {
  loginUrl: string
  origin: string
}

/** For render code: the page's settings (src/entry-server.tsx and src/start.tsx provide them). */
const SignInContext = createContext<SignInSettings | undefined>(undefined)
export const SignInSettingsProvider = SignInContext.Provider

/** The page's settings in the browser, set once at start (src/start.tsx). */
let browserSettings: SignInSettings | undefined

export function setBrowserSignInSettings(settings: SignInSettings): void {
  browserSettings = settings
}

/** Browser code only (event handlers): the settings the page started with. */
function inBrowser(): SignInSettings {
  return browserSettings ?? { loginUrl: DEFAULT_LOGIN_URL, origin: window.location.origin }
}

/**
 * The sign-in URL that brings the user back to `returnPath` (a path on this origin, with its
 * query). A relative template (the sandbox's `/signin`) gets the path itself; a platform sign-in
 * on another origin needs the absolute URL to send the user back here.
 */
export function loginHref(template: string, returnPath: string, origin: string): string {
  const isRelative = template.startsWith('/') && !template.startsWith('//')
  const next = isRelative ? returnPath : origin + returnPath
  return template.replaceAll('{next}', encodeURIComponent(next))
}

/**
 * This portal's sign-in, coming back to `returnPath`: every sign-in link and redirect is built
 * here. Without `settings`, the browser's (for event handlers; render code uses `useSignInHref`).
 */
export function signInHref(returnPath: string, settings: SignInSettings = inBrowser()): string {
  return loginHref(settings.loginUrl, returnPath, settings.origin)
}

/** `signInHref` for render code, the same on the server and in the browser. */
export function useSignInHref(): (returnPath: string) => string {
  const settings = useContext(SignInContext)
  return (returnPath) => signInHref(returnPath, settings ?? inBrowser())
}

/**
 * What a route loader throws when a request answered 401: straight to sign-in, which comes back
 * to `returnPath`. An HTTP redirect when the server renders the page; in the browser a replace,
 * so Back from the sign-in page does not land on a page that bounces there again (a sign-in on
 * another origin becomes a full-page `location.replace`).
 */
export function signInRedirect(returnPath: string, settings: SignInSettings): Response {
  return replace(signInHref(returnPath, settings))
}

// Control characters and whitespace, which URL parsers strip or treat specially (`/\t/evil`
// becomes `//evil`), and backslashes, which browsers read as slashes (`/\evil` is `//evil`).
// eslint-disable-next-line no-control-regex
const UNSAFE_CHARACTERS = /[\u0000-\u0020\u007f-\u009f\\]/

/**
 * `next` when it is a path on this origin (`/x`, not `//x`, `/\x` or `https://x`), else the
 * default return path. The only thing allowed to feed a post-sign-in navigation.
 */
export function safeNextPath(next: string | null | undefined): string {
  if (!next || next.length > 2048 || !next.startsWith('/') || next.startsWith('//') || UNSAFE_CHARACTERS.test(next)) {
    return DEFAULT_RETURN_PATH
  }
  // Belt and braces: whatever the checks above missed, the URL parser must agree it stays here.
  const base = 'https://portal.invalid'
  try {
    if (new URL(next, base).origin !== base) return DEFAULT_RETURN_PATH
  } catch {
    return DEFAULT_RETURN_PATH
  }
  return next
}

export const sessionQueries = {
  all: () => ['session'] as const,
  /** Who is signed in; fails with ApiError 401 when nobody is. */
  current: () =>
    queryOptions({
      queryKey: [...sessionQueries.all(), 'current'],
      // No abort signal: a remounted header (first-load fallback → layout) then joins the
      // request in flight instead of cancelling it and asking again.
      queryFn: ({ client }) => apiGet('/api/session', (s) => s.sessionSchema, { client }),
    }),
}

export const sessionMutations = {
  /** Sandbox sign-in as a fixture user (the BFF sets the session cookie), then on to `next`. */
  signIn: (next: string | null) =>
    mutationOptions({
      mutationKey: [...sessionQueries.all(), 'sign-in'],
      mutationFn: (userId: string) => apiSend('POST', '/api/session', { user_id: userId }, (s) => s.sessionSchema),
      // A new document: everything the old one fetched belonged to somebody else.
      onSuccess: () => assignLocation(safeNextPath(next)),
    }),
  /**
   * Clears the session cookie and goes to sign-in, coming back to `returnPath`. A new document:
   * everything this one fetched goes with it. (Clearing the cache first would make the page's
   * mounted queries ask again, signed out, and show an error screen until the sign-in page loads.)
   */
  signOut: (returnPath: string) =>
    mutationOptions({
      mutationKey: [...sessionQueries.all(), 'sign-out'],
      mutationFn: () => apiSend('DELETE', '/api/session', undefined, null),
      onSuccess: () => assignLocation(signInHref(returnPath)),
    }),
}
