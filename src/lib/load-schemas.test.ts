import { expect, test } from 'vitest'
import { loadSchemas } from './load-schemas'

test('loads the schemas once and hands every caller the same module', async () => {
  const [first, second] = await Promise.all([loadSchemas(), loadSchemas()])
  expect(first).toBe(second)
  expect(first.safeParse(first.sessionSchema, { user: { id: 'u-1', name: 'Alice' } }).success).toBe(true)
  expect(first.safeParse(first.sessionSchema, { user: { id: 1 } }).success).toBe(false)
})
