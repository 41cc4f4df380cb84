import type { ReactNode } from 'react'
import { Link, useLocation } from 'react-router'
import { Button, buttonClassName } from '@/components/ui/button'
import { Page } from '@/components/ui/page'
import { PAGE_ROUTES } from '@/contract/routes'
import { errorCodeLabel, failureKind, useErrorRetry, type FailureKind } from '@/lib/failure'
import { useTranslation } from '@/lib/i18n'
import { useSignInHref } from '@/lib/session'

/** A screen of its own for some kinds of failure (as Epic Stack's `GeneralErrorBoundary` takes `statusHandlers`). */
export type FailureHandlers = Partial<Record<FailureKind, (error: unknown) => ReactNode>>

interface ErrorScreenProps {
  error: unknown
  handlers?: FailureHandlers
}

/**
 * A failure that stops a page, one screen per kind (STYLE.md "Errors"), in the page's language:
 * what happened, the way forward (sign in, go to the grants, or try again) and the code for
 * support. `handlers` replace the screen of the kinds they name.
 */
export function ErrorScreen({ error, handlers }: ErrorScreenProps) {
  const kind = failureKind(error)
  const handler = handlers?.[kind]
  if (handler) return handler(error)
  // Without a handler a missing page is one more thing that went wrong.
  return <StandardScreen error={error} kind={kind === 'notFound' ? 'generic' : kind} />
}

function StandardScreen({ error, kind }: { error: unknown; kind: Exclude<FailureKind, 'notFound'> }) {
  const { t } = useTranslation()
  const location = useLocation()
  const signInHref = useSignInHref()
  const { retry, retrying } = useErrorRetry(error)
  const code = errorCodeLabel(error)

  return (
    <Page>
      <h1 className="text-2xl font-semibold tracking-tight sm:text-3xl">{t(`errors.${kind}.title`)}</h1>
      <p className="mt-3 text-slate-700 dark:text-slate-300">{t(`errors.${kind}.body`)}</p>
      <div className="mt-6 flex flex-wrap gap-3">
        {kind === 'unauthenticated' ? (
          <a href={signInHref(location.pathname + location.search)} className={buttonClassName('primary')}>
            {t('errors.unauthenticated.action')}
          </a>
        ) : kind === 'forbidden' ? (
          <Link to={PAGE_ROUTES.grants.path} className={buttonClassName('primary')}>
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
