// Where sign-in lives and how people come back from it (SPEC.md: "Sign-in return paths are
// same-origin relative paths only").

/** The sandbox's sign-in; the BFF's 401 envelope carries the configured one as `login_url`. */
export const DEFAULT_LOGIN_URL = '/signin?next={next}'

/** Where a sign-in without a usable `next` lands. */
export const DEFAULT_RETURN_PATH = '/grants'

/**
 * The sign-in URL that brings the user back to `returnPath` (a path on this origin, with its
 * query). A relative template (the sandbox's `/signin`) gets the path itself; a platform sign-in
 * on another origin needs the absolute URL to send the user back here.
 */
export function loginHref(loginUrlTemplate: string, returnPath: string): string {
  const isRelative = loginUrlTemplate.startsWith('/') && !loginUrlTemplate.startsWith('//')
  const next = isRelative ? returnPath : window.location.origin + returnPath
  return loginUrlTemplate.replaceAll('{next}', encodeURIComponent(next))
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

/**
 * A full-page navigation: after signing in or out the session cookie changed, so the next page
 * starts from a new document. One seam so component tests can observe it (jsdom cannot navigate).
 */
export function assignLocation(href: string): void {
  window.location.assign(href)
}
