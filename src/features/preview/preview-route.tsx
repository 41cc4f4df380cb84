// Placeholder: the preview feature replaces this module (same export).
import type { QueryClient } from '@tanstack/react-query'
import { Page } from '@/components/ui/page'

export function route(_queryClient: QueryClient) {
  return { Component: PreviewPage }
}

function PreviewPage() {
  return (
    <Page width="wide">
      <h1 className="text-2xl font-semibold">Consent page preview</h1>
      <p className="mt-3">The developer preview is on its way.</p>
    </Page>
  )
}
