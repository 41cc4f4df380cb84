import type { QueryClient } from '@tanstack/react-query'
import { signInQueries } from './api'
import { SignInPage } from './signin-page'

export function route(queryClient: QueryClient) {
  return {
    Component: SignInPage,
    loader: async () => {
      await queryClient.ensureQueryData(signInQueries.sandboxUsers())
      return null
    },
  }
}
