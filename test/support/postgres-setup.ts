// Vitest globalSetup: one PostgreSQL for the whole run, its URL handed to the tests through
// `inject('postgresUrl')`. Each test file makes its own database on it (useTestDatabase).
import type { TestProject } from 'vitest/node'
import { startThrowawayPostgres } from './postgres'

declare module 'vitest' {
  export interface ProvidedContext {
    /** A superuser URL on the tests' PostgreSQL server. */
    postgresUrl: string
  }
}

export default async function setup(project: TestProject): Promise<() => void> {
  const own = process.env.TEST_DATABASE_URL
  if (own) {
    project.provide('postgresUrl', own)
    return () => undefined
  }
  const server = await startThrowawayPostgres()
  project.provide('postgresUrl', server.url)
  return () => server.stop()
}
