import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { readFileSync } from 'node:fs'
import { afterAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { demoFixtures, demoFixturesFor, FixturesError, loadFixturesFile, parseFault, parseFixtures, type FixturesInput } from './fixtures'
import { PLATFORM_SCOPES } from './platform-scopes'

const repoRoot = resolve(import.meta.dirname, '../..')
const SEED_000 = resolve(repoRoot, 'test/fixtures/reference/seeds/000_904f7da2f5688db0.txt')

function minimal(): FixturesInput {
  return {
    users: [
      {
        id: 'u-1',
        name: 'One',
        auth_token: 'tok-1',
        biosamples: [
          { biosample_id: 'E-1', type: 'Lowpass', status: 1, sample_time: '2021-03-19T07:00:41Z', project_name: 'P' },
          { biosample_id: 'E-2', type: 'Full', status: 0, sample_time: '', project_name: 'P' },
        ],
      },
    ],
    applications: [{ client_id: 'app', name: 'App', redirect_uris: ['https://app.example/cb'], scopes: ['profile.default'] }],
  }
}

/** The problems a broken variant of `minimal()` is refused with. */
function problemsOf(change: (f: FixturesInput & Record<string, unknown>) => void): { path: string; message: string }[] {
  const fixtures = structuredClone(minimal()) as FixturesInput & Record<string, unknown>
  change(fixtures)
  try {
    parseFixtures(fixtures, 'test.json')
  } catch (error) {
    expect(error).toBeInstanceOf(FixturesError)
    return (error as FixturesError).problems
  }
  throw new Error('expected the fixtures to be refused')
}

describe('platform scopes', () => {
  it('are the 13 scopes of seed 000, texts included', () => {
    const seed = readFileSync(SEED_000, 'utf8')
    const json = seed.split('```json')[1]?.split('```')[0] ?? ''
    const { scopes } = z.object({ scopes: z.array(z.object({ scope: z.string(), title: z.string(), message: z.string() })) }).parse(JSON.parse(json))
    expect(scopes).toHaveLength(13)
    expect(PLATFORM_SCOPES).toEqual(scopes)
  })
})

describe('parseFixtures', () => {
  it('fills in the defaults', () => {
    const fixtures = parseFixtures(minimal())
    expect(fixtures.scopes).toEqual(PLATFORM_SCOPES)
    expect(fixtures.grants).toEqual([])
    expect(fixtures.faults).toEqual([])
    expect(fixtures.latency_ms).toBe(0)
    expect(fixtures.applications[0]).toMatchObject({ logo: '', description: '', wxmp_app_id: '', blocked: false })
  })

  it('accepts every field of the SPEC example', () => {
    const fixtures = parseFixtures({
      scopes: [{ scope: 'profile.default', title: '基本信息', message: '读取头像、用户名、昵称以及性别等基本用户信息' }],
      users: [
        {
          id: 'u-demo',
          name: 'Demo User',
          auth_token: 'tok-demo',
          biosamples: [{ biosample_id: 'E-F19955300137', type: 'Lowpass', status: 1, sample_time: '2021-03-19T07:00:41Z', project_name: 'Healthy Gut' }],
        },
      ],
      applications: [
        {
          client_id: 'demo-app',
          name: 'Gene Insight',
          logo: 'https://example.com/logo.png',
          description: '…',
          redirect_uris: ['http://localhost:3000/sandbox/callback'],
          scopes: ['profile.default'],
          wxmp_app_id: '',
          blocked: false,
        },
      ],
      grants: [
        { user_id: 'u-demo', client_id: 'demo-app', grant_time: '2021-03-19 07:00:41', biosample_ids: [{ biosample_id: 'E-F19955300137', type: 'Lowpass' }] },
      ],
      latency_ms: 0,
      faults: [{ path: '/openbge/oauth2/grants', kind: 'error_code', code: 40015, times: 1, when: 'after' }],
    })
    expect(fixtures.faults).toEqual([{ path: '/openbge/oauth2/grants', kind: 'error_code', code: 40015, times: 1, when: 'after' }])
  })

  it('names an unknown field anywhere by its path', () => {
    expect(problemsOf((f) => (f.colour = 'red'))).toEqual([{ path: 'colour', message: 'unknown field' }])
    expect(
      problemsOf((f) => {
        ;(f.users[0]?.biosamples?.[1] as Record<string, unknown>).colour = 'red'
      }),
    ).toEqual([{ path: 'users[0].biosamples[1].colour', message: 'unknown field' }])
  })

  it('names a wrong value by its path', () => {
    const problems = problemsOf((f) => {
      const sample = f.users[0]?.biosamples?.[1]
      if (sample) sample.status = 1.5
    })
    expect(problems).toEqual([{ path: 'users[0].biosamples[1].status', message: expect.stringContaining('int') }])
    expect(problemsOf((f) => (f.latency_ms = -1))[0]?.path).toBe('latency_ms')
    expect(problemsOf((f) => ((f.users[0] as Record<string, unknown>).biosamples = [{ biosample_id: 'E-1', type: 'x', status: 1, sample_time: 'yesterday' }]))[0]?.path).toBe(
      'users[0].biosamples[0].sample_time',
    )
  })

  it('requires app scopes to name entries of scopes', () => {
    expect(problemsOf((f) => f.applications[0]?.scopes?.push('made.up'))).toEqual([
      { path: 'applications[0].scopes[1]', message: expect.stringContaining('made.up') },
    ])
    expect(
      problemsOf((f) => {
        f.scopes = [{ scope: 'only.this', title: 't', message: 'm' }]
      })[0]?.path,
    ).toBe('applications[0].scopes[0]')
  })

  it('requires unique user ids, auth_tokens and client_ids', () => {
    const user = minimal().users[0]
    const app = minimal().applications[0]
    if (!user || !app) throw new Error('minimal() changed')
    expect(problemsOf((f) => f.users.push({ ...user, auth_token: 'other' })).map((p) => p.path)).toEqual(['users[1].id'])
    expect(problemsOf((f) => f.users.push({ ...user, id: 'other' })).map((p) => p.path)).toEqual(['users[1].auth_token'])
    expect(problemsOf((f) => f.applications.push(app)).map((p) => p.path)).toEqual(['applications[1].client_id'])
  })

  it('requires grants to reference existing users, apps and the user’s own samples', () => {
    const grant = { user_id: 'u-1', client_id: 'app', grant_time: '2021-03-19 07:00:41', biosample_ids: [{ biosample_id: 'E-1', type: 'Lowpass' }] }
    expect(() => parseFixtures({ ...minimal(), grants: [grant] })).not.toThrow()
    expect(problemsOf((f) => (f.grants = [{ ...grant, user_id: 'ghost' }])).map((p) => p.path)).toEqual(['grants[0].user_id'])
    expect(problemsOf((f) => (f.grants = [{ ...grant, client_id: 'ghost' }])).map((p) => p.path)).toEqual(['grants[0].client_id'])
    expect(
      problemsOf((f) => (f.grants = [{ ...grant, biosample_ids: [{ biosample_id: 'E-1', type: 'Full' }] }])).map((p) => p.path),
    ).toEqual(['grants[0].biosample_ids[0]'])
    expect(problemsOf((f) => (f.grants = [grant, grant])).map((p) => p.path)).toEqual(['grants[1]'])
    expect(problemsOf((f) => (f.grants = [{ ...grant, grant_time: '2021-03-19T07:00:41Z' }])).map((p) => p.path)).toEqual([
      'grants[0].grant_time',
    ])
  })

  it('checks faults', () => {
    const fixtures = parseFixtures({ ...minimal(), faults: [{ path: '/openbge/oauth2/grants', kind: 'timeout' }] })
    expect(fixtures.faults[0]).toMatchObject({ times: 1, when: 'before' })
    expect(problemsOf((f) => (f.faults = [{ path: '/openbge/oauth2/grants', kind: 'error_code' }])).map((p) => p.path)).toEqual([
      'faults[0].code',
    ])
    expect(problemsOf((f) => (f.faults = [{ path: '/openbge/oauth2/grants', kind: 'timeout', times: 0 }])).map((p) => p.path)).toEqual([
      'faults[0].times',
    ])
    expect(
      problemsOf((f) => (f.faults = [{ path: '/openbge/oauth2/grants', kind: 'explode' as 'timeout' }])).map((p) => p.path),
    ).toEqual(['faults[0].kind'])
    expect(problemsOf((f) => (f.faults = [{ path: '/nowhere' as '/openbge/oauth2/grants', kind: 'timeout' }])).map((p) => p.path)).toEqual([
      'faults[0].path',
    ])
    expect(problemsOf((f) => (f.faults = [{ path: '/openbge/oauth2/grants', kind: 'error_code', code: 0 }])).map((p) => p.path)).toEqual([
      'faults[0].code',
    ])
  })

  it('checks when a fault strikes: before the call acts (the default) or after', () => {
    const fixtures = parseFixtures({
      ...minimal(),
      faults: [
        { path: '/openbge/oauth2/authorize', kind: 'reset', when: 'after' },
        { path: '/openbge/oauth2/revoke_grant', kind: 'reset' },
      ],
    })
    expect(fixtures.faults.map((f) => [f.kind, f.when])).toEqual([
      ['reset', 'after'],
      ['reset', 'before'],
    ])
    expect(problemsOf((f) => (f.faults = [{ path: '/openbge/oauth2/grants', kind: 'timeout', when: 'during' as 'after' }]))).toEqual([
      { path: 'faults[0].when', message: expect.stringMatching(/before.*after/) },
    ])
    expect(
      problemsOf((f) => (f.faults = [{ path: '/openbge/oauth2/grants', kind: 'timeout', after: true } as unknown as NonNullable<FixturesInput['faults']>[number]])),
    ).toEqual([{ path: 'faults[0].after', message: 'unknown field' }])
  })
})

describe('parseFault', () => {
  it('fills in the defaults of one fault added at run time', () => {
    expect(parseFault({ path: '/openbge/oauth2/revoke_grant', kind: 'http_500' })).toEqual({
      path: '/openbge/oauth2/revoke_grant',
      kind: 'http_500',
      times: 1,
      when: 'before',
    })
  })

  it('refuses it like a fixtures fault, paths starting at the fault', () => {
    const refused = (data: unknown) => {
      try {
        parseFault(data, 'addFault')
      } catch (error) {
        expect(error).toBeInstanceOf(FixturesError)
        expect((error as FixturesError).message).toContain('addFault')
        return (error as FixturesError).problems.map((p) => p.path)
      }
      throw new Error('expected the fault to be refused')
    }
    expect(refused({ path: '/openbge/oauth2/grants', kind: 'error_code' })).toEqual(['code'])
    expect(refused({ path: '/openbge/oauth2/grants', kind: 'reset', when: 'later' })).toEqual(['when'])
    expect(refused({ path: '/openbge/oauth2/grants', kind: 'reset', delay_ms: 5 })).toEqual(['delay_ms'])
  })
})

describe('loadFixturesFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bge-fixtures-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('loads a valid file', () => {
    const file = join(dir, 'ok.json')
    writeFileSync(file, JSON.stringify(minimal()))
    expect(loadFixturesFile(file).users[0]?.id).toBe('u-1')
  })

  it('names the file, the field and the problem', () => {
    const file = join(dir, 'bad.json')
    const fixtures = minimal()
    const sample = fixtures.users[0]?.biosamples?.[1]
    if (sample) (sample as Record<string, unknown>).status = 'done'
    writeFileSync(file, JSON.stringify(fixtures))
    expect(() => loadFixturesFile(file)).toThrow(FixturesError)
    expect(() => loadFixturesFile(file)).toThrow(new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}[\\s\\S]*users\\[0\\]\\.biosamples\\[1\\]\\.status: .*number`))
  })

  it('says when the file cannot be read or is not JSON', () => {
    const missing = join(dir, 'missing.json')
    expect(() => loadFixturesFile(missing)).toThrow(/missing\.json[\s\S]*cannot be read/)
    const broken = join(dir, 'broken.json')
    writeFileSync(broken, '{"users": [')
    expect(() => loadFixturesFile(broken)).toThrow(/broken\.json[\s\S]*not valid JSON/)
  })
})

describe('demo fixtures', () => {
  it('has two users with varied biosamples', () => {
    expect(demoFixtures.users.map((u) => u.id)).toEqual(['u-demo', 'u-second'])
    for (const user of demoFixtures.users) {
      expect(user.biosamples.length).toBeGreaterThanOrEqual(6)
      expect(new Set(user.biosamples.map((b) => b.type)).size).toBeGreaterThanOrEqual(3)
      expect(new Set(user.biosamples.map((b) => b.status)).size).toBeGreaterThanOrEqual(3)
      for (const b of user.biosamples) {
        expect(b.biosample_id).toMatch(/^E-[A-Z]\d{11}$/)
        expect(b.status).toBeGreaterThanOrEqual(0)
        expect(b.status).toBeLessThanOrEqual(4)
        expect(b.project_name).not.toBe('')
      }
    }
  })

  it('has the demo web app, a mini program, a blocked app and the app of seed 000', () => {
    const apps = new Map(demoFixtures.applications.map((a) => [a.client_id, a]))
    expect(apps.get('demo-app')).toMatchObject({
      name: 'Gene Insight',
      wxmp_app_id: '',
      blocked: false,
      redirect_uris: expect.arrayContaining(['http://localhost:3000/sandbox/callback', 'http://127.0.0.1:3000/sandbox/callback']),
      scopes: expect.arrayContaining(['profile.default', 'sample.default:read', 'variant.rsid']),
    })
    const mini = demoFixtures.applications.find((a) => a.wxmp_app_id !== '')
    expect(mini?.redirect_uris).toEqual(['pages/index/index'])
    expect(demoFixtures.applications.some((a) => a.blocked)).toBe(true)
    expect(apps.get('ex8FoZjiSmjAlbg0XiqGmaTSIT3SGxoJYnslDGqB')).toEqual({
      client_id: 'ex8FoZjiSmjAlbg0XiqGmaTSIT3SGxoJYnslDGqB',
      name: '测试应用',
      logo: '',
      description: '',
      redirect_uris: ['http://test.cn'],
      scopes: PLATFORM_SCOPES.map((s) => s.scope),
      wxmp_app_id: '',
      blocked: false,
    })
    for (const app of demoFixtures.applications) expect(app.logo === '' || app.logo.startsWith('https://')).toBe(true)
  })

  it('returns the demo app to the origin it is served on', () => {
    const fixtures = demoFixturesFor('http://127.0.0.1:4123')
    expect(fixtures.applications.find((a) => a.client_id === 'demo-app')?.redirect_uris).toEqual([
      'http://127.0.0.1:4123/sandbox/callback',
      'http://localhost:4123/sandbox/callback',
    ])
    const elsewhere = demoFixturesFor('https://portal.example.org/')
    expect(elsewhere.applications.find((a) => a.client_id === 'demo-app')?.redirect_uris).toContain(
      'https://portal.example.org/sandbox/callback',
    )
  })
})
