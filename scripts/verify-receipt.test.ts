import { execFile } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { JWKS_PATH } from '../src/contract/receipts'
import { changeOneCharacter, jwksOf, receiptJson, recordsExport, signedChain, signingKey } from '../test/support/receipts'
import { argumentsFromNpm, verifyReceiptCli } from './verify-receipt'

let dir: string
let keys: Server
let keysUrl: string
const paths = { good: '', altered: '', export: '', gap: '', jwks: '', notReceipt: '' }

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'verify-receipt-'))
  const key = await signingKey('2026-11')
  const chain = await signedChain(key, 3)
  const jwks = JSON.stringify(jwksOf(key))
  // The portal's JWKS over HTTP, for --jwks URL and an export's own `jwks`.
  keys = createServer((request, response) => {
    if (request.url !== JWKS_PATH) return void response.writeHead(404).end()
    response.writeHead(200, { 'Content-Type': 'application/json' }).end(jwks)
  })
  await new Promise<void>((resolve) => keys.listen(0, '127.0.0.1', resolve))
  keysUrl = `http://127.0.0.1:${(keys.address() as AddressInfo).port}${JWKS_PATH}`
  const files: Record<keyof typeof paths, string> = {
    good: receiptJson(chain[1]!.record, chain[1]!.jws, chain[0]!.jws),
    altered: changeOneCharacter(chain[0]!.jws, chain[0]!.jws.indexOf('.') + 40),
    export: recordsExport(chain, { jwks: keysUrl }),
    gap: recordsExport([chain[0]!, chain[2]!], { jwks: keysUrl }),
    jwks,
    notReceipt: '{"hello":"world"}',
  }
  for (const [name, text] of Object.entries(files)) {
    paths[name as keyof typeof paths] = join(dir, name)
    await writeFile(join(dir, name), text)
  }
})

afterAll(async () => {
  await new Promise((resolve) => keys?.close(resolve))
  await rm(dir, { recursive: true, force: true })
})

async function run(...args: string[]) {
  const out: string[] = []
  const err: string[] = []
  const code = await verifyReceiptCli(args, { out: (line) => out.push(line), err: (line) => err.push(line) })
  return { code, out: out.join('\n'), err: err.join('\n') }
}

describe('npm run verify-receipt', () => {
  test('a good receipt with a saved JWKS: the checklist, all passed, exit 0', async () => {
    const { code, out, err } = await run(paths.good, '--jwks', paths.jwks)
    expect(err).toBe('')
    expect(out).toContain('Receipt 1 of 1: Gene Insight · Authorize · Granted · 2026-11-02T08:30:00.000Z · rec-2')
    expect(out).toContain('✓ Signature: Signed by this portal, with its key 2026-11.')
    expect(out).toContain('✓ Chain: Linked to your receipt before it (number 1 of your chain); this is number 2.')
    expect(out).toContain('✓ Readable copy: The readable copy in the file says what was signed.')
    expect(out.trim().split('\n').at(-1)).toBe('Verified: this portal signed this receipt and nothing in it has changed since.')
    expect(code).toBe(0)
  })

  test('one changed character: refused with the reason, exit 1', async () => {
    const { code, out } = await run(paths.altered, `--jwks=${keysUrl}`)
    expect(out).toContain('✗ Signature: The signature does not match: the receipt was altered or not signed by this portal.')
    expect(out).toContain('– Signed content, Words, Chain: Not checked: the signature did not verify, so nothing in the receipt can be trusted.')
    expect(out.trim().split('\n').at(-1)).toBe('Not verified: The signature does not match: the receipt was altered or not signed by this portal.')
    // Nothing from the payload that failed.
    expect(out).not.toContain('Gene Insight')
    expect(code).toBe(1)
  })

  test('an export checks with the keys it names; a gap in it is named and fails', async () => {
    const whole = await run(paths.export)
    expect(whole.out).toContain(`checked with the keys from ${keysUrl}`)
    expect(whole.out.trim().split('\n').at(-1)).toBe('3 of 3 receipts verified. None refused.')
    expect(whole.code).toBe(0)
    const gap = await run(paths.gap)
    expect(gap.out).toContain('✗ Chain: Receipt number 2 of your chain is missing from this file.')
    expect(gap.out.trim().split('\n').at(-1)).toBe('1 of 2 receipts verified. 1 refused.')
    expect(gap.code).toBe(1)
  })

  test('what is not a receipt, or keys that cannot be had, exit 1', async () => {
    expect(await run(paths.notReceipt, '--jwks', paths.jwks)).toMatchObject({ code: 1, err: expect.stringContaining('This is not a receipt from this portal.') })
    expect(await run(paths.good, '--jwks', keysUrl.replace(JWKS_PATH, '/nothing'))).toMatchObject({ code: 1, err: expect.stringContaining('it answered 404') })
    expect(await run(paths.good, '--jwks', paths.notReceipt)).toMatchObject({ code: 1, err: expect.stringContaining('is not a JWKS') })
  })

  test('usage errors exit 2 with the usage: no file, no keys for a single receipt, an unknown option, an unreadable file', async () => {
    for (const args of [[], [paths.good], [paths.good, '--keys', paths.jwks], [join(dir, 'missing.json'), '--jwks', paths.jwks], [paths.good, '--jwks']]) {
      const { code, err } = await run(...args)
      expect(code, args.join(' ')).toBe(2)
      expect(err, args.join(' ')).toContain('Usage: npm run verify-receipt FILE [--jwks FILE|URL]')
    }
  })

  test('`npm run verify-receipt FILE --jwks X`: the option npm keeps for itself is read back', () => {
    expect(argumentsFromNpm(['a.json', 'keys.json'], 'true')).toEqual(['a.json', '--jwks', 'keys.json'])
    expect(argumentsFromNpm(['a.json'], 'https://portal/.well-known/jwks.json')).toEqual(['a.json', '--jwks', 'https://portal/.well-known/jwks.json'])
    expect(argumentsFromNpm(['a.json', '--jwks', 'k'], 'true')).toEqual(['a.json', '--jwks', 'k'])
    expect(argumentsFromNpm(['a.json'], undefined)).toEqual(['a.json'])
  })

  test('as a command: tsx runs it and its exit code is the verdict', async () => {
    const script = fileURLToPath(new URL('./verify-receipt.ts', import.meta.url))
    const tsx = fileURLToPath(new URL('../node_modules/.bin/tsx', import.meta.url))
    const exit = (args: string[]) =>
      new Promise<{ code: number; stdout: string }>((resolve) => {
        execFile(tsx, [script, ...args], (error, stdout) => resolve({ code: error ? Number(error.code) : 0, stdout }))
      })
    expect(await exit([paths.good, '--jwks', paths.jwks])).toMatchObject({ code: 0, stdout: expect.stringContaining('Verified:') })
    expect((await exit([paths.altered, '--jwks', paths.jwks])).code).toBe(1)
    expect((await exit([])).code).toBe(2)
  })
})
