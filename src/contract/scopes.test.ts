import { expect, test } from 'vitest'
import { isGenomicScope, isWriteScope, parseScopeParam, readsSampleData, scopeTier } from './scopes'

test('scopes that read sample data need a chosen sample', () => {
  for (const scope of ['sample.default:read', 'variant.rsid', 'variant.chr', 'abundance.default', 'survey.default', 'data_item.default', 'model.default']) {
    expect(readsSampleData(scope), scope).toBe(true)
  }
  for (const scope of ['profile.default', 'profile.advanced', 'model.default:write', 'service.file:read']) {
    expect(readsSampleData(scope), scope).toBe(false)
  }
})

test('write and genomic scopes are recognised', () => {
  expect(isWriteScope('sample.default:write')).toBe(true)
  expect(isWriteScope('sample.default:read')).toBe(false)
  expect(isGenomicScope('variant.rsid')).toBe(true)
  expect(isGenomicScope('sample.default:read')).toBe(false)
})

test('the scope parameter is space-delimited, duplicates ignored', () => {
  expect(parseScopeParam('a  b\ta a')).toEqual(['a', 'b'])
  expect(parseScopeParam(undefined)).toBeUndefined()
  expect(parseScopeParam('  ')).toBeUndefined()
})

// The platform's 13 scopes (server/sandbox/platform-scopes.ts, which browser code may not import).
test('each of the platform’s scopes sits in its tier', () => {
  const tiers = {
    'profile.default': 'basic',
    'profile.advanced': 'basic',
    'variant.rsid': 'genetic',
    'variant.chr': 'genetic',
    'sample.default:read': 'basic',
    'sample.default:write': 'changes',
    'survey.default': 'health',
    'abundance.default': 'health',
    'model.default': 'health',
    'model.default:write': 'changes',
    'service.file:read': 'health',
    'service.file:write': 'changes',
    'data_item.default': 'health',
  }
  for (const [scope, tier] of Object.entries(tiers)) expect(scopeTier(scope), scope).toBe(tier)
})

test('the highest tier wins, and an unknown scope is never called basic', () => {
  expect(scopeTier('variant.rsid:write')).toBe('genetic')
  expect(scopeTier('profile.default:write')).toBe('changes')
  expect(scopeTier('partner.custom:write')).toBe('changes')
  expect(scopeTier('sample.other:read')).toBe('health')
  expect(scopeTier('partner.custom')).toBe('health')
  // Scope names are case-sensitive (RFC 6749 §3.3), and a prefix needs its dot.
  expect(scopeTier('Profile.default')).toBe('health')
  expect(scopeTier('variant')).toBe('health')
  expect(scopeTier('profile')).toBe('health')
  expect(scopeTier('')).toBe('health')
})
