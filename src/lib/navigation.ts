// The page's ways out of the SPA: full-page navigations, one seam so component tests can observe
// them (jsdom cannot navigate).

/**
 * A new document: after signing in or out the session cookie changed, so the next page starts
 * from scratch.
 */
export function assignLocation(href: string): void {
  window.location.assign(href)
}

/**
 * Leaves the portal for the app: `replace`, so Back from the app does not land on a consent page
 * that was already answered.
 */
export function replaceLocation(href: string): void {
  window.location.replace(href)
}
