import { randomBytes } from 'node:crypto'
import { expect, test } from 'vitest'
import { ConsentTickets, DecisionMemory, TICKET_TTL_MS } from './consent-ticket'

const request = { authToken: 'tok-1', clientId: 'app', redirectUri: 'https://a.example/cb', scope: 'profile.default' }

function tickets(now = () => 1_000_000) {
  return new ConsentTickets(randomBytes(32), now)
}

test('a ticket verifies for the same session and request', () => {
  const t = tickets()
  const ticket = t.issue({ ...request, requiresSamples: true, wxmpAppId: '' })
  const result = t.verify(ticket, request)
  expect(result.ok && result.ticket.rs).toBe(true)
  expect(ticket).not.toContain('tok-1')
})

test('a ticket is bound to its session, client, redirect and scope', () => {
  const t = tickets()
  const ticket = t.issue({ ...request, requiresSamples: false, wxmpAppId: '' })
  expect(t.verify(ticket, { ...request, authToken: 'tok-2' })).toEqual({ ok: false, problem: 'wrong_session' })
  expect(t.verify(ticket, { ...request, clientId: 'other' })).toEqual({ ok: false, problem: 'wrong_request' })
  expect(t.verify(ticket, { ...request, redirectUri: 'https://a.example/cb2' })).toEqual({ ok: false, problem: 'wrong_request' })
  expect(t.verify(ticket, { ...request, scope: '' })).toEqual({ ok: false, problem: 'wrong_request' })
})

test('a forged or foreign ticket is refused', () => {
  const t = tickets()
  const ticket = t.issue({ ...request, requiresSamples: false, wxmpAppId: '' })
  const [body = '', mac = ''] = ticket.split('.')
  const tampered = Buffer.from(Buffer.from(body, 'base64url').toString().replace('"rs":false', '"rs":true')).toString('base64url')
  expect(t.verify(`${tampered}.${mac}`, request)).toEqual({ ok: false, problem: 'malformed' })
  expect(tickets().verify(ticket, request)).toEqual({ ok: false, problem: 'malformed' })
  expect(t.verify('garbage', request)).toEqual({ ok: false, problem: 'malformed' })
})

test('a ticket expires after ten minutes', () => {
  let now = 5_000
  const t = tickets(() => now)
  const ticket = t.issue({ ...request, requiresSamples: false, wxmpAppId: '' })
  now += TICKET_TTL_MS - 1
  expect(t.verify(ticket, request).ok).toBe(true)
  now += 1
  expect(t.verify(ticket, request)).toEqual({ ok: false, problem: 'expired' })
})

test('the first decision per ticket wins; a failed one is forgotten', async () => {
  const t = tickets(() => Date.now())
  const memory = new DecisionMemory<string>()
  const issued = t.verify(t.issue({ ...request, requiresSamples: false, wxmpAppId: '' }), request)
  if (!issued.ok) throw new Error('ticket did not verify')
  let calls = 0
  const make = async () => `code-${++calls}`
  expect(await memory.once(issued.ticket, 'authorize', make)).toBe('code-1')
  expect(await memory.once(issued.ticket, 'authorize', make)).toBe('code-1')
  expect(memory.once(issued.ticket, 'deny', make)).toBeUndefined()

  const other = t.verify(t.issue({ ...request, requiresSamples: false, wxmpAppId: '' }), request)
  if (!other.ok) throw new Error('ticket did not verify')
  await expect(memory.once(other.ticket, 'authorize', () => Promise.reject(new Error('timeout')))).rejects.toThrow('timeout')
  expect(await memory.once(other.ticket, 'authorize', make)).toBe('code-2')
})
