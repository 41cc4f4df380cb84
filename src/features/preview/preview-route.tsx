import { PreviewPage } from './preview-page'

/**
 * The developer preview. No loader: nothing is needed before the form shows, and the app's
 * failures belong in the checklist, not in a route error screen.
 */
export function route() {
  return { Component: PreviewPage }
}
