import tailwindcss from '@tailwindcss/vite'
import react from '@vitejs/plugin-react'
import { compileMessage } from '@lingui/message-utils/compileMessage'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { defineConfig, type Plugin } from 'vite'
import { LAZY_SECTIONS } from './src/contract/routes.ts'

const MESSAGES_PREFIX = '\0locale-messages:'

/**
 * `import messages from '@/locales/en.json?messages'` gives the catalogue (without its lazy
 * sections) flattened to dotted keys and compiled from ICU MessageFormat at build time, so the
 * browser never ships a message parser; `?messages=preview` gives just that section. A message
 * that does not parse fails the build, naming the file and the key.
 */
export function localeMessages(): Plugin {
  return {
    name: 'bge-locale-messages',
    enforce: 'pre',
    async resolveId(source, importer) {
      const match = /^(.*\.json)\?messages(?:=(\w+))?$/.exec(source)
      if (!match?.[1]) return null
      const section = match[2] ?? 'core'
      if (section !== 'core' && !(LAZY_SECTIONS as readonly string[]).includes(section)) {
        throw new Error(`${source}: "${section}" is not one of the lazy catalogue sections (${LAZY_SECTIONS.join(', ')})`)
      }
      const resolved = await this.resolve(match[1], importer, { skipSelf: true })
      // The `.js` suffix keeps Vite's JSON plugin away from the generated module.
      return resolved ? `${MESSAGES_PREFIX}${section}:${resolved.id}.js` : null
    },
    load(id) {
      if (!id.startsWith(MESSAGES_PREFIX)) return null
      const rest = id.slice(MESSAGES_PREFIX.length, -'.js'.length)
      const section = rest.slice(0, rest.indexOf(':'))
      const file = rest.slice(section.length + 1)
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
      const catalogue = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>
      const inSection = ([name]: [string, unknown]) =>
        section === 'core' ? !(LAZY_SECTIONS as readonly string[]).includes(name) : name === section
      visit(Object.fromEntries(Object.entries(catalogue).filter(inSection)), '')
      return `export default ${JSON.stringify(compiled)}`
    },
  }
}

/** Modules of the `shared` chunk (see `codeSplitting` below). */
const SHARED_MODULES = /[\\/](node_modules|src[\\/](lib|contract|components[\\/]ui|app))[\\/]/

/**
 * Receipts and their verification (src/contract/receipt-verify.ts, receipts.ts, kantara.ts,
 * canonicalize, @noble/ed25519): only /verify and a receipt use them, so they stay with those pages
 * rather than in every page's first load.
 */
const VERIFY_MODULES = /receipt-verify|receipts\.ts|kantara\.ts|[\\/]node_modules[\\/](canonicalize|@noble[\\/]ed25519)[\\/]/

/**
 * zod and the schemas the browser checks answers and storage with (src/lib/schemas.ts and the
 * contract modules it takes them from): loaded with a page's first request, not with the page.
 * Its records' schemas go with the records' code (below).
 */
const SCHEMA_MODULES = /[\\/]node_modules[\\/]zod[\\/]|src[\\/]lib[\\/]schemas\.ts|src[\\/]contract[\\/](api|since-last)\.ts/

/**
 * React Router's package exports name only its development build, whose dev-only warnings then
 * ship to every reader (remix-run/react-router#12532, #14102). Builds take the production build
 * beside it instead (0.6 KB gzip less on every page); `npm run dev` (server/dev.ts) keeps the warnings. A layout
 * change in the package fails the build here rather than going unnoticed.
 */
const reactRouterProduction = [
  { find: /^react-router$/, replacement: fileURLToPath(new URL('./node_modules/react-router/dist/production/index.mjs', import.meta.url)) },
  { find: /^react-router\/dom$/, replacement: fileURLToPath(new URL('./node_modules/react-router/dist/production/dom-export.mjs', import.meta.url)) },
]

export default defineConfig(({ command, isSsrBuild }) => ({
  plugins: [react(), tailwindcss(), localeMessages()],
  resolve: {
    alias: [{ find: '@', replacement: fileURLToPath(new URL('./src', import.meta.url)) }, ...(command === 'build' ? reactRouterProduction : [])],
  },
  build: {
    outDir: 'dist',
    // The CSP forbids inline scripts, and admits only the page’s own stylesheet (by hash, inlined by
    // the BFF: server/pages/inline-style.ts); keep every other asset a file.
    assetsInlineLimit: 0,
    // Only Safari before 17 lacks modulepreload; it then loads the app's modules as they are
    // imported. The polyfill was 0.3 KB gzip of a first load with no margin left.
    modulePreload: { polyfill: false },
    sourcemap: false,
    // server/pages/spa.ts reads it to preload the reader's catalogue and the page's chunk.
    manifest: !isSsrBuild,
    // The server render (src/entry-server.tsx) needs none of public/.
    copyPublicDir: !isSsrBuild,
    // The app's shell and what every page needs (libraries, src/app, src/lib, src/contract,
    // src/components/ui) in one chunk, rather than an entry plus many small chunks shared by
    // different sets of pages: consent's first load then imports no bindings across chunks and
    // compresses as one file (1 KB gzip less). The records' code stays with the pages that read it,
    // the receipt verification with /verify, and zod with the schemas, loaded by the first request.
    // Two entries: index.html's (src/main.tsx, which imports no chunk) and the app it starts once
    // the page is painted (src/start.tsx), whose file the BFF names in the page (server/pages/spa.ts).
    rolldownOptions: {
      ...(!isSsrBuild && { input: { index: fileURLToPath(new URL('./index.html', import.meta.url)), start: fileURLToPath(new URL('./src/start.tsx', import.meta.url)) } }),
      output: {
        codeSplitting: {
          groups: [{ name: 'shared', test: (id) => SHARED_MODULES.test(id) && !id.includes('records') && !VERIFY_MODULES.test(id) && !SCHEMA_MODULES.test(id) && !/\.css$/.test(id) }],
        },
      },
    },
  },
}))
