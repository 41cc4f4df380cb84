import { useMutation, useQueryClient, useSuspenseQuery } from '@tanstack/react-query'
import { useRef, useState } from 'react'
import { Link, useSearchParams } from 'react-router'
import { useTranslation } from '@/lib/i18n'
import { Alert } from '@/components/ui/alert'
import { Button } from '@/components/ui/button'
import { Dialog } from '@/components/ui/dialog'
import { LiveRegion } from '@/components/ui/live-region'
import { EmptyState, ListFilter } from '@/components/ui/list-filter'
import { Page } from '@/components/ui/page'
import { VanishedNotices } from '@/components/records/vanished-notices'
import type { Grant } from '@/contract/api'
import { latestGrantedAuthorize, type ConsentAttempt, type ConsentRecord } from '@/contract/records'
import { REVOKE_OUTCOMES, REVOKE_STATUS, type RevokeOutcome } from '@/contract/page-forms'
import { PAGE_ROUTES } from '@/contract/routes'
import { biosampleQueries } from '@/lib/biosamples'
import { isUnauthenticated } from '@/lib/failure'
import { ApiError } from '@/lib/http'
import { assignLocation } from '@/lib/navigation'
import { latestAttempt, receiptPath, recordQueries } from '@/lib/records'
import { signInHref } from '@/lib/session'
import { filterGrants, grantMutations, grantQueries, notSharedCount, revokeGrant, withGrantRestored, withoutGrant } from './api'
import { GrantCard } from './grant-card'
import { RevokeConsequences } from './revoke-consequences'
import { UpstreamMessage } from '@/components/ui/upstream-text'

/** Past this many grants the list gets a filter box (SPEC.md "Grants page"). */
const FILTER_FROM = 6

/**
 * How the last revoke ended; a revoke's own record, when the portal could find it, is linked.
 * `confirmed`: what BGE's grants, read back after it, said (its confirmation record, issue 19):
 * the app gone, the app still listed, or null when no confirmation was recorded.
 */
type Outcome = { kind: 'revoked'; name: string; recordId: string | null; confirmed: Confirmed } | { kind: 'failed' | 'unknown'; name: string }
type Confirmed = 'revoked' | 'failed' | null

/** The withdrawal's confirmation of a revoke attempt, as the grants page says it. */
function confirmedOf(attempt: ConsentAttempt | undefined): Confirmed {
  const outcome = attempt?.confirmation?.outcome
  return outcome === 'revoked' || outcome === 'failed' ? outcome : null
}

const CONFIRMATION_MESSAGE = { revoked: 'confirmed', failed: 'stillListed' } as const

const OUTCOME_MESSAGE = { revoked: 'revoked', failed: 'revokeFailed', unknown: 'revokeUnknown' } as const

/**
 * The revoke the revoke page's form made, as its answer's query says (REVOKE_STATUS): the app's
 * name and the receipt come from the revoke's own record, when the portal could write it.
 */
function outcomeFromQuery(params: URLSearchParams, records: readonly ConsentRecord[]): Outcome | null {
  const clientId = params.get(REVOKE_STATUS.clientId)
  const kind = params.get(REVOKE_STATUS.outcome)
  if (!clientId || !REVOKE_OUTCOMES.includes(kind as RevokeOutcome)) return null
  const attempt = latestAttempt(records, clientId, 'revoke')
  const name = attempt?.record.app_name ?? clientId
  return kind === 'revoked' ? { kind: 'revoked', name, recordId: attempt?.record.id ?? null, confirmed: confirmedOf(attempt) } : { kind: kind as 'failed' | 'unknown', name }
}

/** `/grants`: the apps the signed-in user authorized, and revoking them. */
export function GrantsPage() {
  const { t } = useTranslation()
  const queryClient = useQueryClient()
  const { data } = useSuspenseQuery(grantQueries.list())
  const { data: samples } = useSuspenseQuery(biosampleQueries.list())
  const { data: recorded } = useSuspenseQuery(recordQueries.list())
  const grants = data.grants

  const [query, setQuery] = useState('')
  const [confirming, setConfirming] = useState<Grant | null>(null)
  const [dialogOpen, setDialogOpen] = useState(false)
  const [searchParams] = useSearchParams()
  const [failedClientIds, setFailedClientIds] = useState<ReadonlySet<string>>(() => {
    const failed = searchParams.get(REVOKE_STATUS.outcome) === 'failed' ? searchParams.get(REVOKE_STATUS.clientId) : null
    return new Set(failed ? [failed] : [])
  })
  // Back from the revoke page's form (no script): how it went, from the query it answered with.
  const [outcome, setOutcome] = useState<Outcome | null>(() => outcomeFromQuery(searchParams, recorded.records))
  const headingRef = useRef<HTMLHeadingElement>(null)
  // Null: focus returns to the grant's Revoke button. Confirming removes that button, so focus
  // then goes to the page's heading, from where the announcement and the list make sense.
  const dialogReturnFocus = useRef<HTMLElement | null>(null)

  const listKey = grantQueries.list().queryKey
  const revoke = useMutation({
    mutationKey: grantMutations.revoke(),
    mutationFn: async (grant: Grant) => {
      const before = queryClient.getQueryData(recordQueries.list().queryKey)?.records ?? []
      await revokeGrant(grant.client_id)
      return revokeRecordOf(grant.client_id, before)
    },
    onMutate: async (grant) => {
      // A list already on its way may still hold the grant: it must not overwrite the removal.
      await queryClient.cancelQueries({ queryKey: listKey })
      queryClient.setQueryData(listKey, (old) => old && { ...old, grants: withoutGrant(old.grants, grant.client_id) })
    },
    onError: (error, grant) => {
      queryClient.setQueryData(listKey, (old) => old && { ...old, grants: withGrantRestored(old.grants, grant) })
      // The session ended meanwhile: nothing was revoked; sign in again and come back here.
      if (isUnauthenticated(error)) return assignLocation(signInHref(PAGE_ROUTES.grants.path))
      // The platform may have revoked although its answer was lost: the refetch below shows what it says now.
      if (error instanceof ApiError && error.code === 'decision_outcome_unknown') return setOutcome({ kind: 'unknown', name: grant.name })
      setFailedClientIds((ids) => new Set(ids).add(grant.client_id))
      setOutcome({ kind: 'failed', name: grant.name })
    },
    onSuccess: ({ recordId, confirmed }, grant) => setOutcome({ kind: 'revoked', name: grant.name, recordId, confirmed }),
    onSettled: async () => {
      // Ask for the truth once the last revoke in flight is done; an earlier refetch could bring
      // back a grant whose revoke has not finished yet.
      if (queryClient.isMutating({ mutationKey: grantMutations.revoke() }) === 1) {
        await Promise.all([
          queryClient.invalidateQueries({ queryKey: grantQueries.all() }),
          queryClient.invalidateQueries({ queryKey: recordQueries.all() }),
        ])
      }
    },
  })

  /**
   * The revoke's own record: the newest revoke attempt of the app (whatever became of it), once the
   * BFF has written it, with its confirmation (the BFF reads the grants back before it answers).
   * With its store down the BFF writes them later, so an older revoke of the app, one of the
   * records known `before`, or older than the newest of them, must not stand in for it.
   */
  async function revokeRecordOf(clientId: string, before: readonly ConsentRecord[]): Promise<{ recordId: string | null; confirmed: Confirmed }> {
    const none = { recordId: null, confirmed: null }
    try {
      const { records } = await queryClient.fetchQuery({ ...recordQueries.forClient(clientId), staleTime: 0 })
      const attempt = latestAttempt(records, clientId, 'revoke')
      if (!attempt || before.some((known) => known.id === attempt.record.id)) return none
      const newestKnown = before[0]
      if (newestKnown && Date.parse(attempt.record.at) < Date.parse(newestKnown.at)) return none
      return { recordId: attempt.record.id, confirmed: confirmedOf(attempt) }
    } catch {
      // The revoke itself succeeded; only the link to its record is missing.
      return none
    }
  }

  function askToRevoke(grant: Grant) {
    dialogReturnFocus.current = null
    setConfirming(grant)
    setDialogOpen(true)
  }

  function confirmRevoke() {
    if (!confirming) return
    dialogReturnFocus.current = headingRef.current
    setFailedClientIds((ids) => {
      const next = new Set(ids)
      next.delete(confirming.client_id)
      return next
    })
    setOutcome(null)
    revoke.mutate(confirming)
    setDialogOpen(false)
  }

  const showFilter = grants.length >= FILTER_FROM
  // The box goes away once revoking leaves few grants; its text must not keep hiding any.
  const activeQuery = showFilter ? query.trim() : ''
  const shown = filterGrants(grants, activeQuery)

  const confirmation = outcome?.kind === 'revoked' && outcome.confirmed ? t(`grants.withdrawal.${CONFIRMATION_MESSAGE[outcome.confirmed]}`, { name: outcome.name }) : ''
  // A revoke BGE still lists is not announced as done: what it said is the announcement.
  const announcement =
    outcome === null ? '' : outcome.kind === 'revoked' && outcome.confirmed === 'failed' ? confirmation : [t(`grants.${OUTCOME_MESSAGE[outcome.kind]}`, { name: outcome.name }), confirmation].filter(Boolean).join(' ')

  return (
    <Page width="wide">
      <h1 ref={headingRef} tabIndex={-1} className="text-2xl font-semibold tracking-tight sm:text-3xl">
        {t('common.titles.grants')}
      </h1>
      <p className="mt-3 max-w-prose text-slate-700 dark:text-slate-300">{t('grants.intro')}</p>
      <LiveRegion message={announcement} />
      {outcome?.kind === 'revoked' ? (
        // Seen and followed; the live region above is what screen readers hear. A revoke BGE said it
        // made but still lists is a warning, with what to do, not a success.
        <Alert variant={outcome.confirmed === 'failed' ? 'warning' : 'success'} role="none" className="mt-6">
          {outcome.confirmed === 'failed' ? (
            <p><UpstreamMessage message={(values) => t('grants.withdrawal.stillListed', values)} texts={{ name: outcome.name }} /></p>
          ) : (
            <>
              <p><UpstreamMessage message={(values) => t('grants.revoked', values)} texts={{ name: outcome.name }} /></p>
              <p className="mt-1">
                {outcome.confirmed === 'revoked' ? (
                  <UpstreamMessage message={(values) => t('grants.withdrawal.confirmed', values)} texts={{ name: outcome.name }} />
                ) : (
                  t('grants.withdrawal.notConfirmed')
                )}
              </p>
            </>
          )}
          {outcome.recordId ? (
            <Link to={receiptPath(outcome.recordId)} className="mt-1 inline-block font-medium underline underline-offset-4">
              {t('grants.revokeReceipt')}
            </Link>
          ) : (
            <p className="mt-1">{t('grants.revokeReceiptPending')}</p>
          )}
        </Alert>
      ) : null}
      {outcome?.kind === 'unknown' ? (
        <Alert variant="warning" role="none" className="mt-6">
          <p><UpstreamMessage message={(values) => t('grants.revokeUnknown', values)} texts={{ name: outcome.name }} /></p>
        </Alert>
      ) : null}
      <VanishedNotices vanished={data.vanished} section="grants" className="mt-6" />

      {grants.length === 0 ? (
        <EmptyState title={t('grants.empty.title')}>{t('grants.empty.body')}</EmptyState>
      ) : (
        <>
          <p className="mt-6 text-sm font-medium text-slate-700 dark:text-slate-300">{t('grants.count', { count: grants.length })}</p>

          {showFilter ? (
            <ListFilter
              label={t('grants.filterLabel')}
              value={query}
              onChange={setQuery}
              status={
                activeQuery
                  ? shown.length
                    ? t('grants.filterCount', { shown: shown.length, total: grants.length })
                    : t('grants.noMatch', { query: activeQuery })
                  : null
              }
              clear={activeQuery && shown.length === 0 ? { label: t('grants.clearFilter') } : null}
            />
          ) : null}

          {shown.length ? (
            <ul aria-label={t('grants.listLabel')} className="mt-4 grid gap-4">
              {shown.map((grant) => (
                <li key={grant.client_id}>
                  <GrantCard
                    grant={grant}
                    record={latestGrantedAuthorize(recorded.records, grant.client_id)?.record}
                    notShared={notSharedCount(grant, samples.biosamples)}
                    revokeFailed={failedClientIds.has(grant.client_id)}
                    onRevoke={askToRevoke}
                  />
                </li>
              ))}
            </ul>
          ) : null}
        </>
      )}

      <Dialog
        open={dialogOpen}
        onClose={() => setDialogOpen(false)}
        returnFocusRef={dialogReturnFocus}
        title={confirming ? <UpstreamMessage message={(values) => t('grants.dialog.title', values)} texts={{ name: confirming.name }} /> : null}
        actions={
          <>
            <Button variant="secondary" data-autofocus onClick={() => setDialogOpen(false)}>
              {t('grants.dialog.cancel')}
            </Button>
            <Button variant="danger" onClick={confirmRevoke}>
              {t('grants.dialog.confirm')}
            </Button>
          </>
        }
      >
        {confirming ? <RevokeConsequences grant={confirming} /> : null}
      </Dialog>
    </Page>
  )
}
