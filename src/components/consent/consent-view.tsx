import type { FormEvent, ReactNode } from 'react'
import { useEffect, useId, useRef, useState } from 'react'
import { useTranslation } from '@/lib/i18n'
import type { Biosample, GrantedScope, Scope } from '@/contract/api'
import { readsSampleData } from '@/contract/scopes'
import { useTimeZone } from '@/lib/clock'
import { formatDate } from '@/lib/format'
import { AppSummary, type ConsentAccount, type ReturnTarget } from './app-summary'
import { BiosamplePicker } from './biosample-picker'
import { ConsentActions, type Decision } from './consent-actions'
import { ScopeList } from './scope-list'
import { needsSeparateStep, SeparateConsentStep } from './separate-consent-step'
import { SinceLastAgreed } from './since-last-agreed'
import type { SinceLast } from '@/contract/since-last'

export interface ConsentViewProps {
  app: { name: string; logo: string; description: string }
  returnTo: ReturnTarget
  /** Who is answering; absent in the developer preview. */
  account?: ConsentAccount | undefined
  /** What a decision grants (`granted_scopes`): shown, and what gates Authorize. */
  scopes: GrantedScope[]
  biosamples: Biosample[]
  selected: readonly string[]
  onSelectedChange: (selected: string[]) => void
  /** A long list of samples shows every row from the start (the page again after "Show all" without script). */
  allSamplesShown?: boolean | undefined
  /** ISO time of this app's existing grant, if there is one. */
  grantedAt?: string | undefined
  /** What changed since the person last agreed to this app (the BFF's `since_last`); nothing shown when null or absent. */
  sinceLast?: SinceLast | null | undefined
  /**
   * Called by the form's submit, with script; never when Authorize cannot be sent yet.
   * `separateConsent`: the genetic step was shown and ticked (it is never called unticked).
   */
  onAuthorize: (choices: { separateConsent: boolean }) => void
  onDeny: () => void
  /**
   * The form's own fields for a submit without script (the ticket, the page's language); the live
   * page posts them to itself. Absent in the developer preview, whose form never leaves the page.
   */
  hiddenFields?: Readonly<Record<string, string>> | undefined
  /**
   * Where the form goes without script: the live page posts to itself (the default); the developer
   * preview reloads itself with a GET, which shows the address the app would get.
   */
  formTarget?: { method: 'get'; action: string } | undefined
  pending: Decision | null
  /** Both decisions off, e.g. while offline. */
  actionsDisabled?: boolean
  /** Messages about the page's own state (offline, a failed decision), shown above the actions. */
  notices?: ReactNode
  /** Shown above the app, e.g. the preview's "Preview" mark. */
  banner?: ReactNode
}

/** Whether Authorize needs at least one sample: a granted scope reads sample data. */
export function needsSamples(scopes: readonly Scope[]): boolean {
  return scopes.some((scope) => readsSampleData(scope.scope))
}

/**
 * The consent page as the user sees it: props in, callbacks out, no data fetching, so the live
 * page and the developer preview render the same thing.
 */
export function ConsentView(props: ConsentViewProps) {
  const { app, returnTo, account, scopes, biosamples, selected, onSelectedChange, grantedAt, pending } = props
  const { t, language } = useTranslation()
  const timeZone = useTimeZone()
  const headingId = useId()
  const [refusedUnsent, setRefusedUnsent] = useState(false)
  // The genetic step's box is read from the page, not controlled: ticked before the script
  // hydrated, it is still ticked; `agreed` only follows it for the hint beside Authorize.
  const separateBox = useRef<HTMLInputElement>(null)
  const formRef = useRef<HTMLFormElement>(null)
  const [agreed, setAgreed] = useState(false)
  const separate = needsSeparateStep(scopes)
  const required = needsSamples(scopes)
  const grantedOn = grantedAt ? formatDate(grantedAt, language, timeZone) : ''
  const blockedReason = !required
    ? undefined
    : biosamples.length === 0
      ? t('consent.blocked.noSamples')
      : selected.length === 0
        ? t('consent.blocked.chooseSample')
        : undefined
  const separateReason = separate && !agreed ? t('separateConsent.required') : undefined

  // With script, the page checks what Authorize needs and says why beside it (and focuses the
  // genetic step's box); the browser's own bubble would cancel the submit before it could.
  // Without script, `required` stands and the server checks again.
  useEffect(() => {
    if (formRef.current) formRef.current.noValidate = true
  }, [])

  // With script the form never posts itself: the page decides through the JSON API (progress,
  // the WeChat bridge). Without script, or before it has loaded, the browser posts it to the page.
  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault()
    const submitter = (event.nativeEvent as SubmitEvent).submitter
    if (submitter?.getAttribute('value') === 'deny') return props.onDeny()
    if (blockedReason) return setRefusedUnsent(true)
    const ticked = separateBox.current?.checked === true
    setAgreed(ticked)
    if (separate && !ticked) {
      setRefusedUnsent(true)
      separateBox.current?.focus()
      return
    }
    props.onAuthorize({ separateConsent: separate && ticked })
  }

  return (
    <article aria-labelledby={headingId}>
      {/* The form holds the whole page, not only the samples: the action bar sticks to the bottom
          of a phone's screen only while its form is on screen, so it is there from the first paint. */}
      <form ref={formRef} method={props.formTarget?.method ?? 'post'} action={props.formTarget?.action} onSubmit={submit} className="grid gap-6">
        {/* The form's default button: Enter in a text box (the samples filter) presses the form's
            first submit button, which would be Show all or Deny. This one comes first and is
            disabled, so Enter submits nothing, with script or without. */}
        <button type="submit" disabled hidden />
        {props.banner}
        <AppSummary headingId={headingId} name={app.name} logo={app.logo} description={app.description} returnTo={returnTo} account={account} />
        {grantedOn ? (
          <p className="rounded-lg border border-sky-300 bg-sky-50 px-4 py-3 text-sm text-sky-950 dark:border-sky-800 dark:bg-sky-950 dark:text-sky-100">
            {t('consent.grantedOn', { date: grantedOn })}
          </p>
        ) : null}
        {props.sinceLast ? <SinceLastAgreed since={props.sinceLast} /> : null}
        <ScopeList scopes={scopes} />
        {Object.entries(props.hiddenFields ?? {}).map(([name, value]) => (
          <input key={name} type="hidden" name={name} value={value} />
        ))}
        <BiosamplePicker
          biosamples={biosamples}
          selected={selected}
          onChange={(ids) => {
            setRefusedUnsent(false)
            onSelectedChange(ids)
          }}
          required={required}
          disabled={pending !== null}
          allShown={props.allSamplesShown}
        />
        <SeparateConsentStep
          app={app}
          scopes={scopes}
          boxRef={separateBox}
          refused={refusedUnsent && !agreed && !blockedReason}
          onChange={(ticked) => {
            setRefusedUnsent(false)
            setAgreed(ticked)
          }}
          disabled={pending !== null}
        />
        {props.notices}
        <ConsentActions
          pending={pending}
          authorizeBlockedReason={blockedReason ?? separateReason}
          reasonAnnounced={refusedUnsent}
          disabled={props.actionsDisabled}
        />
      </form>
    </article>
  )
}
