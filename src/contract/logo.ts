// Which app logos the portal shows: upstream logo URLs are untrusted (SPEC.md "Security"). One rule
// for the pages that show a logo and the BFF that records the logo a person was shown. Browser-safe.

/** The portal's own origin stands in as this placeholder: the rule must give the same answer in the BFF and every page. */
const PORTAL_BASE = 'https://portal.invalid'

/** Where the embedded sandbox (server/app.ts) serves what its fixtures name; no other same-origin path is an image. */
const SANDBOX_PREFIX = '/sandbox/'

/**
 * A path that stays under the sandbox once a browser has resolved it. Parsed, not compared as a
 * prefix: `/sandbox/../api/x`, `/sandbox/%2e%2e/api`, `//evil.example/x`, `/\evil.example` and a
 * tab inside `//` all resolve elsewhere. Escaped slashes, backslashes and dots are refused too, as
 * a server that decodes them before routing would see another path than the URL parser did.
 */
function isSandboxPath(path: string): boolean {
  if (/%(2f|5c|2e)/i.test(path)) return false
  let url: URL
  try {
    url = new URL(path, PORTAL_BASE)
  } catch {
    return false
  }
  return url.origin === PORTAL_BASE && url.pathname.startsWith(SANDBOX_PREFIX) && url.username === '' && url.password === ''
}

/** Whether a logo URL may be shown: https anywhere, or a path under the portal's own sandbox. */
export function isDisplayableLogo(logo: string): boolean {
  const value = logo.trim()
  if (value.startsWith('/')) return isSandboxPath(value)
  try {
    return new URL(value).protocol === 'https:'
  } catch {
    return false
  }
}

/** The logo a page shows for this upstream value: the trimmed URL, or '' when it shows a monogram instead. */
export function displayedLogo(logo: string): string {
  const value = logo.trim()
  return isDisplayableLogo(value) ? value : ''
}
