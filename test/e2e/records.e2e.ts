// Consent records end to end (issue #11): what a person agreed to is on the grants page in the
// words of that moment; every decision is in Activity; a receipt prints on one A4 page and
// downloads as JSON. One portal, the journeys in order: each builds on the decisions before it.
import { readFile } from 'node:fs/promises'
import { compactVerify, createLocalJWKSet, type JSONWebKeySet } from 'jose'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { axeViolations, DESKTOP, describeViolations, launchBrowser, PHONE } from '../support/browser'
import { ALICE, BOB } from '../support/fixture-users'
import { sample, webApp } from '../support/fixtures'
import { startPortal, type Portal } from '../support/portal'
import { agreeToGeneticData } from '../support/genetic'

let portal: Portal
let browser: Browser

function recordsWorld(origin: string) {
  return {
    users: [
      { ...ALICE, biosamples: [sample('E-A0001', 'Lowpass'), sample('E-A0002', 'Full', 2), sample('E-A0003', '16S', 3, 'Gut 2024')] },
      { ...BOB, biosamples: [sample('E-B0001', 'Lowpass')] },
    ],
    applications: [webApp(origin), webApp(origin, { client_id: 'gut-check', name: 'Gut Check', scopes: ['profile.default', 'survey.default'] })],
    grants: [],
  }
}

beforeAll(async () => {
  ;[portal, browser] = await Promise.all([startPortal({ fixtures: recordsWorld }), launchBrowser()])
})

afterAll(async () => {
  await browser?.close()
  await portal?.stop()
})

async function signedInPage(options: { lang?: 'en' | 'zh-CN'; viewport?: { width: number; height: number } } = {}) {
  const context = await browser.newContext({ locale: 'en-US', viewport: options.viewport ?? DESKTOP, acceptDownloads: true })
  await context.addCookies([
    { name: 'bge_auth_token', value: ALICE.auth_token, url: portal.origin, httpOnly: true },
    { name: 'bge_lang', value: options.lang ?? 'en', url: portal.origin },
  ])
  const page = await context.newPage()
  const errors: string[] = []
  page.on('pageerror', (error) => errors.push(error.message))
  page.on('console', (message) => {
    // The sandbox's callback page names no icon, so the browser asks for /favicon.ico: not the portal's pages.
    if (message.type() === 'error' && !message.location().url.endsWith('/favicon.ico')) errors.push(`${message.text()} ${message.location().url}`)
  })
  return { context, page, errors }
}

function consentUrl(clientId: string, scope: string): string {
  const query = new URLSearchParams({ client_id: clientId, redirect_uri: `${portal.origin}/sandbox/callback`, response_type: 'code', scope, state: `records ${clientId}` })
  return `${portal.origin}/oauth2/authorize?${query}`
}

/** The receipt page's value for one label of its description list. */
function field(page: Page, label: string) {
  return page.locator('dt', { hasText: label }).locator('xpath=following-sibling::dd[1]').innerText()
}

/** The receipt of the newest decision in Activity. */
async function openNewestReceipt(page: Page) {
  await page.goto(`${portal.origin}/activity`)
  await page.getByRole('list', { name: 'Your decisions' }).getByRole('link').first().click()
  await page.getByRole('heading', { level: 1, name: 'Consent receipt' }).waitFor()
}

describe('consent records', () => {
  test('authorize → grants: “What you agreed to” shows the words and samples of that moment, and its receipt', async () => {
    const { context, page, errors } = await signedInPage()
    await page.goto(consentUrl('web-app', 'profile.default sample.default:read variant.rsid'))
    await page.getByRole('checkbox', { name: /E-A0001/ }).check()
    await page.getByRole('checkbox', { name: /E-A0002/ }).check()
    await agreeToGeneticData(page)
    await page.getByRole('button', { name: 'Authorize' }).click()
    await page.waitForURL((url) => url.pathname === '/sandbox/callback')

    await page.goto(`${portal.origin}/grants`)
    const card = page.getByRole('article', { name: 'Gene Insight' })
    await card.getByText('What you agreed to').click()
    const agreed = card.locator('details')
    await expect.poll(() => agreed.getAttribute('open')).toBe('')
    const text = await agreed.innerText()
    // The English page's words for the platform's scopes, under their tiers, and the two samples chosen.
    expect(text).toContain('Your genetic data')
    expect(text).toContain('Genomic variants (by RS number)')
    expect(text).toContain('Basic profile')
    expect(text).toContain('2 samples shared then: E-A0001, E-A0002')
    // The third sample was left out, and the card says so.
    expect(await card.innerText()).toContain('1 of your samples is not shared with it')

    await agreed.getByRole('link', { name: 'View the receipt' }).click()
    await page.getByRole('heading', { level: 1, name: 'Consent receipt' }).waitFor()
    expect(await field(page, 'Decision')).toBe('Authorized')
    expect(await field(page, 'Who')).toContain(ALICE.name)
    expect(await field(page, 'Where you were sent')).toBe(new URL(portal.origin).host)
    expect(await page.getByRole('region', { name: 'Fingerprint of the words (SHA-256)' }).innerText()).toMatch(/[0-9a-f]{64}/)
    expect(errors, errors.join('\n')).toEqual([])
    await context.close()
  })

  test('a deny and a revoke appear in Activity, newest first; the revoke’s confirmation links to its record', async () => {
    const { context, page, errors } = await signedInPage()
    await page.goto(consentUrl('gut-check', 'profile.default survey.default'))
    await page.getByRole('button', { name: 'Deny' }).click()
    await page.waitForURL((url) => url.pathname === '/sandbox/callback')

    await page.goto(`${portal.origin}/grants`)
    await page.getByRole('button', { name: 'Revoke Gene Insight' }).click()
    const dialog = page.getByRole('dialog')
    expect(await dialog.innerText()).toContain('It does not delete copies the app has already made')
    await dialog.getByRole('button', { name: 'Revoke', exact: true }).click()
    await page.getByRole('link', { name: 'View the receipt of this revoke' }).click()
    await page.getByRole('heading', { level: 1, name: 'Consent receipt' }).waitFor()
    expect(await field(page, 'Decision')).toBe('Revoked')

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Activity' }).click()
    const list = page.getByRole('list', { name: 'Your decisions' })
    await list.waitFor()
    const items = await list.getByRole('article').allInnerTexts()
    expect(items).toEqual([
      expect.stringMatching(/Gene Insight\s+Revoked/),
      expect.stringMatching(/Gut Check\s+Denied/),
      expect.stringMatching(/Gene Insight\s+Authorized/),
    ])
    expect(errors, errors.join('\n')).toEqual([])
    await context.close()
  })

  test('a receipt prints without the page’s chrome, on one A4 page', async () => {
    const { context, page } = await signedInPage()
    await page.goto(`${portal.origin}/activity`)
    // The authorize: the longest receipt, with scopes and samples.
    await page.getByRole('link', { name: /^View receipt: Authorized Gene Insight/ }).click()
    await page.getByRole('heading', { level: 1, name: 'Consent receipt' }).waitFor()
    await page.emulateMedia({ media: 'print' })
    expect(await page.getByRole('banner').isVisible()).toBe(false)
    expect(await page.getByRole('button', { name: 'Print' }).isVisible()).toBe(false)
    expect(await page.getByRole('link', { name: 'Download JSON' }).isVisible()).toBe(false)
    expect(await page.getByRole('link', { name: 'All activity' }).isVisible()).toBe(false)
    expect(await page.getByText('Genomic variants (by RS number)', { exact: true }).isVisible()).toBe(true)
    const pdf = (await page.pdf({ format: 'A4' })).toString('latin1')
    expect(pdf.match(/\/Type\s*\/Page(?!s)/g)).toHaveLength(1)
    await context.close()
  })

  test('a receipt downloads as Kantara Consent Receipt JSON, with its JWS', async () => {
    const { context, page } = await signedInPage()
    await openNewestReceipt(page)
    const id = decodeURIComponent(new URL(page.url()).pathname.split('/').pop() ?? '')
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download JSON' }).click()])
    expect(download.suggestedFilename()).toBe(`consent-receipt-${id}.json`)
    const receipt: unknown = JSON.parse(await readFile(await download.path(), 'utf8'))
    expect(receipt).toMatchObject({
      version: 'KI-CR-v1.1.0',
      consentReceiptID: id,
      piiPrincipalId: ALICE.id,
      language: 'en',
      services: [{ service: 'Gene Insight' }],
      bge: {
        decision: 'revoke',
        client_id: 'web-app',
        text_sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
        chain_seq: expect.any(Number),
        jws: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/),
        previous_jws: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/),
      },
    })
    await context.close()
  })

  test('Activity downloads every record in one file, each with a JWS that verifies against the portal’s JWKS', async () => {
    const { context, page } = await signedInPage()
    await page.goto(`${portal.origin}/activity`)
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download all records (JSON)' }).click()])
    expect(download.suggestedFilename()).toMatch(/^consent-records-\d{4}-\d{2}-\d{2}\.json$/)
    const file = JSON.parse(await readFile(await download.path(), 'utf8')) as {
      format: string
      subject: string
      jwks: string
      records: { consentReceiptID: string; bge: { jws: string } }[]
    }
    expect(file).toMatchObject({ format: 'bge-consent-records/1', subject: ALICE.id, jwks: `${portal.origin}/.well-known/jwks.json` })
    // The journeys before this one made several decisions, each an attempt and what settled it.
    expect(file.records.length).toBeGreaterThanOrEqual(4)
    const keys = createLocalJWKSet((await (await fetch(file.jwks)).json()) as JSONWebKeySet)
    for (const receipt of file.records) {
      const { payload } = await compactVerify(receipt.bge.jws, keys)
      expect((JSON.parse(new TextDecoder().decode(payload)) as { id: string }).id).toBe(receipt.consentReceiptID)
    }
    await context.close()
  })

  for (const lang of ['en', 'zh-CN'] as const) {
    for (const [sizeName, viewport] of [
      ['phone', PHONE],
      ['desktop', DESKTOP],
    ] as const) {
      test(`axe finds nothing on Activity and a receipt in ${lang} on a ${sizeName}`, async () => {
        const { context, page } = await signedInPage({ lang, viewport })
        await page.goto(`${portal.origin}/activity`)
        const list = page.getByRole('list', { name: lang === 'en' ? 'Your decisions' : '你的决定' })
        await list.waitFor()
        const onActivity = await axeViolations(page)
        expect(onActivity, describeViolations(onActivity)).toEqual([])
        // Nothing scrolls sideways on a phone.
        expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(viewport.width)

        await list.getByRole('link').last().click()
        await page.getByRole('heading', { level: 1, name: lang === 'en' ? 'Consent receipt' : '授权回执' }).waitFor()
        const onReceipt = await axeViolations(page)
        expect(onReceipt, describeViolations(onReceipt)).toEqual([])
        expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(viewport.width)
        await context.close()
      })
    }
  }
})
