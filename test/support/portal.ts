// Starts the real portal (server/index.ts: BFF + sandbox over loopback HTTP) on a free port with
// fixtures of the test's own, for browser journeys. Each call is its own process and database.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { writeSpaStandIn } from './bff'

export interface Portal {
  origin: string
  port: number
  output: () => string
  /** Sends a signal (SIGTERM: a graceful stop; SIGKILL: a crash) without waiting. */
  kill: (signal: NodeJS.Signals) => void
  /** Resolves with the exit code once the process ended. */
  exited: Promise<number | null>
  stop: () => Promise<void>
}

export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => resolvePort(port))
    })
  })
}

const repoRoot = resolve(import.meta.dirname, '../..')

/** `fixtures` receives the portal's origin, so callback URIs can point at it. */
export async function startPortal(options: {
  fixtures?: (origin: string) => unknown
  env?: Record<string, string>
  /** A port chosen beforehand (freePort), e.g. to point another instance at this one before it starts. */
  port?: number
  /** Serve the built SPA's stand-in (test/support/bff.ts) instead of `dist`, which may not be built. */
  spaStandIn?: boolean
  /** The process to start: server/index.ts (`npm start`'s) by default, or server/dev.ts (`npm run dev`'s). */
  entry?: 'server/index.ts' | 'server/dev.ts'
} = {}): Promise<Portal> {
  const port = options.port ?? (await freePort())
  const origin = `http://127.0.0.1:${port}`
  const dir = mkdtempSync(join(tmpdir(), 'bge-portal-'))
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    PORT: String(port),
    HOST: '127.0.0.1',
    SANDBOX_DB: ':memory:',
    PORTAL_DB: ':memory:',
    // A stop drains for no time (no load balancer waits to see /readyz fail); a test may set one.
    SHUTDOWN_GRACE_MS: '0',
    ...(options.spaStandIn && { DIST_DIR: writeSpaStandIn(join(dir, 'dist')) }),
    ...options.env,
  }
  if (options.fixtures) {
    const file = join(dir, 'fixtures.json')
    writeFileSync(file, JSON.stringify(options.fixtures(origin), null, 2))
    env.SANDBOX_FIXTURES = file
  }
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', options.entry ?? 'server/index.ts'], {
    cwd: repoRoot,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()))
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()))
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)))
  // Generous: on a loaded 2-core machine tsx's first compile alone can take several seconds.
  await new Promise<void>((ready, failed) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      failed(new Error(`portal did not start in 60 s:\n${output}`))
    }, 60_000)
    const check = () => {
      if (output.includes('BGE consent portal on')) {
        clearTimeout(timer)
        ready()
      }
    }
    child.stdout?.on('data', check)
    child.once('exit', (code) => {
      clearTimeout(timer)
      failed(new Error(`portal exited with ${code}:\n${output}`))
    })
  })
  return {
    origin,
    port,
    output: () => output,
    kill: (signal) => child.kill(signal),
    exited,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM')
        await exited
      }
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
