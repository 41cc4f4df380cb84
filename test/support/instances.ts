// Several real BFF processes (server/index.ts through tsx, as `npm start` runs it) behind no load
// balancer, on free loopback ports, sharing one PostgreSQL database and one upstream: the sandbox
// in a process of its own (server/sandbox/serve.ts --control), seeded from fixtures, whose faults
// a test can add as it goes. For what only separate processes show: a crash of one instance, two
// instances deciding on the same ticket, the platform acting while its answer to one of them is lost.
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, inject, onTestFinished } from 'vitest'
import { z } from 'zod'
import { loadConfig, SANDBOX_APP_KEY, SANDBOX_APP_SECRET, SANDBOX_SAMPLES_PATH, SANDBOX_USER_PATH } from '../../server/config'
import type { FaultInput, FixtureGrant, FixturesInput } from '../../server/sandbox/fixtures'
import { testWorld, writeSpaStandIn } from './bff'
import { createTestDatabase } from './postgres'
import { TEST_SIGNING_JWK } from './receipt-keys'

const repoRoot = resolve(import.meta.dirname, '../..')

/** tsx compiles on first start; on a loaded 2-core machine that alone can take several seconds. */
const START_TIMEOUT_MS = 60_000
/** How long a stop waits for a graceful exit (SIGTERM) before it kills (SIGKILL). */
const STOP_GRACE_MS = 5_000

export interface InstancesOptions {
  /** The sandbox's world; testWorld() of test/support/bff.ts by default. */
  fixtures?: FixturesInput
  /** Faults the sandbox starts with (replacing the fixtures' own); add more with `sandbox.addFault`. */
  faults?: FaultInput[]
  /** The database the instances share; by default a fresh one on the run's PostgreSQL, dropped at cleanup. */
  databaseUrl?: string
  /** More environment for every BFF (e.g. UPSTREAM_TIMEOUT_MS, REQUEST_DEADLINE_MS). */
  env?: Record<string, string>
}

export interface Exit {
  code: number | null
  signal: NodeJS.Signals | null
}

export interface ServerProcess {
  /** Its origin, e.g. http://127.0.0.1:40123. */
  url: string
  port: number
  pid: number
  /** Everything it printed, stdout and stderr. */
  output(): string
  /** Sends a signal without waiting: SIGTERM stops gracefully, SIGKILL is a crash. */
  kill(signal?: NodeJS.Signals): void
  /** Settles once the process ended. */
  exited: Promise<Exit>
  /** SIGTERM, SIGKILL if it has not ended within STOP_GRACE_MS; resolves once it ended. */
  stop(): Promise<void>
}

export interface Instance extends ServerProcess {
  /** Resolves once GET /readyz answers 200; rejects if the process ends first or after `timeoutMs`. */
  waitReady(timeoutMs?: number): Promise<void>
}

export interface UpstreamSandbox extends ServerProcess {
  /** The private API's base: what every instance has as UPSTREAM_URL. */
  upstreamUrl: string
  /** Adds a fault after those it has (a fixtures fault; e.g. `{ path, kind: 'reset', when: 'after' }`). */
  addFault(fault: FaultInput): Promise<void>
  /** Every grant the platform holds now, whatever the instances were told. */
  grants(): Promise<FixtureGrant[]>
  /** The calls the platform received on a private-API path (e.g. `/openbge/oauth2/authorize`): how many, and the most at once. */
  calls(path: string): Promise<{ started: number; inFlight: number; maxInFlight: number }>
}

export interface Instances {
  instances: Instance[]
  sandbox: UpstreamSandbox
  databaseUrl: string
  /** The cookie a fixture user's requests carry (the platform's sign-in sets it); e.g. `cookieFor(ALICE.auth_token)`. */
  cookieFor(authToken: string): string
  /** Stops every process and drops the database it made; runs by itself at the end of the test (or file). */
  stop(): Promise<void>
}

/** A process whose start is announced by a line matching `ready`, the first group being its port. */
function spawnServer(script: string[], env: Record<string, string>, ready: RegExp): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', ...script], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  const exited = new Promise<Exit>((ended) => child.once('exit', (code, signal) => ended({ code, signal })))
  const collect = (chunk: Buffer) => (output += chunk.toString())
  child.stdout.on('data', collect)
  child.stderr.on('data', collect)

  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return
    child.kill('SIGTERM')
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS)
    await exited
    clearTimeout(timer)
  }

  return new Promise<ServerProcess>((started, failed) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      failed(new Error(`${script.join(' ')} did not start within ${START_TIMEOUT_MS} ms:\n${output}`))
    }, START_TIMEOUT_MS)
    const onExit = ({ code, signal }: Exit) => {
      clearTimeout(timer)
      failed(new Error(`${script.join(' ')} ended (${signal ?? code}) before it started:\n${output}`))
    }
    void exited.then(onExit)
    const check = () => {
      const port = ready.exec(output)?.[1]
      if (port === undefined) return
      child.stdout.off('data', check)
      clearTimeout(timer)
      // Settling again after this is a no-op, so the exit watcher above may stay.
      started({
        url: `http://127.0.0.1:${port}`,
        port: Number(port),
        pid: child.pid ?? 0,
        output: () => output,
        kill: (signal = 'SIGTERM') => void child.kill(signal),
        exited,
        stop,
      })
    }
    child.stdout.on('data', check)
  })
}

/** Asks /readyz until it says 200; each attempt waits for the previous answer, none sleeps blindly. */
async function untilReady(server: ServerProcess, timeoutMs: number): Promise<void> {
  const deadline = AbortSignal.timeout(timeoutMs)
  let ended: Exit | undefined
  void server.exited.then((exit) => (ended = exit))
  let last = 'no answer yet'
  while (!deadline.aborted) {
    if (ended) throw new Error(`${server.url} ended (${ended.signal ?? ended.code}) before it was ready:\n${server.output()}`)
    try {
      const response = await fetch(`${server.url}/readyz`, { signal: AbortSignal.any([deadline, AbortSignal.timeout(2000)]) })
      last = `${response.status} ${await response.text()}`
      if (response.status === 200) return
    } catch (error) {
      last = String(error)
    }
    // Not ready yet (its store still connecting or migrating): a short pause between attempts,
    // cut short if the process ends.
    await new Promise<void>((next) => {
      const timer = setTimeout(next, 50)
      void server.exited.then(() => {
        clearTimeout(timer)
        next()
      })
    })
  }
  throw new Error(`${server.url}/readyz did not answer 200 within ${timeoutMs} ms (last: ${last}):\n${server.output()}`)
}

/** Only what the processes need: nothing of the test runner's own environment decides how they run. */
function baseEnv(): Record<string, string> {
  const env: Record<string, string> = {}
  for (const name of ['PATH', 'HOME', 'TMPDIR', 'LANG', 'TZ']) {
    const value = process.env[name]
    if (value !== undefined) env[name] = value
  }
  return env
}

/** The built SPA's stand-in (as test/support/bff.ts writes it), so no instance waits on `vite build`. */
function writeDist(dir: string): string {
  return writeSpaStandIn(join(dir, 'dist'))
}

const callsAnswer = z.object({ calls: z.record(z.string(), z.object({ started: z.number(), inFlight: z.number(), maxInFlight: z.number() })) })

const grantsAnswer = z.object({
  grants: z.array(z.object({ user_id: z.string(), client_id: z.string(), grant_time: z.string(), biosample_ids: z.array(z.object({ biosample_id: z.string(), type: z.string() })) })),
})

async function launch(count: number, options: InstancesOptions): Promise<Instances> {
  const dir = mkdtempSync(join(tmpdir(), 'bge-instances-'))
  const started: ServerProcess[] = []
  let database: Awaited<ReturnType<typeof createTestDatabase>> | undefined

  const stop = async () => {
    await Promise.all(started.map((server) => server.stop()))
    await database?.drop()
    rmSync(dir, { recursive: true, force: true })
  }

  try {
    const fixtures = { ...(options.fixtures ?? testWorld()), ...(options.faults && { faults: options.faults }) }
    const fixturesFile = join(dir, 'fixtures.json')
    writeFileSync(fixturesFile, JSON.stringify(fixtures, null, 2))

    const sandboxProcess = await spawnServer(
      ['server/sandbox/serve.ts', '--control'],
      { ...baseEnv(), PORT: '0', HOST: '127.0.0.1', SANDBOX_DB: ':memory:', SANDBOX_FIXTURES: fixturesFile, BGE_APP_KEY: SANDBOX_APP_KEY, BGE_APP_SECRET: SANDBOX_APP_SECRET },
      /BGE sandbox on http:\/\/127\.0\.0\.1:(\d+)\//,
    )
    started.push(sandboxProcess)
    const control = `${sandboxProcess.url}/sandbox/control`
    const sandbox: UpstreamSandbox = {
      ...sandboxProcess,
      upstreamUrl: `${sandboxProcess.url}/sandbox/private-api`,
      async addFault(fault) {
        const response = await fetch(`${control}/faults`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(fault) })
        if (response.status !== 204) throw new Error(`the sandbox refused the fault (${response.status}): ${await response.text()}`)
      },
      async grants() {
        const response = await fetch(`${control}/grants`)
        if (response.status !== 200) throw new Error(`the sandbox did not list its grants (${response.status}): ${await response.text()}`)
        return grantsAnswer.parse(await response.json()).grants
      },
      async calls(path) {
        const response = await fetch(`${control}/calls`)
        if (response.status !== 200) throw new Error(`the sandbox did not count its calls (${response.status}): ${await response.text()}`)
        return callsAnswer.parse(await response.json()).calls[path] ?? { started: 0, inFlight: 0, maxInFlight: 0 }
      },
    }

    database = options.databaseUrl ? undefined : await createTestDatabase(inject('postgresUrl'))
    const databaseUrl = options.databaseUrl ?? database?.url ?? ''
    const dist = writeDist(dir)
    const env: Record<string, string> = {
      ...baseEnv(),
      // Each takes a free port itself and prints it: no window for another process to take it.
      PORT: '0',
      HOST: '127.0.0.1',
      DATABASE_URL: databaseUrl,
      UPSTREAM_URL: sandbox.upstreamUrl,
      BGE_APP_KEY: SANDBOX_APP_KEY,
      BGE_APP_SECRET: SANDBOX_APP_SECRET,
      // Shared, as behind a load balancer: what one instance signs, another accepts.
      SESSION_SECRET: randomBytes(32).toString('hex'),
      // One receipt-signing key for all, as an operator configures instances sharing a store.
      RECEIPT_SIGNING_KEYS: JSON.stringify([TEST_SIGNING_JWK]),
      LOGIN_URL: 'https://platform.test/login?next={next}',
      SAMPLES_PATH: SANDBOX_SAMPLES_PATH,
      USER_PATH: SANDBOX_USER_PATH,
      DIST_DIR: dist,
      // A stop drains for no time: no load balancer here waits to see /readyz fail.
      SHUTDOWN_GRACE_MS: '0',
      ...options.env,
    }
    const instances = await Promise.all(
      Array.from({ length: count }, async () => {
        const server = await spawnServer(['server/index.ts'], env, /BGE consent portal on http:\/\/[^\s:]+:(\d+)/)
        started.push(server)
        const instance: Instance = { ...server, waitReady: (timeoutMs = START_TIMEOUT_MS) => untilReady(server, timeoutMs) }
        await instance.waitReady()
        return instance
      }),
    )
    const { authCookie } = loadConfig(env)
    return { instances, sandbox, databaseUrl, cookieFor: (authToken) => `${authCookie}=${authToken}`, stop }
  } catch (error) {
    await stop()
    throw error
  }
}

/**
 * Starts `count` BFF instances and their sandbox, all ready; call inside a test: they stop when
 * the test finishes.
 */
export async function startInstances(count: number, options: InstancesOptions = {}): Promise<Instances> {
  const instances = await launch(count, options)
  onTestFinished(() => instances.stop())
  return instances
}

/**
 * For a file whose tests share the processes: call while collecting; they start before the
 * tests and stop after them. The returned function gives them once started.
 */
export function useInstances(count: number, options: InstancesOptions = {}): () => Instances {
  let instances: Instances | undefined
  beforeAll(async () => {
    instances = await launch(count, options)
  }, START_TIMEOUT_MS * 2)
  afterAll(() => instances?.stop())
  return () => {
    if (!instances) throw new Error('the instances start in beforeAll: use them inside a hook or test')
    return instances
  }
}
