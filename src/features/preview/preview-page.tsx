import { useQuery } from '@tanstack/react-query'
import { useState } from 'react'
import { useSearchParams } from 'react-router'
import type { Decision } from '@/components/consent/consent-actions'
import { AppLogo } from '@/components/ui/app-logo'
import { CONSENT_FIELDS } from '@/contract/page-forms'
import { isDisplayableLogo } from '@/contract/logo'
import { readConsentRequest } from '@/contract/consent-request'
import { applicationQueries, requestKey, type ApplicationRequest } from '@/lib/application'
import { errorCodeLabel, isRetryable } from '@/lib/failure'
import { useTranslation } from '@/lib/i18n'
import { buildChecklist, type LogoLoad } from './checklist'
import { ChecklistView } from './checklist-view'
import { PreviewForm, type PreviewFields } from './preview-form'
import { PreviewPane, type PaneState } from './preview-pane'

/** The request's parameters in the order an app sends them; empty scope or state is left out. */
function searchOf(fields: PreviewFields): URLSearchParams {
  const params = new URLSearchParams({ client_id: fields.clientId, redirect_uri: fields.redirectUri })
  if (fields.scope.trim() !== '') params.set('scope', fields.scope)
  if (fields.state !== '') params.set('state', fields.state)
  return params
}

/** The decision the previewed form sent without script, as a GET to the preview. */
function decidedIn(params: URLSearchParams): Decision | undefined {
  const decision = params.get(CONSENT_FIELDS.decision)
  return decision === 'authorize' || decision === 'deny' ? decision : undefined
}

function fieldsOf(params: URLSearchParams): PreviewFields {
  return {
    clientId: params.get('client_id') ?? '',
    redirectUri: params.get('redirect_uri') ?? '',
    scope: params.get('scope') ?? '',
    state: params.get('state') ?? '',
  }
}

/**
 * The request the preview shows, from its URL: an empty `scope` or `state` (what a form posted
 * without JavaScript sends for an empty field) is left out, as the form does with script.
 */
export function previewParams(params: URLSearchParams): URLSearchParams {
  const kept = new URLSearchParams(params)
  for (const name of ['scope', 'state']) if (kept.get(name) === '') kept.delete(name)
  return kept
}

/**
 * `/developer/preview`: an app's consent page as its users will see it, and a checklist of what
 * would go wrong. Signed out is fine: the application call answers without a ticket, and the
 * preview's buttons never call authorize or deny.
 */
export function PreviewPage() {
  const { t } = useTranslation()
  const [rawParams, setSearchParams] = useSearchParams()
  const searchParams = previewParams(rawParams)
  const parsed = readConsentRequest(searchParams)
  const request = parsed.ok ? parsed.request : null

  return (
    <div className="mx-auto w-full max-w-7xl px-4 py-6 sm:px-6 sm:py-10">
      <h1 className="text-2xl font-semibold tracking-tight sm:text-3xl">{t('preview.heading')}</h1>
      <p className="mt-2 max-w-3xl text-slate-700 dark:text-slate-300">{t('preview.intro')}</p>
      <div className="mt-6 grid gap-8 lg:grid-cols-[minmax(0,24rem)_minmax(0,1fr)] lg:items-start">
        {request ? (
          <RequestPreview
            request={request}
            fields={fieldsOf(searchParams)}
            decided={decidedIn(searchParams)}
            onSubmit={(fields) => setSearchParams(searchOf(fields))}
          />
        ) : (
          <>
            <PreviewForm values={fieldsOf(searchParams)} onSubmit={(fields) => setSearchParams(searchOf(fields))} />
            <PreviewPane pane={{ kind: 'empty' }} />
          </>
        )}
      </div>
    </div>
  )
}

interface RequestPreviewProps {
  request: ApplicationRequest
  fields: PreviewFields
  decided: Decision | undefined
  onSubmit: (fields: PreviewFields) => void
}

function RequestPreview({ request, fields, decided, onSubmit }: RequestPreviewProps) {
  const query = useQuery(applicationQueries.detail('preview', request))
  const [logoResult, setLogoResult] = useState<{ logo: string; load: LogoLoad } | null>(null)

  const logo = query.data?.application.logo.trim() ?? ''
  const logoLoad: LogoLoad = logoResult?.logo === logo ? logoResult.load : 'loading'

  let pane: PaneState
  let checklist = null
  if (query.isPending) {
    pane = { kind: 'loading' }
  } else if (query.isError) {
    const error = query.error
    pane = { kind: 'unavailable', code: errorCodeLabel(error) ?? undefined }
    checklist = (
      <ChecklistView
        items={buildChecklist(request, { kind: 'error', error }, logoLoad)}
        onRetry={isRetryable(error) ? () => void query.refetch() : undefined}
        retrying={query.isFetching}
      />
    )
  } else {
    const answer = query.data
    pane = { kind: 'ready', answer, state: request.state, requestKey: requestKey(request), params: Object.fromEntries(searchOf(fields)), decided }
    checklist = (
      <ChecklistView
        items={buildChecklist(request, { kind: 'ok', data: answer }, logoLoad)}
        logoProbe={
          isDisplayableLogo(logo) && logoLoad !== 'failed' ? (
            // The browser's own answer to "does the logo load": the same request the consent page makes.
            <img
              key={logo}
              src={logo}
              alt=""
              width={32}
              height={32}
              referrerPolicy="no-referrer"
              className="size-8 shrink-0 rounded-lg bg-white object-contain ring-1 ring-slate-200 dark:ring-slate-700"
              // Server-rendered: the logo may have loaded (or failed) before the page hydrated,
              // and then no event comes; the element says so itself.
              ref={(image) => {
                if (image?.complete && logoLoad === 'loading') setLogoResult({ logo, load: image.naturalWidth > 0 ? 'loaded' : 'failed' })
              }}
              onLoad={() => setLogoResult({ logo, load: 'loaded' })}
              onError={() => setLogoResult({ logo, load: 'failed' })}
            />
          ) : (
            <AppLogo name={answer.application.name} logo="" size="sm" />
          )
        }
      />
    )
  }

  return (
    <>
      <div className="grid min-w-0 content-start gap-8">
        <PreviewForm values={fields} onSubmit={onSubmit} />
        {checklist}
      </div>
      <PreviewPane pane={pane} />
    </>
  )
}
