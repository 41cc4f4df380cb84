import { GrantsPage } from './grants-page'

// For grants-loader.ts, which must not import it itself (see there).
export { recordQueries } from '@/lib/records'

/** `/grants`' page; its loader is `grants-loader.ts`, which the router holds eagerly. */
export function route() {
  return { Component: GrantsPage }
}
