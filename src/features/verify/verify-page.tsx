import { useQueryClient } from '@tanstack/react-query'
import { useEffect, useEffectEvent, useId, useRef, useState, type FormEvent, type ReactNode } from 'react'
import { RecordedScopes } from '@/components/records/recorded-scopes'
import { Alert } from '@/components/ui/alert'
import { Button } from '@/components/ui/button'
import { Page } from '@/components/ui/page'
import { UpstreamText } from '@/components/ui/upstream-text'
import { readReceiptFile, verifyReceiptFile, type Check, type FileReport, type ReceiptReport } from '@/contract/receipt-verify'
import type { ConsentRecord } from '@/contract/records'
import { useTimeZone } from '@/lib/clock'
import { formatDateTime } from '@/lib/format'
import { useTranslation, type MessageKey } from '@/lib/i18n'
import { verifyQueries } from './api'
import { checklistLines, fileSummary, receiptSummary } from './check-text'

/**
 * Far above any person's export (a record is a few KB): a file this size is not a receipt, and
 * reading it whole would only stall the page.
 */
const MAX_FILE_BYTES = 16 * 1024 * 1024

/** The command the page names for checking offline (README "Production"). */
const OFFLINE_COMMAND = 'npm run verify-receipt FILE'

type Result = { kind: 'idle' } | { kind: 'checking' } | { kind: 'problem'; key: MessageKey } | { kind: 'done'; report: FileReport }

/**
 * `/verify`: a downloaded receipt checked in the browser against the portal's published keys
 * (src/contract/receipt-verify.ts). Works signed out. The file never leaves the browser; the only
 * request is the keys. What it shows of a receipt is only what its signed payload says.
 */
export function VerifyPage() {
  const { t } = useTranslation()
  const queryClient = useQueryClient()
  const [result, setResult] = useState<Result>({ kind: 'idle' })
  const [pasted, setPasted] = useState('')
  const fileRef = useRef<HTMLInputElement>(null)
  const pasteRef = useRef<HTMLTextAreaElement>(null)
  const fileId = useId()
  const fileHelpId = useId()
  const pasteId = useId()
  const resultsTitleId = useId()
  // The newest check wins: a slower, older one (a large file) must not overwrite it.
  const latest = useRef(0)

  async function check(read: () => Promise<string>) {
    const run = ++latest.current
    const settle = (next: Result) => {
      if (run === latest.current) setResult(next)
    }
    setResult({ kind: 'checking' })
    try {
      // Web Crypto exists only on https (and localhost); there SHA-256 is always there.
      if (!globalThis.crypto?.subtle) return settle({ kind: 'problem', key: 'verify.problem.noCrypto' })
      const file = readReceiptFile(await read())
      if (file.kind === 'unknown') return settle({ kind: 'problem', key: 'verify.problem.notReceipt' })
      const jwks = await queryClient.fetchQuery(verifyQueries.jwks()).catch(() => undefined)
      if (!jwks) return settle({ kind: 'problem', key: 'verify.problem.keys' })
      settle({ kind: 'done', report: await verifyReceiptFile(file, jwks) })
    } catch (error) {
      settle({ kind: 'problem', key: error instanceof TooLarge ? 'verify.problem.tooLarge' : 'verify.problem.unreadable' })
    }
  }

  function checkFile(file: File) {
    void check(async () => {
      if (file.size > MAX_FILE_BYTES) throw new TooLarge()
      return file.text()
    })
  }

  // The page is served rendered and its code comes after the paint (src/main.tsx): a file chosen
  // or text pasted before then is taken up once the page is live, as if it had just happened.
  const takeUpEarlyInput = useEffectEvent(() => {
    const early = pasteRef.current?.value ?? ''
    if (early) setPasted(early)
    const file = fileRef.current?.files?.[0]
    if (file) checkFile(file)
  })
  useEffect(() => takeUpEarlyInput(), [])

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault()
    const file = fileRef.current?.files?.[0]
    if (pasted.trim()) void check(() => Promise.resolve(pasted))
    else if (file) checkFile(file)
    else setResult({ kind: 'problem', key: 'verify.problem.empty' })
  }

  const report = result.kind === 'done' ? result.report : undefined
  const single = report && report.kind !== 'export' ? report.receipts[0] : undefined
  return (
    <Page>
      <h1 className="text-2xl font-semibold tracking-tight sm:text-3xl">{t('common.titles.verify')}</h1>
      <p className="mt-2 text-slate-700 dark:text-slate-300">{t('verify.intro')}</p>

      {/* No `action` and no field names: without JavaScript nothing is sent anywhere (the check
          is the browser's); the offline command below is the way then. */}
      <form className="mt-6 grid grid-cols-1 gap-4 rounded-xl border border-slate-200 bg-white p-4 sm:p-6 dark:border-slate-800 dark:bg-slate-900" onSubmit={onSubmit}>
        <div>
          <label htmlFor={fileId} className="block font-medium">
            {t('verify.fileLabel')}
          </label>
          <p id={fileHelpId} className="mt-1 text-sm text-slate-600 dark:text-slate-400">
            {t('verify.fileHelp')}
          </p>
          <input
            ref={fileRef}
            id={fileId}
            type="file"
            accept=".json,.jws,application/json,application/jose"
            aria-describedby={fileHelpId}
            onChange={(event) => {
              const file = event.currentTarget.files?.[0]
              if (file) checkFile(file)
            }}
            className="mt-2 block w-full min-w-0 text-sm file:mr-3 file:min-h-target file:rounded-lg file:border file:border-slate-400 file:bg-white file:px-4 file:font-medium file:text-slate-900 hover:file:bg-slate-100 dark:file:border-slate-500 dark:file:bg-slate-900 dark:file:text-slate-100"
          />
        </div>
        <div>
          <label htmlFor={pasteId} className="block font-medium">
            {t('verify.pasteLabel')}
          </label>
          <textarea
            ref={pasteRef}
            id={pasteId}
            value={pasted}
            onChange={(event) => setPasted(event.currentTarget.value)}
            rows={4}
            spellCheck={false}
            autoCapitalize="off"
            autoCorrect="off"
            className="mt-2 block w-full rounded-lg border border-slate-400 bg-white px-3 py-2 font-mono text-sm break-all dark:border-slate-500 dark:bg-slate-950"
          />
        </div>
        <div>
          <Button type="submit" busy={result.kind === 'checking'}>
            {result.kind === 'checking' ? t('verify.checking') : t('verify.check')}
          </Button>
        </div>
      </form>
      <p className="mt-3 text-sm text-slate-600 dark:text-slate-400">
        {t('verify.offline')} <code className="font-mono break-words">{OFFLINE_COMMAND}</code>
      </p>

      <section aria-labelledby={resultsTitleId} className="mt-8">
        <h2 id={resultsTitleId} className={result.kind === 'idle' || result.kind === 'checking' ? 'sr-only' : 'text-xl font-semibold'}>
          {t('verify.resultsLabel')}
        </h2>
        {/* Mounted from the start, so a screen reader announces what appears in it: the verdict,
            and a single receipt's checklist (an export's many checklists follow outside it). */}
        <div aria-live="polite" className="mt-3 grid grid-cols-1 gap-4 empty:mt-0">
          {result.kind === 'problem' ? (
            <Alert variant="error" role="none">
              {t(result.key)}
            </Alert>
          ) : null}
          {report ? <Verdict verdict={single?.verdict ?? overall(report)} text={fileSummary(report, t)} /> : null}
          {single ? <Checklist checks={single.checks} /> : null}
        </div>
        {single?.record ? <Facts record={single.record} level={2} /> : null}
        {report?.kind === 'export'
          ? report.receipts.map((receipt, index) => <ExportedReceipt key={index} receipt={receipt} index={index} total={report.receipts.length} />)
          : null}
      </section>
    </Page>
  )
}

class TooLarge extends Error {}

function overall(report: FileReport): ReceiptReport['verdict'] {
  if (report.receipts.some((receipt) => receipt.verdict === 'refused')) return 'refused'
  return report.receipts.some((receipt) => receipt.verdict === 'verified') ? 'verified' : 'unsigned'
}

// The words carry the verdict; colour and mark only echo them (WCAG AA in both schemes). Texts that
// hold a key id or a hash wrap anywhere, and the grids' one column may shrink below the longest
// of those (grid-cols-1 is minmax(0, 1fr)): otherwise it widens the page on a phone.
const VERDICT_STYLE: Record<ReceiptReport['verdict'], { box: string; mark: string }> = {
  verified: { box: 'border-emerald-300 bg-emerald-50 text-emerald-950 dark:border-emerald-800 dark:bg-emerald-950 dark:text-emerald-100', mark: '✓' },
  refused: { box: 'border-red-300 bg-red-50 text-red-900 dark:border-red-800 dark:bg-red-950 dark:text-red-100', mark: '✕' },
  unsigned: { box: 'border-amber-300 bg-amber-50 text-amber-950 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-100', mark: '–' },
}

function Verdict({ verdict, text }: { verdict: ReceiptReport['verdict']; text: string }) {
  const style = VERDICT_STYLE[verdict]
  return (
    <p className={`flex items-start gap-3 rounded-lg border px-4 py-3 font-medium break-words ${style.box}`}>
      <span aria-hidden="true" className="text-lg leading-6 font-bold">
        {style.mark}
      </span>
      <span className="min-w-0 wrap-anywhere">{text}</span>
    </p>
  )
}

const STATUS_STYLE: Record<Check['status'], { mark: string; colour: string; label: MessageKey }> = {
  pass: { mark: '✓', colour: 'bg-emerald-100 text-emerald-900 dark:bg-emerald-950 dark:text-emerald-100', label: 'verify.passed' },
  fail: { mark: '✕', colour: 'bg-red-100 text-red-900 dark:bg-red-950 dark:text-red-100', label: 'verify.failed' },
  note: { mark: '–', colour: 'bg-slate-100 text-slate-800 dark:bg-slate-800 dark:text-slate-100', label: 'verify.noted' },
  skipped: { mark: '–', colour: 'bg-slate-100 text-slate-800 dark:bg-slate-800 dark:text-slate-100', label: 'verify.noted' },
}

/** Each check with its outcome spelled out (a screen reader hears "Failed", not a cross) and its reason. */
function Checklist({ checks }: { checks: readonly Check[] }) {
  const { t } = useTranslation()
  return (
    <ul aria-label={t('verify.checklistLabel')} className="grid grid-cols-1 gap-2">
      {checklistLines(checks).map(({ status, labels, text }) => {
        const style = STATUS_STYLE[status]
        return (
          <li key={labels.join()} className="flex items-start gap-3 rounded-lg border border-slate-200 bg-white p-3 text-sm dark:border-slate-800 dark:bg-slate-900">
            <span aria-hidden="true" className={`inline-flex size-6 shrink-0 items-center justify-center rounded-full font-bold ${style.colour}`}>
              {style.mark}
            </span>
            <span className="min-w-0 wrap-anywhere">
              <span className="font-semibold">
                {labels.map((label) => t(label)).join(t('verify.labelSeparator'))}
                <span className="sr-only">: {t(style.label)}</span>
              </span>
              <span className="block text-slate-700 dark:text-slate-300">{t(text.key, text.values)}</span>
            </span>
          </li>
        )
      })}
    </ul>
  )
}

/** One receipt of an export: its verdict, its checklist, and what it says, folded. */
function ExportedReceipt({ receipt, index, total }: { receipt: ReceiptReport; index: number; total: number }) {
  const { t, language } = useTranslation()
  const timeZone = useTimeZone()
  const titleId = useId()
  const { record } = receipt
  return (
    <article aria-labelledby={titleId} className="mt-6 border-t border-slate-200 pt-4 dark:border-slate-800">
      <h3 id={titleId} className="text-base font-semibold break-words">
        {t('verify.receiptHeading', { index: index + 1, total })}
        {record ? (
          <span className="block font-normal text-slate-700 dark:text-slate-300">
            <UpstreamText>{record.app_name}</UpstreamText> · {t(`verify.decision.${record.decision}`)} · {t(`verify.outcome.${record.outcome}`)} ·{' '}
            {formatDateTime(record.at, language, timeZone)}
          </span>
        ) : null}
      </h3>
      {/* A long export is read for what fails: a verified receipt's checklist folds away with its facts. */}
      <div className="mt-2 grid grid-cols-1 gap-2">
        <Verdict verdict={receipt.verdict} text={receiptSummary(receipt, t)} />
        {receipt.checks.length && receipt.verdict !== 'verified' ? <Checklist checks={receipt.checks} /> : null}
      </div>
      {record ? (
        <details className="mt-2">
          <summary className="inline-flex min-h-target cursor-pointer items-center text-sm font-medium text-brand-700 underline underline-offset-4 dark:text-brand-100">
            {t(receipt.verdict === 'verified' ? 'verify.checksAndFacts' : 'verify.facts.title')}
          </summary>
          {receipt.verdict === 'verified' ? (
            <div className="mt-2">
              <Checklist checks={receipt.checks} />
            </div>
          ) : null}
          <Facts record={record} level={3} />
        </details>
      ) : null}
    </article>
  )
}

/**
 * What the signed record says, and nothing else: app, decision and outcome, when, where the person
 * was sent, the permissions and the separate consent in the words shown, the samples.
 */
function Facts({ record, level }: { record: ConsentRecord; level: 2 | 3 }) {
  const { t, language } = useTranslation()
  const timeZone = useTimeZone()
  const titleId = useId()
  const Sub = level === 2 ? 'h3' : 'h4'
  const sub = (title: string, children: ReactNode) => (
    <section className="mt-5 break-inside-avoid">
      <Sub className="mb-2 text-base font-semibold">{title}</Sub>
      {children}
    </section>
  )
  // Inside an export's receipt the <summary> already says it: no heading of its own there.
  return (
    <section aria-labelledby={titleId} className={level === 2 ? 'mt-8' : 'mt-3'}>
      {level === 2 ? (
        <h2 id={titleId} className="text-xl font-semibold">
          {t('verify.facts.title')}
        </h2>
      ) : (
        <span id={titleId} hidden>
          {t('verify.facts.title')}
        </span>
      )}
      <dl className="mt-4 grid gap-x-6 gap-y-3 text-sm sm:grid-cols-[auto_minmax(0,1fr)]">
        <Field label={t('verify.facts.app')}>
          <UpstreamText>{record.app_name}</UpstreamText>{' '}
          <span className="text-slate-600 dark:text-slate-400">
            ({t('verify.facts.clientId')} <code className="font-mono break-all">{record.client_id}</code>)
          </span>
        </Field>
        <Field label={t('verify.facts.decision')}>{t(`verify.decision.${record.decision}`)}</Field>
        <Field label={t('verify.facts.outcome')}>{t(`verify.outcome.${record.outcome}`)}</Field>
        <Field label={t('verify.facts.when')}>
          <time dateTime={record.at}>{formatDateTime(record.at, language, timeZone)}</time>
          <span className="block text-slate-600 dark:text-slate-400">
            {t('verify.facts.utc')} <code className="font-mono">{record.at}</code>
          </span>
        </Field>
        <Field label={t('verify.facts.sentTo')}>
          {record.redirect_host ? (
            <code className="font-mono break-all">{record.redirect_host}</code>
          ) : record.mini_program_name ? (
            t('verify.facts.sentToMiniProgram', { name: record.mini_program_name })
          ) : (
            t('verify.facts.sentNowhere')
          )}
        </Field>
        <Field label={t('verify.facts.userId')}>
          <code className="font-mono break-all">{record.user_id}</code>
        </Field>
        <Field label={t('verify.facts.recordId')}>
          <code className="font-mono break-all">{record.id}</code>
        </Field>
        {record.resolves ? (
          <Field label={t('verify.facts.settles')}>
            <code className="font-mono break-all">{record.resolves}</code>
          </Field>
        ) : null}
        {record.confirms ? (
          <Field label={t('verify.facts.confirms')}>
            <code className="font-mono break-all">{record.confirms}</code>
          </Field>
        ) : null}
      </dl>
      {sub(
        t('verify.facts.scopes'),
        record.scopes.length ? (
          <RecordedScopes scopes={record.scopes} language={record.language} headingLevel={4} />
        ) : (
          <p className="text-sm text-slate-700 dark:text-slate-300">{t('verify.facts.noScopes')}</p>
        ),
      )}
      {record.separate_consent
        ? sub(
            t('verify.facts.separate'),
            <>
              <p className="text-sm">{t(record.separate_consent.given ? 'verify.facts.separateGiven' : 'verify.facts.separateNotGiven')}</p>
              <ul lang={record.language} className="mt-1 grid grid-cols-1 list-disc gap-1 ps-5 text-sm text-slate-700 dark:text-slate-300">
                {record.separate_consent.words.map((words, index) => (
                  <li key={index} className="break-words">
                    {words}
                  </li>
                ))}
              </ul>
            </>,
          )
        : null}
      {sub(
        t('verify.facts.samples'),
        record.biosamples.length ? (
          <ul className="flex flex-wrap gap-2 text-sm">
            {record.biosamples.map((sample) => (
              <li key={sample.biosample_id} className="inline-flex max-w-full items-baseline gap-1.5 rounded-full bg-slate-100 px-3 py-1 dark:bg-slate-800">
                <span className="font-mono break-all">{sample.biosample_id}</span>
                {sample.type ? <span className="text-slate-600 dark:text-slate-400">{sample.type}</span> : null}
              </li>
            ))}
          </ul>
        ) : (
          <p className="text-sm text-slate-700 dark:text-slate-300">{t('verify.facts.noSamples')}</p>
        ),
      )}
      {sub(t('verify.facts.hash'), <p className="font-mono text-sm break-all">{record.text_sha256}</p>)}
    </section>
  )
}

function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <>
      <dt className="font-medium text-slate-600 dark:text-slate-400">{label}</dt>
      <dd className="-mt-2 break-words sm:mt-0">{children}</dd>
    </>
  )
}
