import { randomBytes } from 'node:crypto'
import { describe, expect, onTestFinished, test } from 'vitest'
import { z } from 'zod'
import { ConsentTickets, TicketDecisions, TICKET_TTL_MS, type ConsentTicket } from './ticket'
import { openPortalStore } from '../store/portal-store'

const request = { authToken: 'tok-1', clientId: 'app', redirectUri: 'https://a.example/cb', scope: 'profile.default' }
/** What the page shows, carried for the decision's record. */
const shown = { appName: 'App', appLogo: '', textDigests: { 'zh-CN': '1'.repeat(64), en: '2'.repeat(64) } }

function tickets(now = () => 1_000_000) {
  return new ConsentTickets(randomBytes(32), now)
}

test('a ticket verifies for the same session and request', () => {
  const t = tickets()
  const ticket = t.issue({ ...request, requiresSamples: true, wxmpAppId: '', ...shown })
  const result = t.verify(ticket, request)
  expect(result.ok && result.ticket.rs).toBe(true)
  expect(result.ok && [result.ticket.an, result.ticket.td]).toEqual(['App', shown.textDigests])
  expect(ticket).not.toContain('tok-1')
})

test('a ticket is bound to its session, client, redirect and scope', () => {
  const t = tickets()
  const ticket = t.issue({ ...request, requiresSamples: false, wxmpAppId: '', ...shown })
  expect(t.verify(ticket, { ...request, authToken: 'tok-2' })).toEqual({ ok: false, problem: 'wrong_session' })
  expect(t.verify(ticket, { ...request, clientId: 'other' })).toEqual({ ok: false, problem: 'wrong_request' })
  expect(t.verify(ticket, { ...request, redirectUri: 'https://a.example/cb2' })).toEqual({ ok: false, problem: 'wrong_request' })
  expect(t.verify(ticket, { ...request, scope: '' })).toEqual({ ok: false, problem: 'wrong_request' })
})

test('a forged or foreign ticket is refused', () => {
  const t = tickets()
  const ticket = t.issue({ ...request, requiresSamples: false, wxmpAppId: '', ...shown })
  const [body = '', mac = ''] = ticket.split('.')
  const tampered = Buffer.from(Buffer.from(body, 'base64url').toString().replace('"rs":false', '"rs":true')).toString('base64url')
  expect(t.verify(`${tampered}.${mac}`, request)).toEqual({ ok: false, problem: 'malformed' })
  expect(tickets().verify(ticket, request)).toEqual({ ok: false, problem: 'malformed' })
  expect(t.verify('garbage', request)).toEqual({ ok: false, problem: 'malformed' })
})

test('a ticket expires after ten minutes', () => {
  let now = 5_000
  const t = tickets(() => now)
  const ticket = t.issue({ ...request, requiresSamples: false, wxmpAppId: '', ...shown })
  now += TICKET_TTL_MS - 1
  expect(t.verify(ticket, request).ok).toBe(true)
  now += 1
  expect(t.verify(ticket, request)).toEqual({ ok: false, problem: 'expired' })
})

describe('the first decision per ticket', () => {
  function issue(): ConsentTicket {
    const t = tickets(() => Date.now())
    const issued = t.verify(t.issue({ ...request, requiresSamples: false, wxmpAppId: '', ...shown }), request)
    if (!issued.ok) throw new Error('ticket did not verify')
    return issued.ticket
  }
  function decisions(options: { waitMs?: number } = {}) {
    const store = openPortalStore({ engine: 'sqlite', path: ':memory:' })
    onTestFinished(() => store.close())
    return new TicketDecisions(store, { answerSchema: z.string(), waitMs: options.waitMs ?? 2000, leaseMs: 60_000 })
  }

  test('wins; a repeat gets its answer, another decision gets nothing; a failed one is released', async () => {
    const memory = decisions()
    const ticket = issue()
    let calls = 0
    const make = async () => `code-${++calls}`
    expect(await memory.once(ticket, 'authorize', make)).toBe('code-1')
    expect(await memory.once(ticket, 'authorize', make)).toBe('code-1')
    expect(await memory.once(ticket, 'deny', make)).toBeUndefined()

    const other = issue()
    await expect(memory.once(other, 'authorize', () => Promise.reject(new Error('timeout')))).rejects.toThrow('timeout')
    expect(await memory.once(other, 'authorize', make)).toBe('code-2')
    expect(calls).toBe(2)
  })

  test('a concurrent request waits for the winner’s answer; a different decision meanwhile is refused at once', async () => {
    const memory = decisions()
    const ticket = issue()
    let finish: (code: string) => void = () => undefined
    const winner = memory.once(ticket, 'authorize', () => new Promise<string>((resolve) => (finish = resolve)))
    await new Promise((resolve) => setTimeout(resolve, 20))
    const waiter = memory.once(ticket, 'authorize', () => Promise.reject(new Error('must not run')))
    expect(await memory.once(ticket, 'deny', () => Promise.reject(new Error('must not run')))).toBeUndefined()
    setTimeout(() => finish('code-1'), 100)
    expect(await Promise.all([winner, waiter])).toEqual(['code-1', 'code-1'])
  })

  test('a waiter whose winner fails is told so (never asking the platform itself); one left waiting too long gives up', async () => {
    const memory = decisions({ waitMs: 300 })
    const failing = issue()
    const winner = memory.once(failing, 'authorize', () => new Promise<string>((_, reject) => setTimeout(() => reject(new Error('timeout')), 100)))
    await new Promise((resolve) => setTimeout(resolve, 20))
    const waiter = memory.once(failing, 'authorize', () => Promise.reject(new Error('must not run')))
    await expect(winner).rejects.toThrow('timeout')
    await expect(waiter).rejects.toMatchObject({ status: 502, code: 'upstream_error' })

    const slow = issue()
    const late = memory.once(slow, 'authorize', () => new Promise<string>((resolve) => setTimeout(() => resolve('late'), 600)))
    await new Promise((resolve) => setTimeout(resolve, 20))
    const started = performance.now()
    await expect(memory.once(slow, 'authorize', () => Promise.reject(new Error('must not run')))).rejects.toMatchObject({ status: 504, code: 'upstream_timeout' })
    expect(performance.now() - started).toBeGreaterThanOrEqual(250)
    expect(performance.now() - started).toBeLessThan(550)
    expect(await late).toBe('late')
  })
})
