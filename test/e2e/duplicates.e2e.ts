// Duplicates in Chromium: parameters given twice, oversized addresses, and decisions repeated by
// double clicks, second tabs, reloads and the back button. The platform's authorize calls are
// counted in the portal's request log (the sandbox is served by the same process), so "at most
// one upstream authorize per ticket, one code" is read from what the platform heard.
import type { Browser, Page, Request } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { z } from 'zod'
import { applicationResponseSchema } from '../../src/contract/api'
import { SUPPORTED_LANGUAGES } from '../../src/contract/languages'
import { launchBrowser } from '../support/browser'
import { ALICE, BOB } from '../support/fixture-users'
import { basicWorld } from '../support/fixtures'
import { startPortal, type Portal } from '../support/portal'
import { renderedQuery, renderStateOf, signIn, upstreamCalls, watchedPage, watchTab } from '../support/watch'
import { agreeToGeneticData } from '../support/genetic'

const AUTHORIZE = '/openbge/oauth2/authorize'

let portal: Portal
let browser: Browser

beforeAll(async () => {
  ;[portal, browser] = await Promise.all([startPortal({ fixtures: basicWorld }), launchBrowser()])
})

afterAll(async () => {
  await browser?.close()
  await portal?.stop()
})

function consentQuery(params: Record<string, string> = {}): string {
  return new URLSearchParams({
    client_id: 'web-app',
    redirect_uri: `${portal.origin}/sandbox/callback`,
    response_type: 'code',
    scope: 'profile.default sample.default:read',
    state: 'duplicates',
    ...params,
  }).toString()
}

function authorizeCalls(): number {
  return upstreamCalls(portal.output(), AUTHORIZE)
}

/** The consent tickets the page's authorize requests carried, in order. */
function recordTickets(page: Page): string[] {
  const tickets: string[] = []
  page.on('request', (request: Request) => {
    if (request.method() === 'POST' && new URL(request.url()).pathname === '/api/oauth2/authorize') {
      const body: unknown = request.postDataJSON()
      if (typeof body === 'object' && body !== null && 'ticket' in body && typeof body.ticket === 'string') tickets.push(body.ticket)
    }
  })
  return tickets
}

async function authorizeAndLeave(page: Page): Promise<string> {
  await page.getByRole('checkbox', { name: /E-A0001/ }).check()
  await agreeToGeneticData(page)
  await page.getByRole('button', { name: 'Authorize' }).click()
  await page.waitForURL((url) => url.pathname === '/sandbox/callback')
  return new URL(page.url()).searchParams.get('code') ?? ''
}

describe('a parameter given twice on /oauth2/authorize', () => {
  test.each([
    ['client_id', '&client_id=other-app', 'en-US', 'This link is ambiguous'],
    ['redirect_uri', `&redirect_uri=${encodeURIComponent('https://evil.example/cb')}`, 'en-US', 'This link is ambiguous'],
    ['state', '&state=second', 'zh-CN', '这个链接有歧义'],
  ])('%s twice: the error page names it, signed out and before anything is asked', async (parameter, extra, locale, heading) => {
    const watched = await watchedPage(browser, { locale })
    const { page, context } = watched
    const asked: string[] = []
    page.on('request', (request) => {
      if (new URL(request.url()).pathname === '/api/oauth2/application') asked.push(request.url())
    })
    await page.goto(`${portal.origin}/oauth2/authorize?${consentQuery()}${extra}`)
    await page.getByRole('heading', { level: 1, name: heading }).waitFor()
    expect(new URL(page.url()).pathname).toBe('/oauth2/authorize')
    const developer = page.getByRole('definition')
    expect(await developer.filter({ hasText: 'duplicate_parameter' }).count()).toBe(1)
    expect(await developer.filter({ hasText: new RegExp(`^${parameter}$`) }).count()).toBe(1)
    expect(asked).toEqual([])
    expect(watched.problems).toEqual([])
    await context.close()
  })

  test('an empty client_id keeps the "incomplete" page', async () => {
    const { page, context } = await watchedPage(browser)
    await page.goto(`${portal.origin}/oauth2/authorize?${consentQuery({ client_id: '' })}`)
    await page.getByRole('heading', { level: 1, name: 'This link is incomplete' }).waitFor()
    await context.close()
  })
})

describe('oversized addresses', () => {
  test('a 12 KB state: the BFF’s short 414 text page, nothing of the address echoed', async () => {
    const watched = await watchedPage(browser)
    const { page, context } = watched
    const response = await page.goto(`${portal.origin}/oauth2/authorize?${consentQuery({ state: 's'.repeat(12 * 1024) })}`)
    expect(response?.status()).toBe(414)
    const text = await page.locator('body').innerText()
    expect(text).toMatch(/^This link is too long/)
    expect(text).not.toContain('sssssssss')
    expect(watched.problems).toEqual([])
    await context.close()
  })

  test.each([
    ['a 64 KB state', () => consentQuery({ state: 's'.repeat(64 * 1024) })],
    ['a 100 KB address', () => `${consentQuery()}&padding=${'p'.repeat(100 * 1024)}`],
  ])('%s: refused by Node before the app (431, the browser’s own error page); the portal keeps serving', async (_name, queryOf) => {
    const query = queryOf()
    const watched = await watchedPage(browser)
    const { page, context } = watched
    const answer = page.waitForResponse((response) => new URL(response.url()).pathname === '/oauth2/authorize')
    // An error status with no body: Chromium shows its own "HTTP ERROR 431" page and goto rejects.
    await expect(page.goto(`${portal.origin}/oauth2/authorize?${query}`)).rejects.toThrow(/ERR_HTTP_RESPONSE_CODE_FAILURE/)
    expect((await answer).status()).toBe(431)
    const next = await watchTab(context)
    await next.page.goto(`${portal.origin}/oauth2/authorize?${consentQuery({ client_id: '' })}`)
    await next.page.getByRole('heading', { level: 1, name: 'This link is incomplete' }).waitFor()
    expect(next.problems).toEqual([])
    await context.close()
  })
})

describe('one upstream authorize per ticket, one code', () => {
  test('a double click sends one decision and mints one code', async () => {
    const watched = await watchedPage(browser)
    const { page, context } = watched
    await signIn(context, portal.origin, ALICE.id)
    const tickets = recordTickets(page)
    const before = authorizeCalls()
    await page.goto(`${portal.origin}/oauth2/authorize?${consentQuery({ state: 'double click' })}`)
    await page.getByRole('checkbox', { name: /E-A0001/ }).check()
    await agreeToGeneticData(page)
    // Two clicks in one task, faster than any person: the button cannot have re-rendered between them.
    await page.getByRole('button', { name: 'Authorize' }).evaluate((button: HTMLElement) => {
      button.click()
      button.click()
    })
    await page.waitForURL((url) => url.pathname === '/sandbox/callback')
    expect(tickets).toHaveLength(1)
    await expect.poll(authorizeCalls).toBe(before + 1)
    expect(watched.problems).toEqual([])
    await context.close()
  })

  test('the same ticket from two tabs: one upstream authorize, both get the one code', async () => {
    const watched = await watchedPage(browser)
    const { page, context } = watched
    await signIn(context, portal.origin, BOB.id)
    const query = consentQuery({ state: 'two tabs one ticket' })
    // The page's own ticket: its application answer comes with the HTML, in the render's state.
    const documentOf = page.waitForResponse((response) => new URL(response.url()).pathname === '/oauth2/authorize')
    await page.goto(`${portal.origin}/oauth2/authorize?${query}`)
    const html = await (await documentOf).text()
    const answer = applicationResponseSchema.parse(renderedQuery(renderStateOf(html), 'application', 'consent'))
    const ticket = answer.ticket ?? ''
    expect(ticket).not.toBe('')
    // The page's language, which a decision carries (the BFF recomputes the texts shown in it).
    const language = z.enum(SUPPORTED_LANGUAGES).parse(await page.evaluate(() => document.documentElement.lang))
    await page.getByRole('checkbox', { name: /E-B0001/ }).check()
    const before = authorizeCalls()

    // The second tab sends the first tab's ticket, as a copied request would.
    const other = await watchTab(context)
    await other.page.goto(`${portal.origin}/grants`)
    const first = await other.page.evaluate(
      async (body) => {
        const response = await fetch('/api/oauth2/authorize', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', 'X-Requested-With': 'fetch' },
          body: JSON.stringify(body),
        })
        return (await response.json()) as { redirect_to?: string }
      },
      {
        ticket,
        language,
        client_id: 'web-app',
        redirect_uri: `${portal.origin}/sandbox/callback`,
        scope: 'profile.default sample.default:read',
        state: 'two tabs one ticket',
        biosample_ids: [{ biosample_id: 'E-B0001', type: 'Lowpass' }],
        separate_consent: true,
      },
    )
    const firstCode = new URL(first.redirect_to ?? 'about:blank').searchParams.get('code')
    expect(firstCode).toMatch(/.+/)

    await agreeToGeneticData(page)
    await page.getByRole('button', { name: 'Authorize' }).click()
    await page.waitForURL((url) => url.pathname === '/sandbox/callback')
    expect(new URL(page.url()).searchParams.get('code')).toBe(firstCode)
    await expect.poll(authorizeCalls).toBe(before + 1)
    expect([...watched.problems, ...other.problems]).toEqual([])
    await context.close()
  })

  test('two tabs of one consent page each hold their own ticket: each decision reaches the platform once', async () => {
    const { page, context } = await watchedPage(browser)
    await signIn(context, portal.origin, ALICE.id)
    const other = await watchTab(context)
    const ticketsA = recordTickets(page)
    const ticketsB = recordTickets(other.page)
    const url = `${portal.origin}/oauth2/authorize?${consentQuery({ state: 'two tabs' })}`
    await Promise.all([page.goto(url), other.page.goto(url)])
    const before = authorizeCalls()
    const [codeA, codeB] = await Promise.all([authorizeAndLeave(page), authorizeAndLeave(other.page)])
    expect(ticketsA).toHaveLength(1)
    expect(ticketsB).toHaveLength(1)
    expect(ticketsA[0]).not.toBe(ticketsB[0])
    // One consent page, one ticket, one upstream authorize: two pages are two decisions.
    await expect.poll(authorizeCalls).toBe(before + 2)
    expect(codeA).not.toBe(codeB)
    await context.close()
  })

  test('a reload during submit: the lost answer’s ticket still gives its first answer, never a second code', async () => {
    const watched = await watchedPage(browser)
    const { page, context } = watched
    await signIn(context, portal.origin, ALICE.id)
    const tickets = recordTickets(page)
    let sent: string | null = null
    let release: () => void = () => {}
    const held = new Promise<void>((resolve) => (release = resolve))
    // The first answer is held back until the page has reloaded: the BFF decided, the page never
    // heard. Later decisions pass straight through.
    await page.route('**/api/oauth2/authorize', async (route) => {
      if (sent !== null) return route.continue()
      sent = route.request().postData() ?? ''
      const response = await route.fetch()
      await held
      await route.fulfill({ response }).catch(() => undefined)
    })
    const before = authorizeCalls()
    await page.goto(`${portal.origin}/oauth2/authorize?${consentQuery({ state: 'reload during submit' })}`)
    await page.getByRole('checkbox', { name: /E-A0001/ }).check()
    await agreeToGeneticData(page)
    await page.getByRole('button', { name: 'Authorize' }).click()
    await expect.poll(authorizeCalls).toBe(before + 1)
    await page.reload()
    release()
    await page.getByRole('button', { name: 'Authorize' }).waitFor()

    // The first request sent again, ticket and all (a browser resending it): its first answer, no new code.
    const replay = await page.evaluate(async (body) => {
      const response = await fetch('/api/oauth2/authorize', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-Requested-With': 'fetch' },
        body,
      })
      return { status: response.status, body: (await response.json()) as { redirect_to?: string } }
    }, sent ?? '')
    expect(replay.status).toBe(200)
    expect(new URL(replay.body.redirect_to ?? 'about:blank').searchParams.get('state')).toBe('reload during submit')
    expect(authorizeCalls()).toBe(before + 1)

    // The reloaded page decides with its own, new ticket (its genetic step unticked again).
    await agreeToGeneticData(page)
    await page.getByRole('button', { name: 'Authorize' }).click()
    await page.waitForURL((url) => url.pathname === '/sandbox/callback')
    expect(new Set(tickets).size).toBe(2)
    await expect.poll(authorizeCalls).toBe(before + 2)
    expect(watched.problems).toEqual([])
    await context.close()
  })

  test('back after success: the consent page is gone from history, and opening it again decides nothing', async () => {
    const watched = await watchedPage(browser)
    const { page, context } = watched
    await signIn(context, portal.origin, ALICE.id)
    await page.goto(`${portal.origin}/grants`)
    await page.getByRole('heading', { level: 1 }).waitFor()
    const before = authorizeCalls()
    await page.goto(`${portal.origin}/oauth2/authorize?${consentQuery({ state: 'back button' })}`)
    const code = await authorizeAndLeave(page)
    expect(code).toMatch(/.+/)
    await page.goBack()
    await page.waitForURL((url) => url.pathname === '/grants')
    await page.goForward()
    await page.waitForURL((url) => url.pathname === '/sandbox/callback')
    expect(new URL(page.url()).searchParams.get('code')).toBe(code)
    await page.goto(`${portal.origin}/oauth2/authorize?${consentQuery({ state: 'back button' })}`)
    await page.getByRole('heading', { level: 1, name: 'You’ve already answered this request' }).waitFor()
    expect(authorizeCalls()).toBe(before + 1)
    expect(watched.problems).toEqual([])
    await context.close()
  })
})
