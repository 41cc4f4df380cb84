import { describe, expect, test } from 'vitest'
import { ApiError } from '@/lib/http'
import { buildChecklist, displayWidth, NAME_WIDTH_LIMIT } from './checklist'
import { decisionTarget } from './decision'

describe('displayWidth', () => {
  test('a Chinese character or an emoji counts as two, a Latin letter as one', () => {
    expect(displayWidth('Gene Insight')).toBe(12)
    expect(displayWidth('基因洞察')).toBe(8)
    expect(displayWidth('Gene 基因 🧬')).toBe(12)
    expect(NAME_WIDTH_LIMIT).toBe(20)
  })
})

describe('buildChecklist', () => {
  test('a network failure fails the app item with no code and leaves the rest unchecked, state included as sent', () => {
    const items = buildChecklist(
      { clientId: 'x', redirectUri: 'https://a.example/cb', scope: undefined, state: undefined },
      { kind: 'error', error: new ApiError({ status: 0, code: 'network_error', message: 'down' }) },
      'loading',
    )
    expect(items.map((item) => [item.id, item.status])).toEqual([
      ['app', 'fail'],
      ['redirect', 'na'],
      ['logo', 'na'],
      ['description', 'na'],
      ['name', 'na'],
      ['scopes', 'na'],
      ['counts', 'na'],
      ['separateConsent', 'na'],
      ['state', 'warn'],
      ['miniProgram', 'na'],
    ])
    expect(items[0]?.code).toBe('network_error')
  })
})

describe('buildChecklist: scopes', () => {
  const scope = (name: string, asked: boolean) => ({ scope: name, title: name, message: '', asked })
  function scopesItem(request: { scope: string | undefined }, granted: ReturnType<typeof scope>[], unknown: string[] = []) {
    const application = { client_id: 'x', name: 'X', logo: '', description: 'd', redirect_uri: 'https://a.example/cb', client_type: 'web', wxmp_app_id: '', scopes: granted }
    const items = buildChecklist(
      { clientId: 'x', redirectUri: 'https://a.example/cb', state: 's', ...request },
      { kind: 'ok', data: { application, granted_scopes: granted, unknown_scopes: unknown, ticket: null } },
      'loaded',
    )
    return items.find((item) => item.id === 'scopes')
  }

  test('granted scopes the link did not name: a warning with a fix, counting what was asked against what is granted', () => {
    expect(scopesItem({ scope: 'profile.default' }, [scope('profile.default', true), scope('variant.rsid', false)])).toEqual({
      id: 'scopes',
      status: 'warn',
      title: 'preview.checklist.scopes.title',
      detail: { key: 'preview.checklist.scopes.widened', values: { asked: 1, count: 2 } },
      fix: { key: 'preview.checklist.scopes.widenedFix' },
    })
  })

  test('every granted scope asked for passes; an unknown one still fails first', () => {
    expect(scopesItem({ scope: 'profile.default' }, [scope('profile.default', true)])?.status).toBe('pass')
    expect(scopesItem({ scope: undefined }, [scope('profile.default', true), scope('variant.rsid', true)])?.detail).toEqual({
      key: 'preview.checklist.scopes.all',
      values: { count: 2 },
    })
    expect(scopesItem({ scope: 'profile.default nope' }, [scope('profile.default', true), scope('variant.rsid', false)], ['nope'])?.status).toBe('fail')
  })
})

describe('buildChecklist: separate consent for genetic data', () => {
  const scope = (name: string) => ({ scope: name, title: name, message: '', asked: true })
  function separateItem(granted: ReturnType<typeof scope>[], description = 'd') {
    const application = { client_id: 'x', name: 'X', logo: '', description, redirect_uri: 'https://a.example/cb', client_type: 'web', wxmp_app_id: '', scopes: granted }
    const items = buildChecklist(
      { clientId: 'x', redirectUri: 'https://a.example/cb', state: 's', scope: undefined },
      { kind: 'ok', data: { application, granted_scopes: granted, unknown_scopes: [], ticket: null } },
      'loaded',
    )
    return items.find((item) => item.id === 'separateConsent')
  }

  test('names the granted scopes that trigger the step, genetic ones only', () => {
    expect(separateItem([scope('profile.default'), scope('variant.rsid'), scope('variant.chr:write')])).toEqual({
      id: 'separateConsent',
      status: 'pass',
      title: 'preview.checklist.separateConsent.title',
      detail: { key: 'preview.checklist.separateConsent.some', values: { scopes: 'variant.rsid, variant.chr:write' } },
    })
  })

  test('says there is no step without a genetic scope', () => {
    expect(separateItem([scope('profile.default'), scope('sample.default:write')])?.detail).toEqual({ key: 'preview.checklist.separateConsent.none' })
  })

  test('warns, with a fix, when the step would have no description to quote as its purpose', () => {
    expect(separateItem([scope('variant.rsid')], '  ')).toMatchObject({ status: 'warn', fix: { key: 'preview.checklist.separateConsent.noDescriptionFix' } })
  })
})

describe('decisionTarget', () => {
  test('keeps the redirect’s own query, and adds state only when sent', () => {
    const app = { redirect_uri: 'https://a.example/cb?x=1&y=', wxmp_app_id: '' }
    expect(decisionTarget(app, 'authorize', undefined)).toEqual({ kind: 'web', decision: 'authorize', url: 'https://a.example/cb?x=1&y=&code=EXAMPLE_CODE' })
    expect(decisionTarget(app, 'deny', '')).toEqual({ kind: 'web', decision: 'deny', url: 'https://a.example/cb?x=1&y=&error=access_denied&state=' })
    expect(decisionTarget({ redirect_uri: 'https://a.example/cb', wxmp_app_id: '' }, 'deny', '&#')).toMatchObject({
      url: 'https://a.example/cb?error=access_denied&state=%26%23',
    })
  })
})
