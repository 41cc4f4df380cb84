// `npm run bench:load`: the BFF under a fixed concurrency on loopback (SPEC.md "Quality bars"),
// against the sandbox called directly in the same run. The sandbox runs in a process of its own
// (server/sandbox/serve.ts), the BFF in another: the compiled server (dist/server/index.js, as
// `npm run serve` and the image run it; `npm run build` first), so the BFF's own cost shows.
// First, the compiled server's start-up: time from spawn to /readyz 200 and idle RSS, the median
// of several starts, against the goals (≤ 1.5 s, ≤ 130 MB; reported, never asserted).
// Exits 1 when any request failed.
//
//   npm run bench:load -- [--duration 10] [--connections 1,20] [--warmup 2] [--starts 5] [--profile]
//
// CPU/req is the CPU time (user + system) a process spent per request during the run: it depends
// much less than rps and latency on what else the machine is doing.
// Also LOAD_DURATION, LOAD_CONNECTIONS, LOAD_WARMUP. --profile writes the BFF's CPU profile
// (node --cpu-prof) under .data/ and prints the functions with the most self time.
import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import autocannon from 'autocannon'
import { z } from 'zod'
import { SANDBOX_APP_KEY, SANDBOX_APP_SECRET, SANDBOX_SAMPLES_PATH, SANDBOX_USER_PATH } from '../../server/config'
import { PRIVATE_API_PATHS } from '../../server/upstream/client'
import { signedForm } from '../../server/upstream/signature'
import { freePort } from '../support/portal'
import { newSigningJwk } from '../../server/receipts/keys'

const repoRoot = resolve(import.meta.dirname, '../..')

const { values: flags } = parseArgs({
  options: {
    duration: { type: 'string', default: process.env.LOAD_DURATION ?? '10' },
    connections: { type: 'string', default: process.env.LOAD_CONNECTIONS ?? '1,20' },
    warmup: { type: 'string', default: process.env.LOAD_WARMUP ?? '2' },
    starts: { type: 'string', default: process.env.LOAD_STARTS ?? '5' },
    profile: { type: 'boolean', default: false },
  },
})
const settings = z
  .object({
    duration: z.coerce.number().positive(),
    warmup: z.coerce.number().min(0),
    connections: z.string().transform((list) => list.split(',').map((n) => z.coerce.number().int().positive().parse(n))),
    starts: z.coerce.number().int().min(0),
    profile: z.boolean(),
  })
  .parse(flags)

/** The built server (scripts/build-server.mjs). */
const COMPILED_SERVER = 'dist/server/index.js'
/** SPEC.md "Quality bars": the compiled server is ready within 1.5 s and idles under 130 MB RSS. */
const READY_GOAL_MS = 1500
const IDLE_RSS_GOAL_MB = 130
/** How long after ready the idle RSS is read: start-up's garbage has had a collection or two. */
const IDLE_AFTER_MS = 2000

/** The demo world's user with a grant (server/sandbox/fixtures.ts), and the demo app. */
const AUTH_TOKEN = 'sbxQ3fNs8BxLe5RtKw0ZpUc7HiMy2v'
const CLIENT_ID = 'demo-app'

// ---------------------------------------------------------------------------------------------
// The two processes

interface Child {
  name: string
  process: ChildProcess
  output: () => string
}

const children: Child[] = []

function startChild(name: string, nodeArgs: string[], script: string[], env: Record<string, string>, ready: RegExp): Promise<{ child: Child; match: RegExpExecArray }> {
  // TypeScript (the sandbox) through tsx; the compiled BFF by node alone.
  const loader = script[0]?.endsWith('.ts') ? ['--import', 'tsx'] : []
  const proc = spawn(process.execPath, [...nodeArgs, ...loader, ...script], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  // Only the start and the last lines are kept: the BFF logs one line per request.
  let head = ''
  let tail = ''
  const collect = (chunk: Buffer) => {
    if (head.length < 4000) head += chunk.toString()
    else tail = (tail + chunk.toString()).slice(-4000)
  }
  proc.stdout.on('data', collect)
  proc.stderr.on('data', collect)
  const child: Child = { name, process: proc, output: () => head + (tail ? `\n…\n${tail}` : '') }
  children.push(child)
  return new Promise((resolveStart, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start in 30 s:\n${child.output()}`)), 30_000)
    const check = () => {
      const match = ready.exec(head)
      if (match) {
        clearTimeout(timer)
        proc.stdout.off('data', check)
        resolveStart({ child, match })
      }
    }
    proc.stdout.on('data', check)
    proc.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`${name} exited with ${code}:\n${child.output()}`))
    })
  })
}

async function stopChildren(): Promise<void> {
  await Promise.all(
    children.map(
      ({ process: proc }) =>
        new Promise<void>((done) => {
          if (proc.exitCode !== null || proc.signalCode !== null) return done()
          proc.once('exit', () => done())
          proc.kill('SIGTERM')
        }),
    ),
  )
}

// A child left running would hold its port: stop both on Ctrl-C, on failure and on any exit.
process.on('exit', () => children.forEach(({ process: proc }) => proc.exitCode === null && proc.kill('SIGKILL')))
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    console.error(`\n${signal}: stopping the sandbox and the BFF`)
    void stopChildren().finally(() => process.exit(130))
  })
}

// ---------------------------------------------------------------------------------------------
// Memory and CPU of the two processes, read from /proc (Linux; elsewhere the columns show –)

/** CPU time (ms, user + system) of a process so far; /proc counts it in ticks of 10 ms. */
function cpuMs(pid: number): number | undefined {
  try {
    // The command name (field 2) may hold spaces; the fields after its closing parenthesis do not.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? []
    return (Number(fields[11]) + Number(fields[12])) * 10
  } catch {
    return undefined
  }
}

function rssKb(pid: number): number | undefined {
  try {
    const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return match ? Number(match[1]) : undefined
  } catch {
    return undefined
  }
}

/** Highest RSS per process during a run, sampled twice a second, and the CPU time it used. */
class ProcessMeter {
  private maxRss = new Map<number, number>()
  private cpuAtStart = new Map<number, number | undefined>()
  private timer: NodeJS.Timeout | undefined

  constructor(private readonly pids: number[]) {}

  start(): void {
    this.maxRss.clear()
    for (const pid of this.pids) this.cpuAtStart.set(pid, cpuMs(pid))
    this.timer = setInterval(() => this.sample(), 500)
    this.sample()
  }

  stop(): Map<number, { rssKb: number | undefined; cpuMs: number | undefined }> {
    clearInterval(this.timer)
    this.sample()
    return new Map(
      this.pids.map((pid) => {
        const before = this.cpuAtStart.get(pid)
        const after = cpuMs(pid)
        return [pid, { rssKb: this.maxRss.get(pid), cpuMs: before === undefined || after === undefined ? undefined : after - before }]
      }),
    )
  }

  private sample(): void {
    for (const pid of this.pids) {
      const rss = rssKb(pid)
      if (rss !== undefined) this.maxRss.set(pid, Math.max(this.maxRss.get(pid) ?? 0, rss))
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Runs

interface Target {
  name: string
  /** Which side: the BFF, or the sandbox called directly. */
  via: 'bff' | 'direct'
  endpoint: 'grants' | 'application'
  url: string
  headers: Record<string, string>
  /** A POST's form body, built afresh for every request; without it, a GET. */
  body?: () => string
}

interface Measure {
  target: Target
  connections: number
  rps: number
  p50: number
  p99: number
  errors: number
  requests: number
  usage: Map<number, { rssKb: number | undefined; cpuMs: number | undefined }>
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN
}

function run(target: Target, connections: number, duration: number): Promise<Omit<Measure, 'usage'>> {
  // autocannon's own histogram has whole milliseconds; loopback latencies need fractions.
  const latencies: number[] = []
  return new Promise((resolveRun, reject) => {
    const { url, headers, body } = target
    const requests = body ? [{ method: 'POST' as const, headers, setupRequest: (request: autocannon.Request) => ({ ...request, body: body() }) }] : [{ method: 'GET' as const, headers }]
    const instance = autocannon({ url, requests, connections, duration }, (error: unknown, result) => {
      if (error) return reject(error instanceof Error ? error : new Error(String(error)))
      latencies.sort((a, b) => a - b)
      resolveRun({
        target,
        connections,
        rps: result.requests.total / (result.duration || duration),
        p50: percentile(latencies, 50),
        p99: percentile(latencies, 99),
        errors: result.errors + result.non2xx,
        requests: result.requests.total,
      })
    })
    instance.on('response', (_client, _status, _bytes, responseTime) => latencies.push(responseTime))
  })
}

/** Each target once by hand before the load, so a broken setup fails with its answer, not a count. */
async function check(target: Target): Promise<void> {
  const { url, headers, body } = target
  const response = await fetch(url, body ? { method: 'POST', headers, body: body() } : { headers })
  const text = await response.text()
  const ok = response.ok && (target.via === 'bff' || z.object({ code: z.literal(0) }).safeParse(JSON.parse(text)).success)
  if (!ok) throw new Error(`${target.name}: HTTP ${response.status} ${text.slice(0, 300)}`)
}

// ---------------------------------------------------------------------------------------------
// The CPU profile

const profileSchema = z.object({
  nodes: z.array(
    z.object({
      id: z.number(),
      callFrame: z.object({ functionName: z.string(), url: z.string(), lineNumber: z.number() }),
    }),
  ),
  samples: z.array(z.number()),
  timeDeltas: z.array(z.number()),
})

/** The functions with the most self time in a .cpuprofile, with their share of all samples. */
function topSelfTime(file: string, count: number): string[] {
  const profile = profileSchema.parse(JSON.parse(readFileSync(file, 'utf8')))
  const frames = new Map(profile.nodes.map((node) => [node.id, node.callFrame]))
  const selfMicros = new Map<string, number>()
  let total = 0
  profile.samples.forEach((id, index) => {
    const frame = frames.get(id)
    const delta = profile.timeDeltas[index] ?? 0
    if (!frame) return
    const where = frame.url ? `${frame.url.replace(/^.*node_modules\//, '').replace(`file://${repoRoot}/`, '')}:${frame.lineNumber + 1}` : ''
    const key = `${frame.functionName || '(anonymous)'} ${where}`.trim()
    selfMicros.set(key, (selfMicros.get(key) ?? 0) + delta)
    total += delta
  })
  return [...selfMicros.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([key, micros]) => `${((micros / total) * 100).toFixed(1).padStart(5)} %  ${(micros / 1000).toFixed(0).padStart(6)} ms  ${key}`)
}

// ---------------------------------------------------------------------------------------------

function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((row) => (row[i] ?? '').length))) ?? []
  return rows.map((row) => row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  ')).join('\n')
}

const mb = (kb: number | undefined) => (kb ? `${(kb / 1024).toFixed(0)} MB` : '–')
const ms = (value: number) => `${value.toFixed(2)} ms`
const perRequest = (cpu: number | undefined, requests: number) => (cpu === undefined || requests === 0 ? '–' : ms(cpu / requests))

// ---------------------------------------------------------------------------------------------
// Start-up of the compiled server

/** Polls /readyz until it answers 200; the time since `startedAt`, in ms. */
async function untilReady(origin: string, startedAt: number, exited: () => boolean): Promise<number> {
  for (;;) {
    if (exited()) throw new Error('the compiled server exited before it was ready')
    const ready = await fetch(`${origin}/readyz`).then((response) => response.status === 200, () => false)
    if (ready) return performance.now() - startedAt
    if (performance.now() - startedAt > 30_000) throw new Error('the compiled server was not ready in 30 s')
    await new Promise((resolveWait) => setTimeout(resolveWait, 10))
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)] ?? Number.NaN

/**
 * Starts the compiled server `starts` times against the sandbox at `upstreamUrl` (each start with
 * its own empty store), measuring spawn to /readyz 200 and the RSS once it has idled; the medians.
 */
async function measureStartup(upstreamUrl: string, env: Record<string, string>, starts: number): Promise<{ readyMs: number[]; idleRssMb: number[] }> {
  const readyMs: number[] = []
  const idleRssMb: number[] = []
  for (let i = 0; i < starts; i++) {
    const port = await freePort()
    const startedAt = performance.now()
    const proc = spawn(process.execPath, [COMPILED_SERVER], {
      cwd: repoRoot,
      env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1', UPSTREAM_URL: upstreamUrl, PORTAL_DB: ':memory:', NODE_ENV: 'production', LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'ignore', 'pipe'],
    })
    let stderr = ''
    proc.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    try {
      readyMs.push(await untilReady(`http://127.0.0.1:${port}`, startedAt, () => proc.exitCode !== null))
      await new Promise((resolveWait) => setTimeout(resolveWait, IDLE_AFTER_MS))
      const rss = rssKb(proc.pid ?? 0)
      if (rss !== undefined) idleRssMb.push(rss / 1024)
    } catch (error) {
      throw new Error(`${error instanceof Error ? error.message : String(error)}\n${stderr}`)
    } finally {
      await new Promise<void>((done) => {
        if (proc.exitCode !== null) return done()
        proc.once('exit', () => done())
        // SIGINT: stop at once, without the SIGTERM drain's grace.
        proc.kill('SIGINT')
      })
    }
  }
  return { readyMs, idleRssMb }
}

async function main(): Promise<number> {
  if (!existsSync(join(repoRoot, COMPILED_SERVER))) {
    console.error(`${COMPILED_SERVER} is missing: run \`npm run build\` first.`)
    return 1
  }
  const bffPort = await freePort()
  const bffOrigin = `http://127.0.0.1:${bffPort}`
  const redirectUri = `${bffOrigin}/sandbox/callback`

  const { child: sandbox, match } = await startChild(
    'sandbox',
    [],
    ['server/sandbox/serve.ts', bffOrigin],
    { PORT: '0', HOST: '127.0.0.1', SANDBOX_DB: ':memory:', UPSTREAM_URL: '', SANDBOX_FIXTURES: '', BGE_APP_KEY: '', BGE_APP_SECRET: '' },
    /BGE sandbox on (http:\S+)/,
  )
  const upstreamUrl = match[1] ?? ''

  const bffEnv = {
    UPSTREAM_URL: upstreamUrl,
    BGE_APP_KEY: SANDBOX_APP_KEY,
    BGE_APP_SECRET: SANDBOX_APP_SECRET,
    SESSION_SECRET: randomBytes(32).toString('hex'),
    RECEIPT_SIGNING_KEYS: JSON.stringify([newSigningJwk()]),
    LOGIN_URL: '/signin?next={next}',
    SAMPLES_PATH: SANDBOX_SAMPLES_PATH,
    USER_PATH: SANDBOX_USER_PATH,
  }
  if (settings.starts > 0) {
    const { readyMs, idleRssMb } = await measureStartup(upstreamUrl, bffEnv, settings.starts)
    const ready = median(readyMs)
    const rss = median(idleRssMb)
    console.log(
      `Compiled server start-up, median of ${settings.starts} (${COMPILED_SERVER}, node ${process.version}):\n` +
        table([
          ['', 'median', 'all', 'goal'],
          ['time to ready (/readyz 200)', ms(ready), readyMs.map((value) => value.toFixed(0)).join(' '), `≤ ${READY_GOAL_MS} ms ${ready <= READY_GOAL_MS ? 'met' : 'MISSED'}`],
          ['idle RSS', `${rss.toFixed(0)} MB`, idleRssMb.map((value) => value.toFixed(0)).join(' '), `≤ ${IDLE_RSS_GOAL_MB} MB ${rss <= IDLE_RSS_GOAL_MB ? 'met' : 'MISSED'}`],
        ]) +
        '\n',
    )
  }

  const profileDir = join(repoRoot, '.data', `bench-load-profile-${Date.now()}`)
  if (settings.profile) mkdirSync(profileDir, { recursive: true })
  const { child: bff } = await startChild(
    'BFF',
    settings.profile ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [],
    [COMPILED_SERVER],
    // The rate limits would answer most of a load from one address with 429: the BFF's own cost is measured, not its limits.
    { ...bffEnv, PORT: String(bffPort), HOST: '127.0.0.1', RATE_LIMIT: 'off' },
    /BGE consent portal on/,
  )

  const credentials = { appKey: SANDBOX_APP_KEY, appSecret: SANDBOX_APP_SECRET }
  const applicationQuery = new URLSearchParams({ client_id: CLIENT_ID, redirect_uri: redirectUri }).toString()
  const formHeaders = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' }
  // Every direct call signs afresh: the sandbox checks the signature and the timestamp, as the platform does.
  const signed = (params: Record<string, string>) => () => signedForm(params, credentials, new Date())
  const targets: Target[] = [
    {
      name: 'grants',
      via: 'bff',
      endpoint: 'grants',
      url: `${bffOrigin}/api/oauth2/grants`,
      headers: { cookie: `bge_auth_token=${AUTH_TOKEN}` },
    },
    {
      name: 'application',
      via: 'bff',
      endpoint: 'application',
      url: `${bffOrigin}/api/oauth2/application?${applicationQuery}`,
      headers: {},
    },
    {
      name: 'grants',
      via: 'direct',
      endpoint: 'grants',
      url: `${upstreamUrl}${PRIVATE_API_PATHS.grants}`,
      headers: formHeaders,
      body: signed({ auth_token: AUTH_TOKEN }),
    },
    {
      name: 'application',
      via: 'direct',
      endpoint: 'application',
      url: `${upstreamUrl}${PRIVATE_API_PATHS.application}`,
      headers: formHeaders,
      body: signed({ client_id: CLIENT_ID, redirect_uri: redirectUri }),
    },
  ]
  for (const target of targets) await check(target)

  const bffPid = bff.process.pid ?? 0
  const sandboxPid = sandbox.process.pid ?? 0
  const meter = new ProcessMeter([bffPid, sandboxPid])
  const measures: Measure[] = []
  console.log(`Sandbox ${upstreamUrl}, BFF ${bffOrigin}; ${settings.duration} s per run after ${settings.warmup} s of warm-up.`)
  if (settings.warmup > 0) for (const target of targets) await run(target, Math.max(...settings.connections), settings.warmup)
  for (const connections of settings.connections) {
    for (const target of targets) {
      if (process.stderr.isTTY) process.stderr.write(`\r  c=${connections} ${target.via} ${target.name} …`.padEnd(60))
      meter.start()
      const measure = await run(target, connections, settings.duration)
      measures.push({ ...measure, usage: meter.stop() })
    }
  }

  const rows = [['c', 'call', 'via', 'rps', 'p50', 'p99', 'errors', 'BFF RSS', 'sandbox RSS', 'BFF CPU/req', 'sandbox CPU/req']]
  for (const m of measures) {
    rows.push([
      String(m.connections),
      m.target.name,
      m.target.via === 'bff' ? 'BFF' : 'sandbox direct',
      m.rps.toFixed(0),
      ms(m.p50),
      ms(m.p99),
      String(m.errors),
      m.target.via === 'bff' ? mb(m.usage.get(bffPid)?.rssKb) : '',
      mb(m.usage.get(sandboxPid)?.rssKb),
      m.target.via === 'bff' ? perRequest(m.usage.get(bffPid)?.cpuMs, m.requests) : '',
      perRequest(m.usage.get(sandboxPid)?.cpuMs, m.requests),
    ])
  }
  if (process.stderr.isTTY) process.stderr.write('\r'.padEnd(61))
  console.log(`\n${table(rows)}\n`)

  const ratios = [['c', 'call', 'BFF / direct rps', 'p50 added by the BFF']]
  for (const connections of settings.connections) {
    for (const endpoint of ['grants', 'application'] as const) {
      const of = (via: Target['via']) => measures.find((m) => m.connections === connections && m.target.endpoint === endpoint && m.target.via === via)
      const viaBff = of('bff')
      const direct = of('direct')
      if (viaBff && direct) ratios.push([String(connections), endpoint, `${((viaBff.rps / direct.rps) * 100).toFixed(0)} %`, ms(viaBff.p50 - direct.p50)])
    }
  }
  console.log(`${table(ratios)}\n`)

  await stopChildren()
  if (settings.profile) {
    // Any worker thread writes a profile too; the main thread's is the largest.
    const file = readdirSync(profileDir)
      .filter((name) => name.endsWith('.cpuprofile'))
      .sort((a, b) => statSync(join(profileDir, b)).size - statSync(join(profileDir, a)).size)[0]
    if (file) console.log(`BFF CPU profile ${join(profileDir, file)}, most self time:\n${topSelfTime(join(profileDir, file), 25).join('\n')}\n`)
    else console.log(`No CPU profile was written in ${profileDir}.`)
  }

  const errors = measures.reduce((sum, m) => sum + m.errors, 0)
  if (errors > 0) console.error(`${errors} requests failed (non-2xx or socket errors).`)
  return errors > 0 ? 1 : 0
}

main()
  .then((code) => process.exit(code))
  .catch(async (error: unknown) => {
    console.error(error instanceof Error ? error.message : error)
    await stopChildren()
    process.exit(1)
  })
