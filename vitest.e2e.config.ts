import { defineConfig } from 'vitest/config'

// Browser journeys: real Chromium against the built SPA served by a real BFF + sandbox per file.
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.e2e.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 2,
  },
})
