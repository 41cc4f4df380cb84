import { useMutation, useQueryClient, useSuspenseQuery } from '@tanstack/react-query'
import { useEffect, useRef, useState } from 'react'
import { useTranslation } from '@/lib/i18n'
import { Link, useActionData, useLoaderData, useLocation } from 'react-router'
import { returnTargetOf } from '@/components/consent/app-summary'
import type { Decision } from '@/components/consent/consent-actions'
import { ConsentView } from '@/components/consent/consent-view'
import { Alert } from '@/components/ui/alert'
import { Button } from '@/components/ui/button'
import { Page } from '@/components/ui/page'
import { Spinner } from '@/components/ui/spinner'
import type { Biosample, Grant } from '@/contract/api'
import type { ApiErrorCode } from '@/contract/errors'
import { CONSENT_FIELDS, type FormActionData } from '@/contract/page-forms'
import { PAGE_ROUTES } from '@/contract/routes'
import { applicationQueries, requestKey, type ApplicationRequest } from '@/lib/application'
import { biosampleQueries } from '@/lib/biosamples'
import { errorCodeLabel, failureKind, isUnauthenticated } from '@/lib/failure'
import { ApiError } from '@/lib/http'
import { assignLocation, replaceLocation } from '@/lib/navigation'
import { sessionMutations, sessionQueries, signInHref } from '@/lib/session'
import { authorize, consentQueries, deny } from './api'
import { handOffToMiniProgram } from './browser'
import type { ConsentLoaderData } from './consent-loader'
import { useSelectionStore, useStoredFlows } from './selection-store'
import { useOnline } from './use-online'
import { UpstreamMessage } from '@/components/ui/upstream-text'

/** After a decision: on the way to the app, handed to the mini program, or the user must go back themselves. */
type Outcome = 'leaving' | 'miniProgramHandedOff' | 'returnToMiniProgram'

export function ConsentPage() {
  const data = useLoaderData<ConsentLoaderData>()
  // The page again after its form was posted without script (src/lib/form-action.ts): why the
  // decision was refused, or that a mini program's decision was made.
  const posted = useActionData<FormActionData>()
  return <ConsentForm request={data.request} posted={posted} />
}

/** On the way back to the app, which is at `host` when it is a web app. */
function Leaving({ host }: { host?: string }) {
  const { t } = useTranslation()
  return (
    <Page>
      <p role="status" className="flex items-center gap-3 text-slate-700 dark:text-slate-300">
        <Spinner className="size-5 text-brand-600 dark:text-brand-100" />
        {host ? t('consent.leaving.toHost', { host }) : t('consent.leaving.toApp')}
      </p>
    </Page>
  )
}

/** The grant's samples that the user still has: what the form starts with when they already granted. */
function grantedSelection(grant: Grant | null, biosamples: Biosample[]): string[] {
  if (!grant) return []
  const granted = new Set(grant.biosample_ids.map((ref) => ref.biosample_id))
  return biosamples.map((sample) => sample.biosample_id).filter((id) => granted.has(id))
}

function ConsentForm({ request, posted }: { request: ApplicationRequest; posted: FormActionData | undefined }) {
  const { t, language } = useTranslation()
  const queryClient = useQueryClient()
  const location = useLocation()
  const returnPath = location.pathname + location.search
  const { data: session } = useSuspenseQuery(sessionQueries.current())
  const applicationQuery = applicationQueries.detail('consent', request)
  const { data: answer } = useSuspenseQuery(applicationQuery)
  const { data: samples } = useSuspenseQuery(biosampleQueries.list())
  const { data: grant } = useSuspenseQuery(consentQueries.grant(request.clientId))
  const { application } = answer
  const biosamples = samples.biosamples

  const flow = requestKey(request)
  const stored = useSelectionStore((state) => state.flows[flow])
  const setSelected = useSelectionStore((state) => state.setSelected)
  const markDecided = useSelectionStore((state) => state.markDecided)
  const clearDecided = useSelectionStore((state) => state.clearDecided)
  useStoredFlows()
  const known = new Set(biosamples.map((sample) => sample.biosample_id))
  // A refused form, or "Show all" without script, keeps what was chosen; otherwise what the person chose here, else the grant's.
  const postedSelection = posted?.kind === 'refused' || posted?.kind === 'allSamplesShown' ? posted.selected : undefined
  const selected = stored?.selected?.filter((id) => known.has(id)) ?? postedSelection?.filter((id) => known.has(id)) ?? grantedSelection(grant, biosamples)

  const online = useOnline()
  const inFlight = useRef(false)
  const [pending, setPending] = useState<Decision | null>(null)
  const [outcome, setOutcome] = useState<Outcome | null>(null)
  const [failure, setFailure] = useState<{ decision: Decision; separateConsent: boolean; error: unknown } | null>(null)
  // "Not you?": sign out, then sign in as someone else and come back to this request.
  const switchAccount = useMutation(sessionMutations.signOut(returnPath))
  const switching = switchAccount.isPending || switchAccount.isSuccess
  const [reviewing, setReviewing] = useState(false)
  const returnTo = returnTargetOf(application)

  // Back from the app into a page the browser kept (bfcache): it must not look mid-decision, nor
  // decide again; the answered state below takes over.
  useEffect(() => {
    function onPageShow(event: PageTransitionEvent) {
      if (!event.persisted) return
      inFlight.current = false
      setPending(null)
      setOutcome(null)
    }
    window.addEventListener('pageshow', onPageShow)
    return () => window.removeEventListener('pageshow', onPageShow)
  }, [])

  async function decide(decision: Decision, separateConsent = false) {
    // A ref, not state: two clicks in one frame must still send one request.
    if (inFlight.current) return
    inFlight.current = true
    setPending(decision)
    setFailure(null)
    const base = {
      ticket: answer.ticket ?? '',
      client_id: request.clientId,
      redirect_uri: request.redirectUri,
      ...(request.scope !== undefined ? { scope: request.scope } : {}),
      ...(request.state !== undefined ? { state: request.state } : {}),
      // The BFF recomputes the words this page displayed in its language and records them.
      language,
    }
    try {
      const result =
        decision === 'authorize'
          ? await authorize({
              ...base,
              biosample_ids: biosamples
                .filter((sample) => selected.includes(sample.biosample_id))
                .map(({ biosample_id, type }) => ({ biosample_id, type })),
              // Only when the genetic step was shown and ticked; the BFF records its words itself.
              ...(separateConsent && { separate_consent: true }),
            })
          : await deny(base)
      markDecided(flow, decision)
      if ('redirect_to' in result) {
        setOutcome('leaving')
        replaceLocation(result.redirect_to)
        return
      }
      setOutcome((await handOffToMiniProgram(result.mini_program_path)) ? 'miniProgramHandedOff' : 'returnToMiniProgram')
      setPending(null)
    } catch (error) {
      inFlight.current = false
      setPending(null)
      if (isUnauthenticated(error)) {
        // 40008 mid-way: sign in again and come back to this page; the selection is in the store.
        assignLocation(signInHref(returnPath))
        return
      }
      setFailure({ decision, separateConsent, error })
    }
  }

  /** A fresh ticket, so the next decision is a new one rather than a replay of the first. */
  async function reviewAgain() {
    setReviewing(true)
    try {
      await queryClient.refetchQueries({ queryKey: applicationQuery.queryKey, type: 'all' })
      clearDecided(flow)
    } catch {
      // The refetch failing leaves the answered state; the user can try again.
    } finally {
      setReviewing(false)
    }
  }

  async function renewTicket() {
    setFailure(null)
    await queryClient.refetchQueries({ queryKey: applicationQuery.queryKey, type: 'all' })
  }

  if (outcome === 'leaving') {
    return <Leaving host={returnTo.kind === 'web' ? returnTo.host : ''} />
  }
  if (outcome === 'miniProgramHandedOff') {
    return (
      <Page>
        <p role="status"><UpstreamMessage message={(values) => t('consent.leaving.toMiniProgram', values)} texts={{ name: application.name }} /></p>
      </Page>
    )
  }
  // A mini program's decision made by the form without script: there is no page path a browser can follow.
  const postedDecision = posted?.kind === 'answered' ? posted.decision : undefined
  if (outcome === 'returnToMiniProgram' || stored?.decided || postedDecision) {
    const decided = stored?.decided ?? postedDecision ?? 'authorize'
    const finished = outcome === 'returnToMiniProgram' || postedDecision !== undefined
    return (
      <Page>
        <h1 className="text-2xl font-semibold tracking-tight">
          {finished ? t(`consent.answered.done.${decided}`) : t('consent.answered.title')}
        </h1>
        <p className="mt-3 text-slate-700 dark:text-slate-300">
          {returnTo.kind === 'miniProgram'
            ? <UpstreamMessage message={(values) => t('consent.answered.backToMiniProgram', values)} texts={{ name: application.name }} />
            : <UpstreamMessage message={(values) => t(`consent.answered.${decided}`, values)} texts={{ name: application.name }} />}
        </p>
        {finished ? null : (
          <div className="mt-6">
            <Button variant="secondary" busy={reviewing} onClick={() => void reviewAgain()}>
              {t('consent.answered.reviewAgain')}
            </Button>
          </div>
        )}
      </Page>
    )
  }

  return (
    <Page>
      <ConsentView
        app={application}
        returnTo={returnTo}
        account={{ name: session.user.name, onSwitch: () => switchAccount.mutate(), switching }}
        scopes={answer.granted_scopes}
        biosamples={biosamples}
        selected={selected}
        onSelectedChange={(ids) => setSelected(flow, ids)}
        allSamplesShown={posted?.kind === 'allSamplesShown'}
        grantedAt={grant?.grant_time}
        sinceLast={answer.since_last}
        pending={pending}
        actionsDisabled={!online || switching}
        onAuthorize={({ separateConsent }) => void decide('authorize', separateConsent)}
        onDeny={() => void decide('deny')}
        hiddenFields={{ [CONSENT_FIELDS.ticket]: answer.ticket ?? '', [CONSENT_FIELDS.language]: language }}
        notices={
          <>
            {!online ? (
              <Alert variant="warning" title={t('consent.offline.title')}>
                {t('consent.offline.body')}
              </Alert>
            ) : null}
            {switchAccount.isError ? <Alert variant="error">{t('consent.switchFailed')}</Alert> : null}
            {posted?.kind === 'refused' && !failure ? (
              <DecisionFailure error={new ApiError({ status: posted.status, code: posted.code, message: posted.message, details: posted.details })} reloadHref={returnPath} retryDisabled={!online} />
            ) : null}
            {failure ? (
              <DecisionFailure
                error={failure.error}
                onRetry={() => void decide(failure.decision, failure.separateConsent)}
                onRenew={() => void renewTicket()}
                retryDisabled={!online}
              />
            ) : null}
          </>
        }
      />
    </Page>
  )
}

/** The ticket no longer fits: a fresh page (new ticket) is the way forward, not a retry. */
const STALE_TICKET: ReadonlySet<string> = new Set([
  'ticket_expired',
  'ticket_used',
  'ticket_session_mismatch',
  'ticket_request_mismatch',
  'invalid_ticket',
  'shown_texts_mismatch',
] satisfies ApiErrorCode[])

/**
 * Why a decision did not go through. With script, its buttons retry or renew the ticket; for a
 * refused form (no script), the form below is the retry and renewing is loading the page again
 * (`reloadHref`), so it works as a link.
 */
function DecisionFailure({
  error,
  onRetry,
  onRenew,
  reloadHref,
  retryDisabled,
}: {
  error: unknown
  onRetry?: () => void
  onRenew?: () => void
  reloadHref?: string
  retryDisabled: boolean
}) {
  const { t } = useTranslation()
  const code = errorCodeLabel(error)
  // The form refused for want of the genetic step's tick: why the law asks, and what to do.
  if (error instanceof ApiError && error.code === 'separate_consent_required') {
    return (
      <Alert variant="error" title={t('separateConsent.required')}>
        <p>{t('separateConsent.refused')}</p>
      </Alert>
    )
  }
  // The form refused for want of a sample: the same words as the page's own hint.
  if (error instanceof ApiError && error.code === 'biosamples_required') {
    return (
      <Alert variant="error" title={t('consent.blocked.chooseSample')}>
        <p>{t('consent.samples.hintRequired')}</p>
      </Alert>
    )
  }
  // The platform may have acted although its answer was lost (SPEC.md "Consent records"): the page
  // says so plainly and points at the grants page, where the truth and Revoke are.
  if (error instanceof ApiError && error.code === 'decision_outcome_unknown') {
    return (
      <Alert variant="warning" title={t('consent.failure.unknown.title')}>
        <p>{t('consent.failure.unknown.body')}</p>
        <div className="mt-3 flex flex-wrap items-center gap-3">
          <Link className="font-medium underline underline-offset-2" to={PAGE_ROUTES.grants.path}>
            {t('consent.failure.checkGrants')}
          </Link>
          {onRetry ? (
            <Button variant="secondary" disabled={retryDisabled} onClick={onRetry}>
              {t('common.retry')}
            </Button>
          ) : null}
        </div>
      </Alert>
    )
  }
  if (error instanceof ApiError && error.code === 'ticket_used' && error.details?.outcome === 'granted') {
    return (
      <Alert variant="warning" title={t('consent.failure.granted.title')}>
        <p>{t('consent.failure.granted.body')}</p>
        <Link className="mt-3 inline-block font-medium underline underline-offset-2" to={PAGE_ROUTES.grants.path}>
          {t('consent.failure.openGrants')}
        </Link>
      </Alert>
    )
  }
  const stale = error instanceof ApiError && STALE_TICKET.has(error.code)
  const failure = failureKind(error)
  const kind = stale ? 'stale' : failure === 'network' || failure === 'timeout' || failure === 'upstream' || failure === 'rateLimited' ? failure : 'generic'
  return (
    <Alert variant="error" title={t(`consent.failure.${kind}.title`)}>
      <p>{t(`consent.failure.${kind}.body`)}</p>
      {code && kind === 'generic' ? <p className="mt-1">{t('common.errorCode', { code })}</p> : null}
      {stale && !onRenew && reloadHref ? (
        <a className="mt-3 inline-block font-medium underline underline-offset-2" href={reloadHref}>
          {t('consent.failure.renew')}
        </a>
      ) : (stale ? onRenew : onRetry) ? (
        <Button variant="secondary" className="mt-3" disabled={retryDisabled} onClick={stale ? onRenew : onRetry}>
          {stale ? t('consent.failure.renew') : t('common.retry')}
        </Button>
      ) : null}
    </Alert>
  )
}
