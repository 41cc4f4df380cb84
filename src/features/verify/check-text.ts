// The checklist of a receipt in words: one message per check and outcome, with the values that make
// it precise. The /verify page shows them in the reader's language; `npm run verify-receipt`
// (scripts/verify-receipt.ts) prints the English ones, so both say the same thing.
import type { Check, CheckName, FileReport, ReceiptReport } from '@/contract/receipt-verify'
import type { MessageKey, MessageValues } from '@/lib/i18n'

export interface Text {
  key: MessageKey
  values?: MessageValues
}

export const CHECK_LABELS: Record<CheckName, MessageKey> = {
  signature: 'verify.label.signature',
  payload: 'verify.label.payload',
  text: 'verify.label.text',
  chain: 'verify.label.chain',
  copy: 'verify.label.copy',
}

/** A line of the checklist: one check, or every check a failed signature left unchecked, together. */
export interface ChecklistLine {
  status: Check['status']
  labels: MessageKey[]
  text: Text
}

/** The checks as lines: what a failed signature left unchecked is said once, not once per check. */
export function checklistLines(checks: readonly Check[]): ChecklistLine[] {
  const lines: ChecklistLine[] = []
  for (const check of checks) {
    const previous = lines.at(-1)
    if (check.status === 'skipped' && previous?.status === 'skipped') previous.labels.push(CHECK_LABELS[check.check])
    else lines.push({ status: check.status, labels: [CHECK_LABELS[check.check]], text: checkText(check) })
  }
  return lines
}

/** What a check found, in words. */
export function checkText(check: Check): Text {
  if (check.status === 'skipped') return { key: 'verify.skipped' }
  switch (check.check) {
    case 'signature':
      if (check.status === 'pass') return { key: 'verify.signature.pass', values: { kid: check.kid } }
      return { key: `verify.signature.${check.reason}`, values: { kid: check.kid ?? '', alg: check.alg ?? '' } }
    case 'payload':
      if (check.status === 'pass') return { key: 'verify.payload.pass' }
      return { key: `verify.payload.${check.reason}`, values: { fields: (check.fields ?? []).join(', ') } }
    case 'text':
      if (check.status === 'pass') return { key: 'verify.text.pass' }
      return { key: 'verify.text.fail', values: { recomputed: check.recomputed, stated: check.stated } }
    case 'chain': {
      const seq = check.seq ?? 0
      const around = { seq, previous: seq - 1 }
      if (check.status === 'pass') return { key: `verify.chain.${check.kind}`, values: around }
      if (check.status === 'note') return { key: `verify.chain.${check.kind}`, values: around }
      if (check.reason === 'gap') {
        const from = check.from ?? seq
        const to = check.to ?? seq
        return { key: 'verify.chain.gap', values: { from, to, count: to - from + 1 } }
      }
      // 'start' names the text by what it says, not the code ("start" reads as the chain's first receipt).
      return { key: check.reason === 'start' ? 'verify.chain.start_broken' : `verify.chain.${check.reason}`, values: around }
    }
    case 'copy':
      if (check.status === 'pass') return { key: 'verify.copy.pass' }
      return { key: 'verify.copy.fail', values: { fields: check.fields.join(', ') } }
  }
}

/** One receipt's verdict in a sentence; a refusal names the first thing that failed. */
export function receiptSummary(receipt: ReceiptReport, t: (key: MessageKey, values?: MessageValues) => string): string {
  if (receipt.verdict === 'verified') return t('verify.summary.verified')
  if (receipt.verdict === 'unsigned') return t('verify.summary.unsigned')
  const failed = receipt.checks.find((check) => check.status === 'fail')
  const reason = failed ? checkText(failed) : { key: 'verify.signature.malformed' as const }
  return t('verify.summary.refused', { reason: t(reason.key, reason.values) })
}

/** A file's verdict in a sentence: its receipt's, or an export's counts. */
export function fileSummary(report: FileReport, t: (key: MessageKey, values?: MessageValues) => string): string {
  const [single] = report.receipts
  if (report.kind !== 'export' && single) return receiptSummary(single, t)
  const count = (verdict: ReceiptReport['verdict']) => report.receipts.filter((receipt) => receipt.verdict === verdict).length
  return t('verify.summary.export', { total: report.receipts.length, verified: count('verified'), refused: count('refused'), unsigned: count('unsigned') }).trim()
}
