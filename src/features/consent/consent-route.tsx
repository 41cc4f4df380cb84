// Placeholder: the consent feature replaces this module (same export).
import type { QueryClient } from '@tanstack/react-query'
import { Page } from '@/components/ui/page'

export function route(_queryClient: QueryClient) {
  return { Component: ConsentPage }
}

function ConsentPage() {
  return (
    <Page>
      <h1 className="text-2xl font-semibold">Authorize an app</h1>
      <p className="mt-3">The consent page is on its way.</p>
    </Page>
  )
}
