// A PostgreSQL database of this test file's own, on the server the globalSetup started.
import { afterAll, beforeAll, inject } from 'vitest'
import { createTestDatabase } from './postgres'

/**
 * Call while collecting (in a describe or at the top of the file): creates the database before
 * the tests and drops it after them. The returned function gives its URL once created.
 */
export function useTestDatabase(): () => string {
  let database: Awaited<ReturnType<typeof createTestDatabase>> | undefined
  beforeAll(async () => {
    database = await createTestDatabase(inject('postgresUrl'))
  })
  afterAll(() => database?.drop())
  return () => {
    if (!database) throw new Error('the test database is made in beforeAll: read its URL inside a hook or test')
    return database.url
  }
}
