// `npm run verify-receipt FILE [--jwks FILE|URL]` (built: `node dist/server/verify-receipt.js …`):
// checks a downloaded receipt offline, as /verify does in the browser (src/contract/receipt-verify.ts,
// the same checks and the same English words, src/locales/en.json `verify.*`). The portal's public
// keys come from --jwks (a file, or the portal's /.well-known/jwks.json), else from the address an
// export names. Exit 0: every receipt verified; 1: one did not (or none could be checked); 2: usage.
import { readFile } from 'node:fs/promises'
import { pathToFileURL } from 'node:url'
import { setupI18n, type Messages } from '@lingui/core'
import { compileMessage } from '@lingui/message-utils/compileMessage'
import { parseJwks, readReceiptFile, verifyReceiptFile, type FileReport, type Jwks } from '../src/contract/receipt-verify'
import { checklistLines, fileSummary, receiptSummary } from '../src/features/verify/check-text'
import type { MessageKey, MessageValues } from '../src/lib/i18n'
import en from '../src/locales/en.json'

const USAGE = 'Usage: npm run verify-receipt FILE [--jwks FILE|URL]\n  FILE: a receipt JSON, a records export or a .jws file downloaded from the portal\n  --jwks: the portal’s public keys (https://<portal>/.well-known/jwks.json, or a saved copy); an export names its own'

export interface CliIo {
  out: (line: string) => void
  err: (line: string) => void
  /** Reads FILE and a --jwks file. */
  readText?: (path: string) => Promise<string>
  /** Fetches a --jwks URL. */
  fetch?: typeof fetch
}

class UsageError extends Error {}

/** en.json flattened to dotted keys and compiled, as the SPA's build does (vite.config.ts), for `t`. */
function englishTexts(): (key: MessageKey, values?: MessageValues) => string {
  const messages: Messages = {}
  const visit = (node: unknown, path: string) => {
    if (typeof node === 'string') messages[path] = compileMessage(node)
    else if (node && typeof node === 'object') for (const [key, child] of Object.entries(node)) visit(child, path ? `${path}.${key}` : key)
  }
  visit(en, '')
  const i18n = setupI18n({ locale: 'en', messages: { en: messages } })
  return (key, values) => i18n._(key, values)
}

function parseArgs(args: readonly string[]): { file: string; jwks: string | undefined } {
  let file: string | undefined
  let jwks: string | undefined
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? ''
    if (arg === '--jwks') {
      jwks = args[++i]
      if (!jwks) throw new UsageError('--jwks needs a file or a URL.')
    } else if (arg.startsWith('--jwks=')) jwks = arg.slice('--jwks='.length)
    else if (arg.startsWith('-')) throw new UsageError(`Unknown option ${arg}.`)
    else if (file === undefined) file = arg
    else throw new UsageError(`One file at a time (got ${file} and ${arg}).`)
  }
  if (!file) throw new UsageError('Which file? Give the receipt you downloaded.')
  return { file, jwks }
}

async function loadJwks(source: string, io: Required<CliIo>): Promise<Jwks | string> {
  let text: string
  try {
    if (/^https?:\/\//i.test(source)) {
      const response = await io.fetch(source, { headers: { Accept: 'application/json' }, signal: AbortSignal.timeout(15_000) })
      if (!response.ok) return `The portal’s public keys could not be loaded from ${source}: it answered ${response.status}.`
      text = await response.text()
    } else text = await io.readText(source)
  } catch (error) {
    return `The portal’s public keys could not be loaded from ${source}: ${error instanceof Error ? error.message : String(error)}.`
  }
  return parseJwks(text) ?? `${source} is not a JWKS (a JSON object with "keys").`
}

const MARKS = { pass: '✓', fail: '✗', note: '–', skipped: '–' } as const

/** The checklist as /verify shows it, a receipt at a time; only the signed record's facts. */
function print(report: FileReport, t: (key: MessageKey, values?: MessageValues) => string, out: (line: string) => void) {
  const total = report.receipts.length
  report.receipts.forEach((receipt, index) => {
    const { record } = receipt
    out('')
    out(`${t('verify.receiptHeading', { index: index + 1, total })}${record ? `: ${record.app_name} · ${t(`verify.decision.${record.decision}`)} · ${t(`verify.outcome.${record.outcome}`)} · ${record.at} · ${record.id}` : ''}`)
    for (const { status, labels, text } of checklistLines(receipt.checks)) {
      out(`  ${MARKS[status]} ${labels.map((label) => t(label)).join(t('verify.labelSeparator'))}: ${t(text.key, text.values)}`)
    }
    // One receipt's verdict is the file's, said once below.
    if (report.kind === 'export') out(`  ${receiptSummary(receipt, t)}`)
  })
  out('')
  out(fileSummary(report, t))
}

/** The command, given its arguments; resolves to its exit code. */
export async function verifyReceiptCli(args: readonly string[], io: CliIo): Promise<number> {
  const full: Required<CliIo> = { readText: (path) => readFile(path, 'utf8'), fetch: globalThis.fetch, ...io }
  const t = englishTexts()
  let options: ReturnType<typeof parseArgs>
  let text: string
  try {
    options = parseArgs(args)
    text = await full.readText(options.file).catch((error: unknown) => {
      throw new UsageError(`${options.file} cannot be read: ${error instanceof Error ? error.message : String(error)}`)
    })
  } catch (error) {
    if (!(error instanceof UsageError)) throw error
    io.err(error.message)
    io.err(USAGE)
    return 2
  }
  const file = readReceiptFile(text)
  if (file.kind === 'unknown') {
    io.err(t('verify.problem.notReceipt'))
    return 1
  }
  const jwksSource = options.jwks ?? file.jwksUrl
  if (!jwksSource) {
    io.err('Where are the portal’s public keys? Give --jwks https://<portal>/.well-known/jwks.json (or a saved copy): only an export names its own.')
    io.err(USAGE)
    return 2
  }
  const jwks = await loadJwks(jwksSource, full)
  if (typeof jwks === 'string') {
    io.err(jwks)
    return 1
  }
  io.out(`${options.file}: checked with the keys from ${jwksSource}`)
  const report = await verifyReceiptFile(file, jwks)
  print(report, t, io.out)
  return report.receipts.length > 0 && report.receipts.every((receipt) => receipt.verdict === 'verified') ? 0 : 1
}

/**
 * The arguments as given to `npm run verify-receipt FILE --jwks X`: npm takes `--jwks` for one of
 * its own settings and passes it as `npm_config_jwks` (`true`, its value left among the arguments,
 * or the value itself for `--jwks=X`), so the command reads it back from there.
 */
export function argumentsFromNpm(args: readonly string[], npmJwks: string | undefined): string[] {
  if (npmJwks === undefined || npmJwks === '' || args.some((arg) => arg === '--jwks' || arg.startsWith('--jwks='))) return [...args]
  if (npmJwks !== 'true') return [...args, '--jwks', npmJwks]
  const [file, ...rest] = args
  return file === undefined ? ['--jwks'] : [file, '--jwks', ...rest]
}

// Run as a command (tsx in development, node on the bundle); imported by its tests, it does nothing.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = argumentsFromNpm(process.argv.slice(2), process.env['npm_config_jwks'])
  process.exitCode = await verifyReceiptCli(args, { out: (line) => console.log(line), err: (line) => console.error(line) })
}
