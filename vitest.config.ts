import react from '@vitejs/plugin-react'
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'
import { localeMessages } from './vite.config.ts'

export default defineConfig({
  plugins: [react(), localeMessages()],
  resolve: { alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) } },
  test: {
    restoreMocks: true,
    // A ceiling, not a measure: on a busy 2-core machine a render-heavy test can take seconds.
    // Tests wait on events; nothing here times anything (figures live in `npm run bench`).
    testTimeout: 30_000,
    hookTimeout: 30_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'server',
          include: ['server/**/*.test.ts', 'src/contract/**/*.test.ts', 'scripts/**/*.test.ts'],
          environment: 'node',
          // One throwaway PostgreSQL for the run (or TEST_DATABASE_URL's server); each file makes its own database.
          globalSetup: ['test/support/postgres-setup.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'web',
          include: ['src/**/*.test.tsx', 'src/{app,features,lib,components}/**/*.test.ts'],
          environment: 'jsdom',
          setupFiles: ['test/support/setup-dom.ts'],
        },
      },
    ],
  },
})
