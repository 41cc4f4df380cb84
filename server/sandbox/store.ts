// The sandbox's state in SQLite: what the fixtures seed, and what users do with it (grants, codes).
import Database from 'better-sqlite3'
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { z } from 'zod'
import type { Scope } from '../../src/contract/api'
import type { FixtureGrant, Fixtures } from './fixtures'

export interface SandboxUser {
  id: string
  name: string
}

export interface SandboxBiosample {
  biosample_id: string
  type: string
  status: number
  sample_time: string
  create_time: string
  project_name: string
}

export interface SandboxApplication {
  client_id: string
  name: string
  logo: string
  description: string
  wxmp_app_id: string
  blocked: boolean
  redirect_uris: string[]
  scopes: Scope[]
}

export interface BiosampleRef {
  biosample_id: string
  type: string
}

/** A grant with the application's name and logo, as the grants call shows it. */
export interface SandboxGrant extends FixtureGrant {
  name: string
  logo: string
}

export interface IssuedCode {
  code: string
  client_id: string
  user_id: string
  redirect_uri: string
  biosample_ids: BiosampleRef[]
  expires_at: Date
}

export interface SandboxStore {
  /** True when nothing was ever seeded: no users and no applications. */
  isEmpty(): boolean
  /**
   * Replaces everything (issued codes included) in one transaction. Grants whose user or
   * application is not among the fixtures are dropped, so grants kept from an earlier start
   * survive a change of the demo.
   */
  replaceWith(fixtures: Fixtures): void
  users(): SandboxUser[]
  userByToken(authToken: string): SandboxUser | undefined
  authTokenOf(userId: string): string | undefined
  biosamplesOf(userId: string): SandboxBiosample[]
  application(clientId: string): SandboxApplication | undefined
  /** Newest first. */
  grantsOf(userId: string, clientId?: string): SandboxGrant[]
  allGrants(): FixtureGrant[]
  /** Creates the grant, or replaces its samples and time. */
  saveGrant(grant: FixtureGrant): void
  /** False when there was nothing to delete. */
  deleteGrant(userId: string, clientId: string): boolean
  /** Also forgets codes that expired before `now`. */
  saveCode(code: IssuedCode, now: Date): void
  /** An issued, unexpired code. */
  findCode(code: string, now: Date): IssuedCode | undefined
  close(): void
}

/** Bump when the tables change: an older file is then rebuilt rather than misread. */
const SCHEMA_VERSION = 1

const SCHEMA = `
CREATE TABLE scopes (
  position INTEGER NOT NULL,
  scope TEXT PRIMARY KEY,
  title TEXT NOT NULL,
  message TEXT NOT NULL
);
CREATE TABLE users (
  position INTEGER NOT NULL,
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  auth_token TEXT NOT NULL UNIQUE
);
CREATE TABLE biosamples (
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  biosample_id TEXT NOT NULL,
  type TEXT NOT NULL,
  status INTEGER NOT NULL,
  sample_time TEXT NOT NULL,
  create_time TEXT NOT NULL,
  project_name TEXT NOT NULL,
  PRIMARY KEY (user_id, biosample_id)
);
CREATE TABLE applications (
  position INTEGER NOT NULL,
  client_id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  logo TEXT NOT NULL,
  description TEXT NOT NULL,
  wxmp_app_id TEXT NOT NULL,
  blocked INTEGER NOT NULL
);
CREATE TABLE application_redirect_uris (
  client_id TEXT NOT NULL REFERENCES applications(client_id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  uri TEXT NOT NULL,
  PRIMARY KEY (client_id, uri)
);
CREATE TABLE application_scopes (
  client_id TEXT NOT NULL REFERENCES applications(client_id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  scope TEXT NOT NULL REFERENCES scopes(scope),
  PRIMARY KEY (client_id, scope)
);
CREATE TABLE grants (
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  client_id TEXT NOT NULL REFERENCES applications(client_id) ON DELETE CASCADE,
  grant_time TEXT NOT NULL,
  biosample_ids TEXT NOT NULL,
  PRIMARY KEY (user_id, client_id)
);
CREATE TABLE codes (
  code TEXT PRIMARY KEY,
  client_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  redirect_uri TEXT NOT NULL,
  biosample_ids TEXT NOT NULL,
  expires_at INTEGER NOT NULL
);
`

const TABLES = ['codes', 'grants', 'application_scopes', 'application_redirect_uris', 'applications', 'biosamples', 'users', 'scopes']

/** Sample lists are stored as JSON; read back through a schema like any other boundary. */
const biosampleRefsSchema = z.array(z.object({ biosample_id: z.string(), type: z.string() }))

function readRefs(json: string): BiosampleRef[] {
  return biosampleRefsSchema.parse(JSON.parse(json))
}

function writeRefs(refs: BiosampleRef[]): string {
  return JSON.stringify(refs.map(({ biosample_id, type }) => ({ biosample_id, type })))
}

function prepareSchema(db: Database.Database): void {
  const version = db.pragma('user_version', { simple: true })
  if (version === SCHEMA_VERSION) return
  db.transaction(() => {
    for (const table of TABLES) db.exec(`DROP TABLE IF EXISTS ${table}`)
    db.exec(SCHEMA)
    db.pragma(`user_version = ${SCHEMA_VERSION}`)
  })()
}

/** Opens (creating when needed) the store at `path`; `:memory:` keeps nothing. */
export function openStore(path: string): SandboxStore {
  const inMemory = path === ':memory:' || path === ''
  if (!inMemory) mkdirSync(dirname(path), { recursive: true })
  const db = new Database(path)
  // WAL lets a reader (e.g. a second look with the sqlite3 shell) coexist with the server.
  if (!inMemory) db.pragma('journal_mode = WAL')
  db.pragma('foreign_keys = ON')
  prepareSchema(db)

  const q = {
    anyUser: db.prepare<[], { found: number }>('SELECT EXISTS (SELECT 1 FROM users) OR EXISTS (SELECT 1 FROM applications) AS found'),
    users: db.prepare<[], SandboxUser>('SELECT id, name FROM users ORDER BY position'),
    userByToken: db.prepare<[string], SandboxUser>('SELECT id, name FROM users WHERE auth_token = ?'),
    tokenOf: db.prepare<[string], { auth_token: string }>('SELECT auth_token FROM users WHERE id = ?'),
    biosamples: db.prepare<[string], SandboxBiosample>(
      'SELECT biosample_id, type, status, sample_time, create_time, project_name FROM biosamples WHERE user_id = ? ORDER BY position',
    ),
    application: db.prepare<[string], Omit<SandboxApplication, 'blocked' | 'redirect_uris' | 'scopes'> & { blocked: number }>(
      'SELECT client_id, name, logo, description, wxmp_app_id, blocked FROM applications WHERE client_id = ?',
    ),
    redirectUris: db.prepare<[string], { uri: string }>('SELECT uri FROM application_redirect_uris WHERE client_id = ? ORDER BY position'),
    applicationScopes: db.prepare<[string], Scope>(
      `SELECT s.scope, s.title, s.message FROM application_scopes a JOIN scopes s ON s.scope = a.scope
       WHERE a.client_id = ? ORDER BY a.position`,
    ),
    grantsOf: db.prepare<[string, string | null, string | null], Omit<SandboxGrant, 'biosample_ids'> & { biosample_ids: string }>(
      `SELECT g.user_id, g.client_id, g.grant_time, g.biosample_ids, a.name, a.logo
       FROM grants g JOIN applications a ON a.client_id = g.client_id
       WHERE g.user_id = ? AND (? IS NULL OR g.client_id = ?)
       ORDER BY g.grant_time DESC, a.position`,
    ),
    allGrants: db.prepare<[], Omit<FixtureGrant, 'biosample_ids'> & { biosample_ids: string }>(
      'SELECT user_id, client_id, grant_time, biosample_ids FROM grants ORDER BY user_id, client_id',
    ),
    saveGrant: db.prepare<[string, string, string, string]>(
      `INSERT INTO grants (user_id, client_id, grant_time, biosample_ids) VALUES (?, ?, ?, ?)
       ON CONFLICT (user_id, client_id) DO UPDATE SET grant_time = excluded.grant_time, biosample_ids = excluded.biosample_ids`,
    ),
    deleteGrant: db.prepare<[string, string]>('DELETE FROM grants WHERE user_id = ? AND client_id = ?'),
    purgeCodes: db.prepare<[number]>('DELETE FROM codes WHERE expires_at <= ?'),
    saveCode: db.prepare<[string, string, string, string, string, number]>(
      'INSERT INTO codes (code, client_id, user_id, redirect_uri, biosample_ids, expires_at) VALUES (?, ?, ?, ?, ?, ?)',
    ),
    findCode: db.prepare<[string, number], Omit<IssuedCode, 'biosample_ids' | 'expires_at'> & { biosample_ids: string; expires_at: number }>(
      'SELECT code, client_id, user_id, redirect_uri, biosample_ids, expires_at FROM codes WHERE code = ? AND expires_at > ?',
    ),
    insertScope: db.prepare<[number, string, string, string]>('INSERT INTO scopes (position, scope, title, message) VALUES (?, ?, ?, ?)'),
    insertUser: db.prepare<[number, string, string, string]>('INSERT INTO users (position, id, name, auth_token) VALUES (?, ?, ?, ?)'),
    insertBiosample: db.prepare<[string, number, string, string, number, string, string, string]>(
      `INSERT INTO biosamples (user_id, position, biosample_id, type, status, sample_time, create_time, project_name)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    insertApplication: db.prepare<[number, string, string, string, string, string, number]>(
      'INSERT INTO applications (position, client_id, name, logo, description, wxmp_app_id, blocked) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ),
    insertRedirectUri: db.prepare<[string, number, string]>('INSERT INTO application_redirect_uris (client_id, position, uri) VALUES (?, ?, ?)'),
    insertApplicationScope: db.prepare<[string, number, string]>('INSERT INTO application_scopes (client_id, position, scope) VALUES (?, ?, ?)'),
  }

  const replaceWith = db.transaction((fixtures: Fixtures) => {
    for (const table of TABLES) db.exec(`DELETE FROM ${table}`)
    fixtures.scopes.forEach((s, i) => q.insertScope.run(i, s.scope, s.title, s.message))
    fixtures.users.forEach((user, i) => {
      q.insertUser.run(i, user.id, user.name, user.auth_token)
      user.biosamples.forEach((b, j) =>
        // The fixtures format has no create_time: a sample is taken to be registered when taken.
        q.insertBiosample.run(user.id, j, b.biosample_id, b.type, b.status, b.sample_time, b.sample_time, b.project_name),
      )
    })
    fixtures.applications.forEach((app, i) => {
      q.insertApplication.run(i, app.client_id, app.name, app.logo, app.description, app.wxmp_app_id, app.blocked ? 1 : 0)
      app.redirect_uris.forEach((uri, j) => q.insertRedirectUri.run(app.client_id, j, uri))
      app.scopes.forEach((scope, j) => q.insertApplicationScope.run(app.client_id, j, scope))
    })
    const users = new Set(fixtures.users.map((u) => u.id))
    const clients = new Set(fixtures.applications.map((a) => a.client_id))
    for (const grant of fixtures.grants) {
      if (users.has(grant.user_id) && clients.has(grant.client_id)) {
        q.saveGrant.run(grant.user_id, grant.client_id, grant.grant_time, writeRefs(grant.biosample_ids))
      }
    }
  })

  return {
    isEmpty: () => q.anyUser.get()?.found !== 1,
    replaceWith: (fixtures) => replaceWith(fixtures),
    users: () => q.users.all(),
    userByToken: (authToken) => q.userByToken.get(authToken),
    authTokenOf: (userId) => q.tokenOf.get(userId)?.auth_token,
    biosamplesOf: (userId) => q.biosamples.all(userId),
    application: (clientId) => {
      const row = q.application.get(clientId)
      if (!row) return undefined
      return {
        ...row,
        blocked: row.blocked === 1,
        redirect_uris: q.redirectUris.all(clientId).map((r) => r.uri),
        scopes: q.applicationScopes.all(clientId),
      }
    },
    grantsOf: (userId, clientId) =>
      q.grantsOf.all(userId, clientId ?? null, clientId ?? null).map((row) => ({ ...row, biosample_ids: readRefs(row.biosample_ids) })),
    allGrants: () => q.allGrants.all().map((row) => ({ ...row, biosample_ids: readRefs(row.biosample_ids) })),
    saveGrant: (grant) => {
      q.saveGrant.run(grant.user_id, grant.client_id, grant.grant_time, writeRefs(grant.biosample_ids))
    },
    deleteGrant: (userId, clientId) => q.deleteGrant.run(userId, clientId).changes > 0,
    saveCode: (code, now) => {
      q.purgeCodes.run(now.getTime())
      q.saveCode.run(code.code, code.client_id, code.user_id, code.redirect_uri, writeRefs(code.biosample_ids), code.expires_at.getTime())
    },
    findCode: (code, now) => {
      const row = q.findCode.get(code, now.getTime())
      return row && { ...row, biosample_ids: readRefs(row.biosample_ids), expires_at: new Date(row.expires_at) }
    },
    close: () => db.close(),
  }
}
