import { expect, test } from 'vitest'
import { isGenomicScope, isWriteScope, parseScopeParam, readsSampleData } from './scopes'

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
