import { GrantsPage } from './grants-page'

/** `/grants`' page; its loader is `grants-loader.ts`, which the router holds eagerly. */
export function route() {
  return { Component: GrantsPage }
}
