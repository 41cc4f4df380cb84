import { useId, useState } from 'react'
import { returnTargetOf } from '@/components/consent/app-summary'
import type { Decision } from '@/components/consent/consent-actions'
import { ConsentView } from '@/components/consent/consent-view'
import { Button } from '@/components/ui/button'
import { LanguageOptions } from '@/components/ui/language-options'
import { Skeleton } from '@/components/ui/skeleton'
import type { ApplicationResponse, Biosample } from '@/contract/api'
import { PAGE_ROUTES } from '@/contract/routes'
import { isLanguage, type Language } from '@/contract/languages'
import { useTranslation } from '@/lib/i18n'
import { I18nScope } from '@/lib/i18n-scope'
import { decisionTarget, EXAMPLE_CODE, type DecisionTarget } from './decision'

type Frame = 'phone' | 'desktop'

export type PaneState =
  | { kind: 'empty' }
  | { kind: 'loading' }
  | { kind: 'unavailable'; code: string | undefined }
  | {
      kind: 'ready'
      answer: ApplicationResponse
      state: string | undefined
      requestKey: string
      /** The request's own parameters, for the previewed form's GET without script. */
      params: Readonly<Record<string, string>>
      /** A decision the previewed form sent without script (`decision` in the URL): shown as made. */
      decided: Decision | undefined
    }

/** The preview column: frame and language controls, the consent page in its frame, and what the app would receive. */
export function PreviewPane({ pane }: { pane: PaneState }) {
  const { t, language } = useTranslation()
  const headingId = useId()
  const [frame, setFrame] = useState<Frame>('phone')
  const [previewLanguage, setPreviewLanguage] = useState<Language>(language)
  const [selected, setSelected] = useState<string[]>([])
  // Tied to the request it was made for, so a new request starts with no answer shown.
  const [outcome, setOutcome] = useState<{ requestKey: string; target: DecisionTarget } | null>(null)
  const target =
    pane.kind !== 'ready'
      ? null
      : outcome?.requestKey === pane.requestKey
        ? outcome.target
        : pane.decided
          ? decisionTarget(pane.answer.application, pane.decided, pane.state)
          : null

  function decide(decision: Decision) {
    if (pane.kind !== 'ready') return
    setOutcome({ requestKey: pane.requestKey, target: decisionTarget(pane.answer.application, decision, pane.state) })
  }

  return (
    <section aria-labelledby={headingId} className="grid min-w-0 content-start gap-4">
      <h2 id={headingId} className="sr-only">
        {t('preview.mark.badge')}
      </h2>
      <div className="flex flex-wrap items-end gap-x-6 gap-y-3">
        <FrameToggle frame={frame} onChange={setFrame} />
        <PreviewLanguageSelect value={previewLanguage} onChange={setPreviewLanguage} />
      </div>

      <div
        data-frame={frame}
        className={
          frame === 'phone'
            ? 'mx-auto w-full max-w-[360px] overflow-hidden rounded-[2rem] border-[6px] border-slate-800 bg-slate-50 shadow-lg dark:border-slate-600 dark:bg-slate-950'
            : 'w-full overflow-hidden rounded-xl border border-slate-300 bg-slate-50 shadow-lg dark:border-slate-700 dark:bg-slate-950'
        }
      >
        {frame === 'desktop' ? (
          <div aria-hidden="true" className="flex gap-1.5 border-b border-slate-300 bg-slate-200 px-3 py-2 dark:border-slate-700 dark:bg-slate-800">
            <span className="size-2.5 rounded-full bg-slate-400" />
            <span className="size-2.5 rounded-full bg-slate-400" />
            <span className="size-2.5 rounded-full bg-slate-400" />
          </div>
        ) : null}
        <div lang={previewLanguage} className={frame === 'phone' ? 'px-4 py-6' : 'px-4 py-6 sm:px-8 sm:py-8'}>
          <I18nScope language={previewLanguage} fallback={<PaneSkeleton />}>
            {pane.kind === 'ready' ? (
              <PreviewConsent answer={pane.answer} params={pane.params} selected={selected} onSelectedChange={setSelected} onDecide={decide} />
            ) : (
              <PaneMessage pane={pane} />
            )}
          </I18nScope>
        </div>
      </div>

      {pane.kind === 'ready' ? <DecisionResult target={target} /> : null}
    </section>
  )
}

function FrameToggle({ frame, onChange }: { frame: Frame; onChange: (frame: Frame) => void }) {
  const { t } = useTranslation()
  const name = useId()
  return (
    <fieldset>
      <legend className="text-sm font-medium">{t('preview.controls.frame')}</legend>
      <div className="mt-1 inline-flex rounded-lg border border-slate-400 bg-white p-0.5 dark:border-slate-500 dark:bg-slate-900">
        {(['phone', 'desktop'] as const).map((option) => (
          <label
            key={option}
            className="inline-flex min-h-target min-w-target cursor-pointer items-center rounded-md px-3 text-sm font-medium text-slate-800 has-checked:bg-brand-600 has-checked:text-white has-focus-visible:outline-2 has-focus-visible:outline-offset-2 has-focus-visible:outline-brand-600 dark:text-slate-200"
          >
            <input type="radio" name={name} value={option} checked={frame === option} onChange={() => onChange(option)} className="sr-only" />
            {t(`preview.controls.${option}`)}
          </label>
        ))}
      </div>
    </fieldset>
  )
}

function PreviewLanguageSelect({ value, onChange }: { value: Language; onChange: (lang: Language) => void }) {
  const { t } = useTranslation()
  const id = useId()
  return (
    <div>
      <label htmlFor={id} className="block text-sm font-medium">
        {t('preview.controls.language')}
      </label>
      <select
        id={id}
        value={value}
        onChange={(event) => {
          if (isLanguage(event.target.value)) onChange(event.target.value)
        }}
        className="mt-1 min-h-target cursor-pointer rounded-lg border border-slate-400 bg-white px-3 py-2 text-sm text-slate-900 dark:border-slate-500 dark:bg-slate-900 dark:text-slate-100"
      >
        <LanguageOptions />
      </select>
    </div>
  )
}

/** Clearly fake samples: the preview never reads anyone's data. */
function exampleBiosamples(projectA: string, projectB: string): Biosample[] {
  return [
    { biosample_id: 'E-EXAMPLE-0001', type: 'Lowpass', status: 1, sample_time: '2024-03-19T07:00:41Z', project_name: projectA },
    { biosample_id: 'E-EXAMPLE-0002', type: 'Full', status: 1, sample_time: '2023-11-02T02:30:00Z', project_name: projectA },
    { biosample_id: 'E-EXAMPLE-0003', type: '16S', status: 2, sample_time: '2023-06-15T09:12:00Z', project_name: projectB },
  ]
}

interface PreviewConsentProps {
  answer: ApplicationResponse
  params: Readonly<Record<string, string>>
  selected: string[]
  onSelectedChange: (ids: string[]) => void
  onDecide: (decision: Decision) => void
}

/** The live page's own view, in the preview's language, marked as a preview. */
function PreviewConsent({ answer, params, selected, onSelectedChange, onDecide }: PreviewConsentProps) {
  const { t } = useTranslation()
  return (
    <ConsentView
      app={answer.application}
      returnTo={returnTargetOf(answer.application)}
      scopes={answer.granted_scopes}
      biosamples={exampleBiosamples(t('preview.examples.projectA'), t('preview.examples.projectB'))}
      selected={selected}
      onSelectedChange={onSelectedChange}
      pending={null}
      // Without script the previewed form reloads the preview with its decision, never a POST.
      formTarget={{ method: 'get', action: PAGE_ROUTES.preview.path }}
      hiddenFields={params}
      onAuthorize={() => onDecide('authorize')}
      onDeny={() => onDecide('deny')}
      banner={
        <div className="flex items-start gap-3 rounded-lg border-2 border-dashed border-violet-500 bg-violet-50 px-3 py-2 text-sm text-violet-950 dark:border-violet-400 dark:bg-violet-950 dark:text-violet-100">
          <span className="shrink-0 rounded-full bg-violet-700 px-2.5 py-0.5 text-xs font-bold tracking-wide text-white uppercase">
            {t('preview.mark.badge')}
          </span>
          <p>{t('preview.mark.body')}</p>
        </div>
      }
    />
  )
}

function PaneMessage({ pane }: { pane: Exclude<PaneState, { kind: 'ready' }> }) {
  const { t } = useTranslation()
  if (pane.kind === 'loading') return <PaneSkeleton label={t('preview.loading')} />
  if (pane.kind === 'empty') return <p className="text-slate-700 dark:text-slate-300">{t('preview.empty')}</p>
  return (
    <div>
      <p className="text-lg font-semibold">{t('preview.unavailable.title')}</p>
      <p className="mt-2 text-slate-700 dark:text-slate-300">{t('preview.unavailable.body')}</p>
      {pane.code ? <p className="mt-2 font-mono text-sm break-all text-slate-600 dark:text-slate-400">{t('common.errorCode', { code: pane.code })}</p> : null}
    </div>
  )
}

function PaneSkeleton({ label }: { label?: string }) {
  return (
    <div>
      {label ? (
        <p role="status" className="sr-only">
          {label}
        </p>
      ) : null}
      <div className="flex items-start gap-4">
        <Skeleton className="size-16 rounded-2xl" />
        <div className="flex-1">
          <Skeleton className="h-6 w-3/4" />
          <Skeleton className="mt-2 h-4 w-1/2" />
        </div>
      </div>
      <Skeleton className="mt-6 h-24 w-full rounded-xl" />
      <Skeleton className="mt-4 h-16 w-full rounded-lg" />
    </div>
  )
}

/** The exact address (or mini-program page path) the app would receive, as text to copy. */
function DecisionResult({ target }: { target: DecisionTarget | null }) {
  const { t } = useTranslation()
  const headingId = useId()
  return (
    <section aria-labelledby={headingId} className="rounded-xl border border-slate-200 bg-white px-4 py-4 dark:border-slate-800 dark:bg-slate-900">
      <h2 id={headingId} className="font-semibold">
        {t('preview.result.heading')}
      </h2>
      <div aria-live="polite" className="mt-2">
        {!target ? (
          <p className="text-sm text-slate-700 dark:text-slate-300">{t('preview.result.none')}</p>
        ) : target.kind === 'web' ? (
          <>
            <p className="text-sm text-slate-700 dark:text-slate-300">{t(target.decision === 'authorize' ? 'preview.result.authorize' : 'preview.result.deny')}</p>
            <CopyableText label={t('preview.result.address')} text={target.url} testId="decision-url" />
          </>
        ) : (
          <>
            <p className="text-sm text-slate-700 dark:text-slate-300">
              {t(target.decision === 'authorize' ? 'preview.result.miniAuthorize' : 'preview.result.miniDeny')}
            </p>
            <CopyableText label={t('preview.result.appId')} text={target.appId} testId="decision-app-id" />
            <CopyableText label={t('preview.result.pagePath')} text={target.path} testId="decision-path" />
          </>
        )}
        {target?.decision === 'authorize' ? (
          <p className="mt-2 text-sm text-slate-700 dark:text-slate-300">{t('preview.result.exampleCode', { code: EXAMPLE_CODE })}</p>
        ) : null}
      </div>
    </section>
  )
}

function CopyableText({ label, text, testId }: { label: string; text: string; testId: string }) {
  const { t } = useTranslation()
  const [copy, setCopy] = useState<{ text: string; result: 'copied' | 'failed' } | null>(null)
  const shown = copy?.text === text ? copy.result : null

  function copyText() {
    const clipboard = typeof navigator === 'undefined' ? undefined : navigator.clipboard
    if (!clipboard) {
      setCopy({ text, result: 'failed' })
      return
    }
    clipboard.writeText(text).then(
      () => setCopy({ text, result: 'copied' }),
      () => setCopy({ text, result: 'failed' }),
    )
  }

  return (
    <div className="mt-2">
      <p className="text-xs font-medium text-slate-600 uppercase dark:text-slate-400">{label}</p>
      <div className="mt-1 flex flex-wrap items-start gap-2">
        <code data-testid={testId} className="min-w-0 flex-1 rounded-lg bg-slate-100 px-3 py-2 font-mono text-sm break-all select-all dark:bg-slate-800">
          {text}
        </code>
        <Button variant="secondary" className="text-sm" aria-label={t('preview.result.copyLabel', { what: label })} onClick={copyText}>
          {t('preview.result.copy')}
        </Button>
      </div>
      {shown ? (
        <p role="status" className="mt-1 text-sm text-slate-700 dark:text-slate-300">
          {t(shown === 'copied' ? 'preview.result.copied' : 'preview.result.copyFailed')}
        </p>
      ) : null}
    </div>
  )
}
