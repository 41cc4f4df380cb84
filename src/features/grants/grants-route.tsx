// Placeholder: the grants feature replaces this module (same export).
import type { QueryClient } from '@tanstack/react-query'
import { Page } from '@/components/ui/page'

export function route(_queryClient: QueryClient) {
  return { Component: GrantsPage }
}

function GrantsPage() {
  return (
    <Page width="wide">
      <h1 className="text-2xl font-semibold">My authorizations</h1>
      <p className="mt-3">The list of apps you authorized is on its way.</p>
    </Page>
  )
}
