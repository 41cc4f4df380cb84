// Where the portal may send a user, and how a decision is appended to a redirect URI.
// Shared by the BFF (which decides) and the SPA (which shows and, for invalid_scope, follows).

export type RedirectCheck =
  | { ok: true }
  | { ok: false; reason: 'forbidden_scheme' | 'not_absolute' | 'http_not_allowed' | 'has_fragment' }

const NEVER = new Set(['javascript', 'data', 'vbscript', 'file', 'blob'])
const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i

/** The scheme as a browser would read it: ASCII whitespace and control characters are ignored. */
function schemeOf(uri: string): string | undefined {
  // eslint-disable-next-line no-control-regex -- browsers strip these before parsing a URL
  const cleaned = uri.replace(/[\u0000-\u0020\u007f]/g, '')
  const match = /^([a-z][a-z0-9+.-]*):/i.exec(cleaned)
  return match?.[1]?.toLowerCase()
}

/** True for schemes no redirect may ever use, in any case and with any whitespace. */
export function hasForbiddenScheme(uri: string): boolean {
  const scheme = schemeOf(uri)
  return scheme !== undefined && NEVER.has(scheme)
}

/**
 * Whether a web app's redirect URI may receive a decision: https anywhere; http on loopback
 * hosts (or everywhere when allowed); private-use reverse-domain schemes for native apps
 * (RFC 8252 §7.1, a scheme with a dot such as `com.example.app:`).
 */
export function checkRedirectUri(uri: string, opts: { allowHttp: boolean }): RedirectCheck {
  if (hasForbiddenScheme(uri)) return { ok: false, reason: 'forbidden_scheme' }
  // Control characters and spaces never belong in a redirect URI.
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0020\u007f]/.test(uri)) return { ok: false, reason: 'forbidden_scheme' }
  const scheme = schemeOf(uri)
  if (scheme === undefined) return { ok: false, reason: 'not_absolute' }
  let url: URL
  try {
    url = new URL(uri)
  } catch {
    return { ok: false, reason: 'not_absolute' }
  }
  // RFC 6749 §3.1.2: the redirection endpoint URI MUST NOT include a fragment component.
  if (uri.includes('#')) return { ok: false, reason: 'has_fragment' }
  if (scheme === 'https') return url.hostname ? { ok: true } : { ok: false, reason: 'not_absolute' }
  if (scheme === 'http') {
    if (!url.hostname) return { ok: false, reason: 'not_absolute' }
    return opts.allowHttp || LOOPBACK.test(url.hostname) ? { ok: true } : { ok: false, reason: 'http_not_allowed' }
  }
  if (scheme.includes('.')) return { ok: true }
  return { ok: false, reason: 'forbidden_scheme' }
}

/**
 * Appends the decision to the redirect URI, keeping its own query: `code` (or `error`) and then
 * `state`, each percent-encoded so that the app reads back exactly the bytes it sent.
 */
export function appendToRedirect(
  redirectUri: string,
  params: ReadonlyArray<readonly [string, string | undefined]>,
): string {
  const query = params
    .filter((entry): entry is readonly [string, string] => entry[1] !== undefined)
    .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(value)}`)
    .join('&')
  if (!query) return redirectUri
  const separator = !redirectUri.includes('?') ? '?' : /[?&]$/.test(redirectUri) ? '' : '&'
  return `${redirectUri}${separator}${query}`
}
