import { useTranslation } from '@/lib/i18n'
import { isRouteErrorResponse, Link, useLocation, useRouteError } from 'react-router'
import { Button, buttonClassName } from '@/components/ui/button'
import { Page } from '@/components/ui/page'
import { errorCodeLabel, useErrorRetry } from '@/lib/error-recovery'
import { ApiError } from '@/lib/http'
import { DEFAULT_LOGIN_URL, loginHref } from '@/lib/login'
import { NotFoundPage } from './not-found-page'

type Screen = 'unauthenticated' | 'forbidden' | 'notFound' | 'network' | 'timeout' | 'upstream' | 'generic'

function screenFor(error: unknown): Screen {
  if (isRouteErrorResponse(error)) return error.status === 404 ? 'notFound' : 'generic'
  if (!(error instanceof ApiError)) return 'generic'
  if (error.status === 0) return 'network'
  if (error.status === 401) return 'unauthenticated'
  if (error.status === 403) return 'forbidden'
  if (error.status === 404) return 'notFound'
  if (error.status === 504) return 'timeout'
  if (error.status === 502 || error.status === 503) return 'upstream'
  return 'generic'
}

interface RootErrorBoundaryProps {
  /** When the root layout itself failed: there is no layout around this screen to give it a `<main>`. */
  standalone?: boolean
}

/**
 * Whatever a page's loader or render throws ends here: one screen per kind of failure (STYLE.md
 * "Errors"), in the page's language. Pages handle their own expected errors before this.
 */
export function RootErrorBoundary({ standalone = false }: RootErrorBoundaryProps) {
  const error = useRouteError()
  const screen = <ErrorScreen error={error} />
  if (!standalone) return screen
  return (
    <main id="main" tabIndex={-1}>
      {screen}
    </main>
  )
}

function ErrorScreen({ error }: { error: unknown }) {
  const { t } = useTranslation()
  const location = useLocation()
  const { retry, retrying } = useErrorRetry(error)
  const screen = screenFor(error)

  if (screen === 'notFound') return <NotFoundPage />

  const code = errorCodeLabel(error)

  return (
    <Page>
      <h1 className="text-2xl font-semibold tracking-tight sm:text-3xl">{t(`errors.${screen}.title`)}</h1>
      <p className="mt-3 text-slate-700 dark:text-slate-300">{t(`errors.${screen}.body`)}</p>
      <div className="mt-6 flex flex-wrap gap-3">
        {screen === 'unauthenticated' ? (
          <a
            href={loginHref((error instanceof ApiError && error.loginUrl) || DEFAULT_LOGIN_URL, location.pathname + location.search)}
            className={buttonClassName('primary')}
          >
            {t('errors.unauthenticated.action')}
          </a>
        ) : screen === 'forbidden' ? (
          <Link to="/grants" className={buttonClassName('primary')}>
            {t('common.toGrants')}
          </Link>
        ) : (
          <Button onClick={retry} busy={retrying}>
            {t('common.retry')}
          </Button>
        )}
      </div>
      {code ? <p className="mt-6 text-sm text-slate-600 dark:text-slate-400">{t('common.errorCode', { code })}</p> : null}
    </Page>
  )
}
