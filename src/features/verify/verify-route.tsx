import { VerifyPage } from './verify-page'

/**
 * `/verify`: anyone holding a receipt checks it here, signed out too. No loader: nothing is read
 * until a file is given (the portal's keys, then).
 */
export function route() {
  return { Component: VerifyPage }
}
