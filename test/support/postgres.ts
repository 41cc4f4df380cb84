// A throwaway PostgreSQL for the tests: initdb into a temporary folder, a free loopback port,
// stopped and removed at the end. PostgreSQL refuses to run as root, so as root the server runs
// as the `postgres` user (Debian's package creates it). `TEST_DATABASE_URL` uses a server of
// one's own instead.
import { spawnSync } from 'node:child_process'
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { freePort } from './portal'

export interface ThrowawayPostgres {
  /** A superuser URL for the server's `postgres` database. */
  url: string
  stop(): void
}

/** The newest installed PostgreSQL's binaries (Debian keeps them in /usr/lib/postgresql/<version>/bin). */
export function postgresBinaries(): string {
  const root = '/usr/lib/postgresql'
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((version) => existsSync(join(root, version, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : []
  const newest = versions[0]
  if (newest === undefined) {
    throw new Error('No PostgreSQL found under /usr/lib/postgresql/*/bin: install Debian\'s `postgresql` package (.ci/run does), or set TEST_DATABASE_URL.')
  }
  return join(root, newest, 'bin')
}

function postgresUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined
  const passwd = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .map((line) => line.split(':'))
    .find((fields) => fields[0] === 'postgres')
  if (!passwd) throw new Error('Running as root, but there is no `postgres` user to run PostgreSQL as.')
  return { uid: Number(passwd[2]), gid: Number(passwd[3]) }
}

export async function startThrowawayPostgres(): Promise<ThrowawayPostgres> {
  const bin = postgresBinaries()
  const owner = postgresUser()
  const dir = mkdtempSync(join(tmpdir(), 'bge-pg-'))
  if (owner) chownSync(dir, owner.uid, owner.gid)
  const data = join(dir, 'data')
  const run = (program: string, args: string[]) => {
    const [command, argv] = owner ? ['runuser', ['-u', 'postgres', '--', join(bin, program), ...args]] : [join(bin, program), args]
    const result = spawnSync(command, argv, { encoding: 'utf8', cwd: dir })
    if (result.status !== 0) throw new Error(`${program} failed (${result.status}):\n${result.stdout}\n${result.stderr}`)
  }
  const port = await freePort()
  try {
    run('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--locale=C', '--no-sync'])
    // Durability is not the point of a throwaway server: fsync off keeps it quick on slow disks.
    const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`
    run('pg_ctl', ['start', '-D', data, '-l', join(dir, 'server.log'), '-w', '-t', '60', '-o', options])
  } catch (error) {
    rmSync(dir, { recursive: true, force: true })
    throw error
  }
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop() {
      try {
        run('pg_ctl', ['stop', '-D', data, '-m', 'immediate', '-w'])
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    },
  }
}

/** A fresh database on the tests' server, so test files running in parallel never meet. */
export async function createTestDatabase(serverUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`
  const admin = new pg.Client({ connectionString: serverUrl })
  await admin.connect()
  try {
    await admin.query(`CREATE DATABASE ${name}`)
  } finally {
    await admin.end()
  }
  const url = new URL(serverUrl)
  url.pathname = `/${name}`
  return {
    url: url.href,
    async drop() {
      const client = new pg.Client({ connectionString: serverUrl })
      await client.connect()
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
      } finally {
        await client.end()
      }
    },
  }
}

/** Runs SQL as the server's superuser (e.g. to take a database away from the store under test). */
export async function asSuperuser(serverUrl: string, statements: string[]): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl })
  await client.connect()
  try {
    for (const statement of statements) await client.query(statement)
  } finally {
    await client.end()
  }
}
