import { useRouteError } from 'react-router'
import { ErrorScreen } from '@/components/ui/error-screen'
import { NotFoundPage } from './not-found-page'

interface RootErrorBoundaryProps {
  /** When the root layout itself failed: there is no layout around this screen to give it a `<main>`. */
  standalone?: boolean
}

/**
 * Whatever a page's loader or render throws ends here, on the error screen of its kind; a 404
 * from a page's data is the portal's not-found page. Pages handle their own expected errors first.
 */
export function RootErrorBoundary({ standalone = false }: RootErrorBoundaryProps) {
  const error = useRouteError()
  const screen = <ErrorScreen error={error} handlers={{ notFound: () => <NotFoundPage /> }} />
  if (!standalone) return screen
  return (
    <main id="main" tabIndex={-1}>
      {screen}
    </main>
  )
}
