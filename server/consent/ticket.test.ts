import { randomBytes } from 'node:crypto'
import { describe, expect, test } from 'vitest'
import { ConsentTickets, maskTicket, TICKET_TTL_MS, unmaskTicket } from './ticket'

const request = { authToken: 'tok-1', clientId: 'app', redirectUri: 'https://a.example/cb', scope: 'profile.default' }
/** What the page shows, carried for the decision's record. */
const shown = { appName: 'App', appLogo: '', textDigests: { 'zh-CN': '1'.repeat(64), en: '2'.repeat(64) } }

function tickets(now = () => 1_000_000) {
  return new ConsentTickets([randomBytes(32)], now)
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
  const [body = '', mac = ''] = signedForm(ticket).split('.')
  const tampered = Buffer.from(Buffer.from(body, 'base64url').toString().replace('"rs":false', '"rs":true')).toString('base64url')
  expect(t.verify(maskTicket(`${tampered}.${mac}`), request)).toEqual({ ok: false, problem: 'malformed' })
  expect(tickets().verify(ticket, request)).toEqual({ ok: false, problem: 'malformed' })
  expect(t.verify('garbage', request)).toEqual({ ok: false, problem: 'malformed' })
})

function signedForm(masked: string): string {
  const signed = unmaskTicket(masked)
  if (signed === undefined) throw new Error('not a masked ticket')
  return signed
}

describe('masked per response (BREACH: compressed pages hold the ticket beside reflected text)', () => {
  test('the same signed ticket is masked differently every time, and each masking verifies', () => {
    const t = tickets()
    const signed = signedForm(t.issue({ ...request, requiresSamples: false, wxmpAppId: '', ...shown }))
    const [one, two] = [maskTicket(signed), maskTicket(signed)]
    expect(one).not.toBe(two)
    expect(t.verify(one, request).ok).toBe(true)
    expect(t.verify(two, request).ok).toBe(true)
    // Not a byte in common position by position beyond chance: nothing stays the same across responses.
    const [a, b] = [Buffer.from(one, 'base64url'), Buffer.from(two, 'base64url')]
    const same = a.filter((byte, i) => byte === b[i]).length
    expect(same / a.length).toBeLessThan(0.05)
  })

  test("no part of a session's tickets repeats from one page to the next, though their payloads share the session binding", () => {
    const t = tickets()
    const [first, second] = [1, 2].map(() => t.issue({ ...request, requiresSamples: false, wxmpAppId: '', ...shown }))
    // Unmasked, the two share their payload's opening (version, session binding, client…).
    const prefix = (s: string) => s.slice(0, 40)
    expect(prefix(signedForm(first!))).toBe(prefix(signedForm(second!)))
    expect(prefix(first!)).not.toBe(prefix(second!))
  })

  test('only the masked form verifies: the signed ticket as such is refused', () => {
    const t = tickets()
    const ticket = t.issue({ ...request, requiresSamples: false, wxmpAppId: '', ...shown })
    expect(t.verify(signedForm(ticket), request)).toEqual({ ok: false, problem: 'malformed' })
    expect(unmaskTicket('')).toBeUndefined()
    expect(unmaskTicket('abcd')).toBeUndefined() // three bytes: no pad and ticket of one length
    expect(unmaskTicket('abcde')).toBeUndefined() // a dangling character Node would drop
  })
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

test('the MAC is decoded strictly: trailing garbage, padding or foreign characters are refused', () => {
  const t = tickets()
  const ticket = t.issue({ ...request, requiresSamples: false, wxmpAppId: '', ...shown })
  expect(t.verify(ticket, request).ok).toBe(true)
  // Node's base64url decoder would skip these and decode the same MAC, masked or not.
  const signed = signedForm(ticket)
  for (const spoiled of [`${signed}=`, `${signed}!!`, `${signed}.x`, `${signed} `, signed.replace('.', '.*'), `${signed.slice(0, -1)}`]) {
    expect(t.verify(maskTicket(spoiled), request)).toEqual({ ok: false, problem: 'malformed' })
  }
  for (const spoiled of [`${ticket}=`, `${ticket}!!`, `${ticket}.x`, `${ticket} `, `${ticket.slice(0, -1)}`, `${ticket}A`]) {
    expect(t.verify(spoiled, request)).toEqual({ ok: false, problem: 'malformed' })
  }
})

test('each ticket seals its decision under a key of its own that only the ticket holds', () => {
  const t = tickets()
  const first = t.issue({ ...request, requiresSamples: false, wxmpAppId: '', ...shown })
  const second = t.issue({ ...request, requiresSamples: false, wxmpAppId: '', ...shown })
  const [a, b] = [t.verify(first, request), t.verify(second, request)]
  if (!a.ok || !b.ok) throw new Error('tickets did not verify')
  expect(a.sealingKey).toHaveLength(32)
  expect(a.sealingKey.equals(b.sealingKey)).toBe(false)
  // Derived from the MAC, never stored: the payload (which names the store's row) does not contain it.
  expect(Buffer.from(signedForm(first).split('.')[0]!, 'base64url').toString()).not.toContain(a.sealingKey.toString('base64url'))
  const again = t.verify(first, request)
  expect(again.ok && again.sealingKey.equals(a.sealingKey)).toBe(true)
})

describe('SESSION_SECRET rotation: the first key signs, every key verifies', () => {
  const [oldKey, newKey, otherKey] = [randomBytes(32), randomBytes(32), randomBytes(32)]
  const issue = (t: ConsentTickets) => t.issue({ ...request, requiresSamples: false, wxmpAppId: '', ...shown })

  test('a ticket signed with the old key verifies once the new key signs, bound to the same session', () => {
    const before = new ConsentTickets([oldKey])
    const after = new ConsentTickets([newKey, oldKey])
    const ticket = issue(before)
    expect(after.verify(ticket, request).ok).toBe(true)
    expect(after.verify(ticket, { ...request, authToken: 'tok-2' })).toEqual({ ok: false, problem: 'wrong_session' })
    expect(after.verify(ticket, { ...request, clientId: 'other' })).toEqual({ ok: false, problem: 'wrong_request' })
    // New tickets are signed with the first key: an instance that only knows the old one refuses them.
    const fresh = issue(after)
    expect(new ConsentTickets([newKey]).verify(fresh, request).ok).toBe(true)
    expect(before.verify(fresh, request)).toEqual({ ok: false, problem: 'malformed' })
  })

  test('a key no longer in the list refuses', () => {
    const ticket = issue(new ConsentTickets([oldKey]))
    expect(new ConsentTickets([newKey]).verify(ticket, request)).toEqual({ ok: false, problem: 'malformed' })
    expect(new ConsentTickets([newKey, otherKey]).verify(ticket, request)).toEqual({ ok: false, problem: 'malformed' })
  })

  test('the sealing key is the same whichever instance verifies, before or after the rotation', () => {
    const ticket = issue(new ConsentTickets([oldKey]))
    const keys = [new ConsentTickets([oldKey]), new ConsentTickets([newKey, oldKey]), new ConsentTickets([otherKey, newKey, oldKey])].map((t) => {
      const result = t.verify(ticket, request)
      if (!result.ok) throw new Error(`did not verify: ${result.problem}`)
      return result.sealingKey.toString('hex')
    })
    expect(new Set(keys).size).toBe(1)
  })

  test('an empty list is a programming error, not a ticket that anyone can sign', () => {
    expect(() => new ConsentTickets([])).toThrow(/at least one secret/)
  })
})
