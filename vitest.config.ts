import react from '@vitejs/plugin-react'
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'
import { localeMessages } from './vite.config.ts'

export default defineConfig({
  plugins: [react(), localeMessages()],
  resolve: { alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) } },
  test: {
    restoreMocks: true,
    projects: [
      {
        extends: true,
        test: {
          name: 'server',
          include: ['server/**/*.test.ts', 'src/contract/**/*.test.ts'],
          environment: 'node',
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
