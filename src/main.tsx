import '@/app/styles.css'
import { QueryClientProvider } from '@tanstack/react-query'
import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { RouterProvider } from 'react-router/dom'
import { createQueryClient } from '@/app/query-client'
import { createAppRouter } from '@/app/router'
import { startI18n } from '@/lib/i18n'

const queryClient = createQueryClient()
const router = createAppRouter(queryClient)

// A streamed page runs this module while it still arrives (server/page-data.ts): the root element
// comes in the first chunk, but wait for the document should the module ever run before it.
if (!document.getElementById('root') && document.readyState === 'loading') {
  await new Promise((resolve) => document.addEventListener('DOMContentLoaded', resolve, { once: true }))
}
const container = document.getElementById('root')
if (!container) throw new Error('index.html has no #root element')

// The router's loaders already run; the first paint waits only for the reader's catalogue.
void startI18n().then(() =>
  createRoot(container).render(
    <StrictMode>
      <QueryClientProvider client={queryClient}>
        <RouterProvider router={router} />
      </QueryClientProvider>
    </StrictMode>,
  ),
)
