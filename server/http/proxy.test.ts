// Which forwarded headers are believed, and from whom (SPEC.md "Security"); through the BFF in
// server/http/security.test.ts and server/routes/session.test.ts.
import { Hono } from 'hono'
import { describe, expect, test } from 'vitest'
import { loadConfig } from '../config'
import { clientIp, isHttpsRequest, proxyTrust, requestOrigin } from './proxy'

function probe(env: Record<string, string> = {}) {
  const app = new Hono()
  app.use('*', proxyTrust(loadConfig(env)))
  app.get('/', (c) => c.json({ origin: requestOrigin(c), https: isHttpsRequest(c), ip: clientIp(c) ?? null }))
  return async (headers: Record<string, string>, peer?: string) => {
    const response = await app.request('http://10.0.0.7:3000/', { headers }, peer === undefined ? undefined : { incoming: { socket: { remoteAddress: peer } } })
    return (await response.json()) as { origin: string; https: boolean; ip: string | null }
  }
}

const FORWARDED = { 'X-Forwarded-Proto': 'https', 'X-Forwarded-Host': 'consent.example.com', 'X-Forwarded-For': '198.51.100.23' }

describe('X-Forwarded-* are believed only from a trusted peer', () => {
  test('from a peer in TRUST_PROXY: origin, scheme and client address are the forwarded ones', async () => {
    const ask = probe({ TRUST_PROXY: '10.0.0.0/8' })
    expect(await ask(FORWARDED, '10.0.0.2')).toEqual({ origin: 'https://consent.example.com', https: true, ip: '198.51.100.23' })
  })

  test('from any other peer, or with no socket, or with TRUST_PROXY unset, the request’s own', async () => {
    const trusting = probe({ TRUST_PROXY: '10.0.0.0/8' })
    expect(await trusting(FORWARDED, '203.0.113.5')).toEqual({ origin: 'http://10.0.0.7:3000', https: false, ip: '203.0.113.5' })
    expect(await trusting(FORWARDED)).toEqual({ origin: 'http://10.0.0.7:3000', https: false, ip: null })
    expect(await probe()(FORWARDED, '10.0.0.2')).toEqual({ origin: 'http://10.0.0.7:3000', https: false, ip: '10.0.0.2' })
    expect(await probe()(FORWARDED, '127.0.0.1')).toMatchObject({ https: false, ip: '127.0.0.1' })
  })

  test('names proxy-addr knows: loopback', async () => {
    const ask = probe({ TRUST_PROXY: 'loopback' })
    expect(await ask(FORWARDED, '127.0.0.1')).toMatchObject({ https: true, ip: '198.51.100.23' })
    expect(await ask(FORWARDED, '::ffff:127.0.0.1')).toMatchObject({ https: true })
    expect(await ask(FORWARDED, '10.0.0.2')).toMatchObject({ https: false, ip: '10.0.0.2' })
  })

  test('X-Forwarded-For is walked from the right while each hop is trusted; what a client wrote first is not', async () => {
    const ask = probe({ TRUST_PROXY: '10.0.0.0/8' })
    // The client claims 1.2.3.4; the first proxy saw 198.51.100.23; a second proxy (10.0.0.9) passed it on.
    const chain = { 'X-Forwarded-For': '1.2.3.4, 198.51.100.23, 10.0.0.9' }
    expect((await ask(chain, '10.0.0.2')).ip).toBe('198.51.100.23')
    expect((await ask({ 'X-Forwarded-For': '10.0.0.3, 10.0.0.4' }, '10.0.0.2')).ip).toBe('10.0.0.3')
  })

  test('a trusted proxy’s forwarded values are used only when they are what they claim', async () => {
    const ask = probe({ TRUST_PROXY: '10.0.0.2' })
    expect((await ask({ 'X-Forwarded-Proto': 'https, http' }, '10.0.0.2')).origin).toBe('https://10.0.0.7:3000')
    expect((await ask({ 'X-Forwarded-Proto': 'gopher' }, '10.0.0.2')).origin).toBe('http://10.0.0.7:3000')
    expect((await ask({ 'X-Forwarded-Host': 'evil.example/path' }, '10.0.0.2')).origin).toBe('http://10.0.0.7:3000')
    expect((await ask({ 'X-Forwarded-Host': 'user@evil.example' }, '10.0.0.2')).origin).toBe('http://10.0.0.7:3000')
    expect((await ask({ 'X-Forwarded-Host': 'Consent.Example.com:443', 'X-Forwarded-Proto': 'HTTPS' }, '10.0.0.2')).origin).toBe('https://consent.example.com')
  })
})

test('PUBLIC_ORIGIN wins over the request and over a trusted proxy', async () => {
  const ask = probe({ PUBLIC_ORIGIN: 'https://consent.example.com', TRUST_PROXY: '10.0.0.0/8' })
  expect(await ask({}, '203.0.113.5')).toMatchObject({ origin: 'https://consent.example.com', https: true })
  expect(await ask({ ...FORWARDED, 'X-Forwarded-Host': 'evil.example', 'X-Forwarded-Proto': 'http' }, '10.0.0.2')).toMatchObject({
    origin: 'https://consent.example.com',
    https: true,
    // The client's address still comes from the trusted chain.
    ip: '198.51.100.23',
  })
})

test('without the middleware nobody is trusted', async () => {
  const app = new Hono()
  app.get('/', (c) => c.text(requestOrigin(c)))
  const response = await app.request('http://portal.test/', { headers: FORWARDED }, { incoming: { socket: { remoteAddress: '127.0.0.1' } } })
  expect(await response.text()).toBe('http://portal.test')
})
