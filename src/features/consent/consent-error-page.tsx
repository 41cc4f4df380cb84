import { useRouteError } from 'react-router'
import { ErrorScreen } from '@/components/ui/error-screen'
import { Page } from '@/components/ui/page'
import type { ApiErrorCode } from '@/contract/errors'
import { byCode, errorCodeLabel } from '@/lib/failure'
import { ApiError } from '@/lib/http'
import { useTranslation } from '@/lib/i18n'
import { ConsentRequestError } from './consent-loader'

/**
 * Refusals about the request itself: explained on the portal, never redirected (SPEC.md "Consent
 * page"). Their texts are the catalogue's `problems` section, which the loader fetches first.
 */
const REQUEST_PROBLEMS = {
  missing_parameters: 'missingParameters',
  duplicate_parameter: 'duplicateParameter',
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
} as const satisfies Partial<Record<ApiErrorCode, string>>

type RequestProblem = (typeof REQUEST_PROBLEMS)[keyof typeof REQUEST_PROBLEMS]

/** The consent route's error element: a bad request explained, else the error screen every page has. */
export function ConsentErrorPage() {
  const error = useRouteError()
  if (error instanceof ConsentRequestError || error instanceof ApiError) {
    const problem = byCode<RequestProblem>(REQUEST_PROBLEMS, error.code)
    if (problem) return <RequestProblemPage problem={problem} code={errorCodeLabel(error) ?? error.code} details={error.details ?? {}} />
  }
  return <ErrorScreen error={error} />
}

function RequestProblemPage({ problem, code, details }: { problem: RequestProblem; code: string; details: Record<string, string> }) {
  const { t } = useTranslation()
  return (
    <Page>
      <h1 className="text-2xl font-semibold tracking-tight sm:text-3xl">{t(`problems.${problem}.title`)}</h1>
      <p className="mt-3 text-slate-700 dark:text-slate-300">{t(`problems.${problem}.body`)}</p>
      <p className="mt-3 text-slate-700 dark:text-slate-300">{t('problems.nothingShared')}</p>
      <section className="mt-8 rounded-xl border border-slate-200 bg-white px-4 py-4 dark:border-slate-800 dark:bg-slate-900">
        <h2 className="font-semibold">{t('problems.forDevelopers')}</h2>
        <dl className="mt-2 grid grid-cols-[auto_minmax(0,1fr)] gap-x-4 gap-y-1 text-sm">
          <dt className="text-slate-600 dark:text-slate-400">{t('problems.code')}</dt>
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
