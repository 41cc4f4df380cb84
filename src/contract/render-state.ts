// Where a server-rendered page keeps the state the browser hydrates from (src/app/hydration.ts):
// import-free, so the BFF and the browser journeys read it too.

/** The element's id; `type="application/json"`, so the CSP's `script-src 'self'` stays as it is. */
export const RENDER_STATE_ID = 'bge-render-state'

/** The shape's version: a page from a server that wrote another one reloads rather than misreads. */
export const RENDER_STATE_VERSION = 1

/**
 * JSON that stays inside its element whatever the upstream wrote: `</script>` or `<!--` cannot
 * end it or open markup, and U+2028/2029 stay escaped for any reader that treats it as script.
 * Each of these characters only occurs inside JSON strings, where `\uXXXX` means the same.
 */
export function escapeJsonForHtml(json: string): string {
  return json.replace(/[<>&\u2028\u2029]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`)
}

/** The element itself, for the BFF to put after `#root`; `state` is src/app/hydration.ts's RenderState. */
export function renderStateElement(state: unknown): string {
  return `<script type="application/json" id="${RENDER_STATE_ID}">${escapeJsonForHtml(JSON.stringify(state))}</script>`
}
