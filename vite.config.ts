import tailwindcss from '@tailwindcss/vite'
import react from '@vitejs/plugin-react'
import { compileMessage } from '@lingui/message-utils/compileMessage'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { defineConfig, type Plugin } from 'vite'

const MESSAGES_PREFIX = '\0locale-messages:'

/**
 * `import messages from '@/locales/en.json?messages'` gives the catalogue flattened to dotted keys
 * and compiled from ICU MessageFormat at build time, so the browser never ships a message parser.
 * A message that does not parse fails the build, naming the file and the key.
 */
export function localeMessages(): Plugin {
  return {
    name: 'bge-locale-messages',
    enforce: 'pre',
    async resolveId(source, importer) {
      if (!source.endsWith('.json?messages')) return null
      const resolved = await this.resolve(source.slice(0, -'?messages'.length), importer, { skipSelf: true })
      // The `.js` suffix keeps Vite's JSON plugin away from the generated module.
      return resolved ? `${MESSAGES_PREFIX}${resolved.id}.js` : null
    },
    load(id) {
      if (!id.startsWith(MESSAGES_PREFIX)) return null
      const file = id.slice(MESSAGES_PREFIX.length, -'.js'.length)
      this.addWatchFile(file)
      const compiled: Record<string, unknown> = {}
      const visit = (node: unknown, path: string) => {
        if (typeof node === 'string') {
          try {
            compiled[path] = compileMessage(node)
          } catch (error) {
            throw new Error(`${file}: message "${path}" is not valid ICU MessageFormat: ${(error as Error).message}`)
          }
        } else if (node && typeof node === 'object') {
          for (const [key, child] of Object.entries(node)) visit(child, path ? `${path}.${key}` : key)
        } else {
          throw new Error(`${file}: "${path}" must be a text or a group of texts`)
        }
      }
      visit(JSON.parse(readFileSync(file, 'utf8')), '')
      return `export default ${JSON.stringify(compiled)}`
    },
  }
}

const bffPort = process.env.BFF_PORT ?? '3000'

export default defineConfig({
  plugins: [react(), tailwindcss(), localeMessages()],
  resolve: { alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) } },
  build: {
    outDir: 'dist',
    // The CSP forbids inline scripts and styles; keep every asset a file.
    assetsInlineLimit: 0,
    sourcemap: false,
    // server/spa.ts reads it to preload the reader's catalogue from index.html.
    manifest: true,
  },
  server: {
    proxy: {
      '/api': `http://127.0.0.1:${bffPort}`,
      '/sandbox': `http://127.0.0.1:${bffPort}`,
    },
  },
})
