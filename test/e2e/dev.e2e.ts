// `npm run dev` (server/dev.ts) serves pages through the same server render as production: the
// BFF renders them with src/entry-server.tsx, loaded by Vite from source, and the browser hydrates
// them with hot reload connected, under the portal's own CSP.
import { afterAll, beforeAll, expect, test } from 'vitest'
import { RENDER_STATE_ID } from '../../src/contract/render-state'
import { launchBrowser } from '../support/browser'
import { ALICE } from '../support/fixture-users'
import { basicWorld } from '../support/fixtures'
import { startPortal, type Portal } from '../support/portal'

let portal: Portal

beforeAll(async () => {
  portal = await startPortal({ entry: 'server/dev.ts', fixtures: basicWorld })
})

afterAll(async () => {
  await portal?.stop()
})

async function signIn(): Promise<string> {
  const response = await fetch(`${portal.origin}/api/session`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Requested-With': 'fetch', Origin: portal.origin },
    body: JSON.stringify({ user_id: ALICE.id }),
  })
  expect(response.status).toBe(200)
  return response.headers.get('Set-Cookie')?.split(';')[0] ?? ''
}

test('pages are rendered on the server from source, with the render state, the stylesheet and Vite’s client', async () => {
  const cookie = await signIn()
  const consent = `/oauth2/authorize?${new URLSearchParams({ client_id: 'web-app', redirect_uri: `${portal.origin}/sandbox/callback`, response_type: 'code', scope: 'profile.default', state: 'dev' })}`
  for (const [path, text] of [
    ['/grants', 'My authorizations'],
    [consent, 'Gene Insight'],
  ] as const) {
    const response = await fetch(`${portal.origin}${path}`, { headers: { Cookie: cookie, 'Accept-Language': 'en' }, redirect: 'manual' })
    expect(response.status, path).toBe(200)
    const html = await response.text()
    expect(html, path).toMatch(/<div id="root"><div/)
    expect(html, path).toContain(text)
    expect(html, path).toContain(`<script type="application/json" id="${RENDER_STATE_ID}">`)
    expect(html, path).toContain('src="/@vite/client"')
    // Styled from the first paint, as the build's pages are.
    expect(html, path).toContain('<link rel="stylesheet" href="/src/app/styles.css" />')
  }
})

test('the browser hydrates it with hot reload connected and nothing refused or mismatched', async () => {
  const browser = await launchBrowser()
  try {
    const page = await browser.newPage({ locale: 'en-US' })
    const logs: string[] = []
    page.on('console', (message) => logs.push(`${message.type()}: ${message.text()}`))
    page.on('pageerror', (error) => logs.push(`pageerror: ${error.message}`))
    await page.goto(`${portal.origin}/signin?next=%2Fgrants`)
    await expect.poll(() => logs.some((line) => line.includes('[vite] connected')), { timeout: 30_000 }).toBe(true)
    // Hydrated: the sign-in button works and lands on the rendered grants page.
    await page.getByRole('button', { name: `Sign in as ${ALICE.name}` }).click()
    await page.waitForURL(`${portal.origin}/grants`)
    await expect.poll(() => page.getByRole('heading', { level: 1 }).innerText()).toBe('My authorizations')
    expect(logs.filter((line) => line.startsWith('error') || line.startsWith('pageerror'))).toEqual([])
  } finally {
    await browser.close()
  }
})
