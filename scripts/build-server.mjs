// `npm run build`'s last step: the BFF bundled by esbuild into dist/server/, so production runs it
// with `node` alone (no TypeScript loader, no Vite, no build at start). Every production
// dependency stays external: it is loaded from node_modules as installed (better-sqlite3 and pg
// carry native code or optional requires a bundle would break), which is why `npm prune
// --omit=dev` leaves a working server. dist/server/ is never served (server/pages/spa.ts).
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

const root = fileURLToPath(new URL('..', import.meta.url))
const { dependencies = {} } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'))

await build({
  absWorkingDir: root,
  // verify-receipt: `npm run verify-receipt` for the production image, which has no tsx.
  entryPoints: { index: 'server/index.ts', migrate: 'server/migrate.ts', 'verify-receipt': 'scripts/verify-receipt.ts' },
  outdir: 'dist/server',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20.19',
  // `pg/lib/...` and other subpaths are external too.
  external: Object.keys(dependencies).flatMap((name) => [name, `${name}/*`]),
  // Shared code of the entries goes into one chunk rather than twice into each.
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  sourcemap: 'linked',
  // Stack traces keep their function names; the bundle is read by nobody but node.
  minifySyntax: true,
  legalComments: 'none',
  logLevel: 'warning',
  tsconfig: 'tsconfig.json',
})
