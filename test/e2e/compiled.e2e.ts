// The production path without a container (issue 18): what the Dockerfile's runtime stage does — the
// built output, package.json and the lock, node_modules pruned to production dependencies — then
// `node dist/server/index.js` in production mode. It serves, never serves its own bundle, writes
// nothing outside its data folder, and on SIGTERM drains: /readyz 503 at once, a slow request in
// flight completes, exit code 0. Also `npm run migrate` with AUTO_MIGRATE=false, and `npm start`
// handing the process over (`exec`) so SIGTERM reaches the server. Needs `npm run build` first
// (`npm run test:e2e` does it).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { freePort } from '../support/portal'

const repoRoot = resolve(import.meta.dirname, '../..')

/** The sandbox answers every private-API call this late: a request that reads the session is slow. */
const LATENCY_MS = 4000
const GRACE_MS = 2000
const USER = { id: 'u-compiled', name: 'Compiled Check', auth_token: 'tok-compiled-check' }

/** The runtime stage: built output, manifests, production dependencies only. */
let app: string
/** The data folder, the only place the server may write (PORTAL_DB, SANDBOX_DB). */
let data: string

/** Copies node_modules as hard links where the platform allows (fast, nothing rewritten), else whole. */
function copyNodeModules(to: string): void {
  const linked = spawnSync('cp', ['-al', join(repoRoot, 'node_modules'), to], { stdio: 'ignore' })
  if (linked.status !== 0) {
    rmSync(to, { recursive: true, force: true })
    cpSync(join(repoRoot, 'node_modules'), to, { recursive: true, verbatimSymlinks: true })
  }
}

/** Every file under `dir` (but `skip`) with its size and modification time. */
function snapshot(dir: string, skip: string): Map<string, string> {
  const files = new Map<string, string>()
  const walk = (path: string) => {
    if (path === skip) return
    const stat = statSync(path, { throwIfNoEntry: false })
    if (!stat) return
    if (stat.isDirectory()) return readdirSync(path).forEach((name) => walk(join(path, name)))
    files.set(relative(dir, path), `${stat.size}:${stat.mtimeMs}`)
  }
  walk(dir)
  return files
}

beforeAll(() => {
  if (!existsSync(join(repoRoot, 'dist', 'server', 'index.js'))) throw new Error('dist/server/index.js is missing: run `npm run build` first')
  app = mkdtempSync(join(tmpdir(), 'bge-compiled-'))
  cpSync(join(repoRoot, 'dist'), join(app, 'dist'), { recursive: true })
  for (const file of ['package.json', 'package-lock.json']) cpSync(join(repoRoot, file), join(app, file))
  copyNodeModules(join(app, 'node_modules'))
  // Vite's and Vitest's caches are no part of an install (and, hard-linked, Vitest writes to them).
  rmSync(join(app, 'node_modules', '.vite'), { recursive: true, force: true })
  // Offline: pruning only removes what the lock marks as dev.
  const pruned = spawnSync('npm', ['prune', '--omit=dev', '--offline', '--no-audit', '--no-fund', '--ignore-scripts'], { cwd: app, encoding: 'utf8' })
  if (pruned.status !== 0) throw new Error(`npm prune --omit=dev failed:\n${pruned.stdout}\n${pruned.stderr}`)
  // The build as an image ships it: read-only (for root, who may write anyway, the snapshot below tells).
  spawnSync('chmod', ['-R', 'a-w', join(app, 'dist')])
  data = join(app, 'data')
  mkdirSync(data)
  writeFileSync(join(data, 'fixtures.json'), JSON.stringify({ users: [USER], applications: [], latency_ms: LATENCY_MS }))
}, 120_000)

afterAll(() => {
  if (!app) return
  spawnSync('chmod', ['-R', 'u+w', join(app, 'dist')])
  rmSync(app, { recursive: true, force: true })
})

interface Started {
  origin: string
  process: ChildProcess
  output: () => string
  exited: Promise<number | null>
}

/** Starts `command` in `cwd` with only the environment given (no NODE_OPTIONS, no loader), until it says it listens. */
async function start(command: string[], cwd: string, env: Record<string, string>, port: number): Promise<Started> {
  const child = spawn(command[0]!, command.slice(1), {
    cwd,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? tmpdir(), HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)))
  await new Promise<void>((ready, failed) => {
    const timer = setTimeout(() => failed(new Error(`did not start in 60 s:\n${output}`)), 60_000)
    child.stdout.on('data', () => {
      if (output.includes('BGE consent portal on')) {
        clearTimeout(timer)
        ready()
      }
    })
    void exited.then((code) => {
      clearTimeout(timer)
      failed(new Error(`exited with ${code} before listening:\n${output}`))
    })
  })
  return { origin: `http://127.0.0.1:${port}`, process: child, output: () => output, exited }
}

/** The environment of a production instance running the sandbox on purpose, its state in the data folder. */
function productionEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    NODE_ENV: 'production',
    SANDBOX: 'on',
    PORTAL_DB: join(data, 'portal.sqlite'),
    SANDBOX_DB: join(data, 'sandbox.sqlite'),
    SANDBOX_FIXTURES: join(data, 'fixtures.json'),
    SHUTDOWN_GRACE_MS: String(GRACE_MS),
    ...extra,
  }
}

describe('the compiled server on production dependencies only', () => {
  test('the runtime stage holds no build tool: pruned to production dependencies', () => {
    for (const dev of ['vite', 'tsx', 'esbuild', 'typescript', 'vitest']) expect(existsSync(join(app, 'node_modules', dev)), dev).toBe(false)
    for (const prod of ['hono', 'better-sqlite3', 'pg', 'react-dom']) expect(existsSync(join(app, 'node_modules', prod)), prod).toBe(true)
  })

  test('serves pages and /readyz, not its own bundle; drains on SIGTERM: a slow request completes, /readyz 503 meanwhile, exit 0', async () => {
    const before = snapshot(app, data)
    const portal = await start([process.execPath, 'dist/server/index.js'], app, productionEnv(), await freePort())
    try {
      expect(portal.output()).toContain('warning: SANDBOX=on')

      const ready = await fetch(`${portal.origin}/readyz`)
      expect(ready.status).toBe(200)
      expect(await ready.json()).toMatchObject({ status: 'ready', store: 'up', spa: 'ok' })

      // Server-rendered: the markup is in #root before any script runs.
      const page = await fetch(`${portal.origin}/signin`)
      expect(page.status).toBe(200)
      expect(await page.text()).toMatch(/<div id="root"><\w/)

      for (const path of ['/server/index.js', '/server/migrate.js', '/server/index.js.map', '/.ssr/entry-server.js']) {
        const response = await fetch(`${portal.origin}${path}`)
        expect(response.status, path).toBe(404)
        expect(await response.text(), path).not.toContain('import ')
      }

      // A request that waits LATENCY_MS on the platform, in flight when SIGTERM comes.
      const started = Date.now()
      const slow = fetch(`${portal.origin}/api/session`, { headers: { Cookie: `bge_auth_token=${USER.auth_token}` } })
      await new Promise((resolveWait) => setTimeout(resolveWait, 300))
      portal.process.kill('SIGTERM')
      await new Promise((resolveWait) => setTimeout(resolveWait, 200))
      const draining = await fetch(`${portal.origin}/readyz`)
      expect(draining.status).toBe(503)
      expect(await draining.json()).toMatchObject({ draining: true })

      const answer = await slow
      expect(answer.status).toBe(200)
      expect(await answer.json()).toEqual({ user: { id: USER.id, name: USER.name } })
      // It outlasted the grace: the listener had closed while it was still running.
      expect(Date.now() - started).toBeGreaterThan(GRACE_MS + 300)
      expect(await portal.exited).toBe(0)
      expect(portal.output()).toMatch(/"msg":"stopped"/)
    } finally {
      portal.process.kill('SIGKILL')
    }
    // Nothing written outside the data folder (the build stays as it was shipped).
    expect(snapshot(app, data)).toEqual(before)
  })

  test('AUTO_MIGRATE=false refuses an unmigrated store, naming the command; after `npm run migrate` it starts', async () => {
    const store = join(data, 'separate.sqlite')
    const env = productionEnv({ PORTAL_DB: store, AUTO_MIGRATE: 'false' })
    const port = await freePort()
    await expect(start([process.execPath, 'dist/server/index.js'], app, env, port)).rejects.toThrow(/exited with 1[\s\S]*AUTO_MIGRATE=false[\s\S]*npm run migrate/)

    // npm is how the README runs it; it runs the built file (scripts/migrate in package.json).
    const migrate = spawnSync('npm', ['run', '--silent', 'migrate'], { cwd: app, env: { PATH: process.env.PATH, HOME: process.env.HOME, PORTAL_DB: store }, encoding: 'utf8' })
    expect(migrate.status, migrate.stderr).toBe(0)
    expect(migrate.stdout).toMatch(/applied 0001_decisions_and_consent_records, .*0005_record_purges/)
    const again = spawnSync(process.execPath, ['dist/server/migrate.js'], { cwd: app, env: { PORTAL_DB: store }, encoding: 'utf8' })
    expect(again.stdout).toMatch(/is up to date/)

    const portal = await start([process.execPath, 'dist/server/index.js'], app, env, port)
    try {
      expect(portal.output()).toContain('AUTO_MIGRATE=false')
      expect((await fetch(`${portal.origin}/readyz`)).status).toBe(200)
    } finally {
      portal.process.kill('SIGTERM')
      expect(await portal.exited).toBe(0)
    }
  })
})

describe('npm start', () => {
  // A copy of the project (its node_modules linked), since `npm start` builds into its own dist/.
  let project: string
  beforeAll(() => {
    project = mkdtempSync(join(tmpdir(), 'bge-start-'))
    for (const entry of ['package.json', 'package-lock.json', 'index.html', 'vite.config.ts', 'tsconfig.json', 'tailwind.config.ts', 'src', 'server', 'scripts', 'public']) {
      if (existsSync(join(repoRoot, entry))) cpSync(join(repoRoot, entry), join(project, entry), { recursive: true })
    }
    symlinkSync(join(repoRoot, 'node_modules'), join(project, 'node_modules'), 'dir')
  })
  afterAll(() => {
    if (project) rmSync(project, { recursive: true, force: true })
  })

  test('builds, then hands the process to the server: SIGTERM to npm reaches it, it drains and npm exits 0', async () => {
    const portal = await start(['npm', 'start'], project, { PORTAL_DB: ':memory:', SANDBOX_DB: ':memory:', SHUTDOWN_GRACE_MS: '300' }, await freePort())
    try {
      expect(existsSync(join(project, 'dist', 'server', 'index.js'))).toBe(true)
      expect((await fetch(`${portal.origin}/readyz`)).status).toBe(200)
      // What a container runtime or systemd does: the signal to the process it started.
      portal.process.kill('SIGTERM')
      expect(await portal.exited).toBe(0)
      expect(portal.output()).toMatch(/"msg":"SIGTERM: draining/)
      expect(portal.output()).toMatch(/"msg":"stopped"/)
      await expect(fetch(`${portal.origin}/healthz`)).rejects.toThrow()
    } finally {
      portal.process.kill('SIGKILL')
    }
  }, 120_000)
})
