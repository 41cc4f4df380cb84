// The app itself, loaded by the entry (src/main.tsx) once the page the BFF painted, if any, is on
// screen.
import { QueryClientProvider } from '@tanstack/react-query'
import { startTransition, StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { RouterProvider } from 'react-router/dom'
import { createQueryClient } from '@/app/query-client'
import { createAppRouter } from '@/app/router'
import { startI18n } from '@/lib/i18n'

/** `firstPaint` finds the page the BFF painted (src/prepaint.tsx), when there is one. */
export async function start(firstPaint: () => HTMLElement | null): Promise<void> {
  const queryClient = createQueryClient()
  const router = createAppRouter(queryClient)

  // A streamed page may run this while it still arrives (server/pages/page-data.ts): the root element
  // comes in the first chunk, but wait for the document should this ever run before it.
  if (!document.getElementById('root') && document.readyState === 'loading') {
    await new Promise((resolve) => document.addEventListener('DOMContentLoaded', resolve, { once: true }))
  }
  const container = document.getElementById('root')
  if (!container) throw new Error('index.html has no #root element')

  /** The first page's loaders have settled (their answers come with the page, src/lib/page-data.ts). */
  const initialized = new Promise<unknown>((resolve) => (router.state.initialized ? resolve(0) : router.subscribe((state) => state.initialized && resolve(0))))

  // The router's loaders already run; the first render waits only for the reader's catalogue. When
  // the BFF has painted the page, that stays until the page can take its place whole, never a
  // skeleton in between: the whole page is rendered in a transition, in slices that leave the
  // phone's main thread free for input, and committed at once. styles.css hides the first paint
  // from that commit on (as one painted after this ran), and it goes in the same task.
  await startI18n()
  const painted = firstPaint()
  if (painted) await initialized
  new MutationObserver((_, observer) => {
    if (!container.firstChild) return
    observer.disconnect()
    void initialized.then(() => firstPaint()?.remove())
  }).observe(container, { childList: true })
  const root = createRoot(container)
  const app = (
    <StrictMode>
      <QueryClientProvider client={queryClient}>
        <RouterProvider router={router} />
      </QueryClientProvider>
    </StrictMode>
  )
  if (painted) startTransition(() => root.render(app))
  else root.render(app)
}
