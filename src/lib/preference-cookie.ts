// A reader's preference the BFF renders pages with (language, time zone): a cookie the page writes,
// kept for a year, sent with every page request.

const ONE_YEAR_S = 60 * 60 * 24 * 365

/** Remembers `value` under `name` for the whole portal. Browser only (an effect or event handler). */
export function rememberPreference(name: string, value: string): void {
  const secure = window.location.protocol === 'https:' ? '; Secure' : ''
  document.cookie = `${name}=${encodeURIComponent(value)}; Path=/; Max-Age=${ONE_YEAR_S}; SameSite=Lax${secure}`
}
