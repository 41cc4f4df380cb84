// Which app logos the portal shows: upstream logo URLs are untrusted (SPEC.md "Security"). One rule
// for the pages that show a logo and the BFF that records the logo a person was shown. Browser-safe.

/** Whether a logo URL may be shown: https anywhere, or a path on the portal's own origin. */
export function isDisplayableLogo(logo: string): boolean {
  const value = logo.trim()
  if (value.startsWith('/')) return !value.startsWith('//') && !value.includes('\\')
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
