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
      ['state', 'warn'],
      ['miniProgram', 'na'],
    ])
    expect(items[0]?.code).toBe('network_error')
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
