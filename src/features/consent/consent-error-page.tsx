import { useTranslation } from '@/lib/i18n'
import { useLocation, useRouteError } from 'react-router'
import { Button, buttonClassName } from '@/components/ui/button'
import { Page } from '@/components/ui/page'
import { errorCodeLabel, useErrorRetry } from '@/lib/error-recovery'
import { ApiError } from '@/lib/http'
import { ConsentRequestError, signInHref } from './consent-loader'

/** Refusals about the request itself: explained on the portal, never redirected (SPEC.md "Consent page"). */
const REQUEST_PROBLEMS = {
  missing_parameters: 'missingParameters',
  invalid_request: 'missingParameters',
  invalid_client: 'unknownApp',
  redirect_uri_not_registered: 'redirectNotRegistered',
  redirect_uri_mismatch: 'redirectMismatch',
  application_blocked: 'blocked',
  forbidden_redirect_scheme: 'forbiddenScheme',
  redirect_uri_not_absolute: 'badRedirect',
  redirect_uri_http_not_allowed: 'badRedirect',
  redirect_uri_has_fragment: 'badRedirect',
  unsupported_response_type: 'badRequest',
  invalid_scope: 'badRequest',
} as const

type RequestProblem = (typeof REQUEST_PROBLEMS)[keyof typeof REQUEST_PROBLEMS]

function requestProblemOf(code: string): RequestProblem | undefined {
  return Object.hasOwn(REQUEST_PROBLEMS, code) ? REQUEST_PROBLEMS[code as keyof typeof REQUEST_PROBLEMS] : undefined
}

/** The consent route's error element: a bad request, or a failure to load the page (with a retry). */
export function ConsentErrorPage() {
  const error = useRouteError()
  if (error instanceof ConsentRequestError || error instanceof ApiError) {
    const problem = requestProblemOf(error.code)
    if (problem) {
      return <RequestProblemPage problem={problem} code={errorCodeLabel(error) ?? error.code} details={error.details ?? {}} />
    }
  }
  return <LoadFailurePage error={error} />
}

function RequestProblemPage({ problem, code, details }: { problem: RequestProblem; code: string; details: Record<string, string> }) {
  const { t } = useTranslation()
  return (
    <Page>
      <h1 className="text-2xl font-semibold tracking-tight sm:text-3xl">{t(`consent.problems.${problem}.title`)}</h1>
      <p className="mt-3 text-slate-700 dark:text-slate-300">{t(`consent.problems.${problem}.body`)}</p>
      <p className="mt-3 text-slate-700 dark:text-slate-300">{t('consent.problems.nothingShared')}</p>
      <section className="mt-8 rounded-xl border border-slate-200 bg-white px-4 py-4 dark:border-slate-800 dark:bg-slate-900">
        <h2 className="font-semibold">{t('consent.problems.forDevelopers')}</h2>
        <dl className="mt-2 grid grid-cols-[auto_minmax(0,1fr)] gap-x-4 gap-y-1 text-sm">
          <dt className="text-slate-600 dark:text-slate-400">{t('consent.problems.code')}</dt>
          <dd className="font-mono break-all">{code}</dd>
          {Object.entries(details).map(([name, value]) => (
            <div key={name} className="contents">
              <dt className="font-mono text-slate-600 dark:text-slate-400">{name}</dt>
              <dd className="font-mono break-all">{value}</dd>
            </div>
          ))}
        </dl>
      </section>
    </Page>
  )
}

type Failure = 'network' | 'timeout' | 'upstream' | 'generic'

function failureOf(error: unknown): Failure {
  if (!(error instanceof ApiError)) return 'generic'
  if (error.status === 0) return 'network'
  if (error.status === 504) return 'timeout'
  if (error.status >= 500) return 'upstream'
  return 'generic'
}

function LoadFailurePage({ error }: { error: unknown }) {
  const { t } = useTranslation()
  const location = useLocation()
  const { retry, retrying } = useErrorRetry(error)
  const failure = failureOf(error)
  const code = errorCodeLabel(error)

  return (
    <Page>
      <h1 className="text-2xl font-semibold tracking-tight sm:text-3xl">{t(`consent.failure.${failure}.title`)}</h1>
      <p className="mt-3 text-slate-700 dark:text-slate-300">{t(`consent.failure.${failure}.body`)}</p>
      <div className="mt-6 flex flex-wrap gap-3">
        {error instanceof ApiError && error.status === 401 ? (
          <a href={signInHref(error, location.pathname + location.search)} className={buttonClassName('primary')}>
            {t('errors.unauthenticated.action')}
          </a>
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
