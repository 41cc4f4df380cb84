import { describe, expect, test } from 'vitest'
import {
  cleanText,
  upstreamApplicationSchema,
  upstreamBiosamplesSchema,
  upstreamGrantsSchemaFor,
  upstreamUserSchema,
} from './schemas'

const hex = (code: number) => `U+${code.toString(16).toUpperCase().padStart(4, '0')}`
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i)

const C0 = range(0x00, 0x1f).filter((code) => code !== 0x09 && code !== 0x0a)
const C1 = range(0x7f, 0x9f)
const BIDI = [0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069, 0x200e, 0x200f, 0x061c]

describe('cleanText', () => {
  test.each([...C0, ...C1].map((code) => [hex(code), code]))('%s is removed', (_name, code) => {
    expect(cleanText(`a${String.fromCodePoint(code)}b${String.fromCodePoint(code)}`)).toBe('ab')
  })

  test('TAB and LF are kept', () => {
    expect(cleanText('line one\n\tline two')).toBe('line one\n\tline two')
  })

  test.each(BIDI.map((code) => [hex(code), code]))('bidirectional control %s is kept', (_name, code) => {
    const value = `abc${String.fromCodePoint(code)}def`
    expect(cleanText(value)).toBe(value)
  })

  test('an ANSI escape loses its ESC (and a CRLF its CR); other text is untouched', () => {
    expect(cleanText('\u001b[31mRed\u001b[0m\r\n基因 😀 é')).toBe('[31mRed[0m\n基因 😀 é')
  })
})

const app = (overrides: Record<string, unknown> = {}) => ({
  client_id: 'web-app',
  name: 'Gene Insight',
  logo: 'https://app.example/logo.png',
  description: 'Reads genotypes.',
  redirect_uri: 'https://app.example/cb',
  client_type: 'confidential',
  authorization_grant_type: 'authorization-code',
  wxmp_app_id: '',
  scopes: [{ scope: 'profile.default', title: 'Profile', message: 'Reads your profile' }],
  ...overrides,
})

describe('upstream answers: human texts cleaned, ids refused', () => {
  const HOSTILE = '\u0000Gene\u001b[2J\u0085\u202eInsight\u2069\u0007'
  const CLEAN = 'Gene[2J\u202eInsight\u2069'

  test('the application’s name, logo, description and scope texts are cleaned; bidi kept', () => {
    const parsed = upstreamApplicationSchema.parse(
      app({
        name: HOSTILE,
        logo: '\u0000https://app.example/logo.png\u007f',
        description: `${HOSTILE}\nsecond line`,
        scopes: [{ scope: 'profile.default', title: HOSTILE, message: HOSTILE }],
      }),
    )
    expect(parsed).toMatchObject({
      name: CLEAN,
      logo: 'https://app.example/logo.png',
      description: `${CLEAN}\nsecond line`,
      scopes: [{ scope: 'profile.default', title: CLEAN, message: CLEAN }],
    })
  })

  test('the redirect URI is kept byte for byte: it must equal the one asked about', () => {
    expect(upstreamApplicationSchema.parse(app({ redirect_uri: 'https://app.example/cb\u0000' })).redirect_uri).toBe('https://app.example/cb\u0000')
  })

  test.each([
    ['client_id', app({ client_id: 'web\u0000app' })],
    ['a scope name', app({ scopes: [{ scope: 'profile.default\u001b', title: '', message: '' }] })],
    ['wxmp_app_id', app({ wxmp_app_id: 'wx\u00850123' })],
  ])('an application whose %s holds a control character is refused, not renamed', (_field, answer) => {
    expect(upstreamApplicationSchema.safeParse(answer).success).toBe(false)
  })

  test('the user’s name is cleaned; an id with a control character is refused', () => {
    expect(upstreamUserSchema.parse({ id: 'u-1', name: HOSTILE })).toEqual({ id: 'u-1', name: CLEAN })
    expect(upstreamUserSchema.safeParse({ id: 'u\u00001', name: 'A' }).success).toBe(false)
  })

  test('a sample’s project is cleaned; its id and type, which authorize names, are refused', () => {
    const sample = { biosample_id: 'E-1', type: 'Lowpass', status: 1, sample_time: '', project_name: HOSTILE }
    expect(upstreamBiosamplesSchema.parse([sample])).toEqual([{ ...sample, project_name: CLEAN }])
    expect(upstreamBiosamplesSchema.safeParse([{ ...sample, biosample_id: 'E-\u00001' }]).success).toBe(false)
    expect(upstreamBiosamplesSchema.safeParse([{ ...sample, type: 'Low\u0000pass' }]).success).toBe(false)
  })

  test('a grant’s app name and logo are cleaned; its client_id and sample refs are refused', () => {
    const schema = upstreamGrantsSchemaFor('Asia/Shanghai')
    const grant = {
      application: { client_id: 'web-app', name: HOSTILE, logo: 'https://app.example/\u0000logo.png' },
      grant_time: '2024-05-12 09:30:00',
      biosample_ids: [{ biosample_id: 'E-1', type: 'Lowpass' }],
    }
    expect(schema.parse([grant])).toEqual([{ ...grant, application: { client_id: 'web-app', name: CLEAN, logo: 'https://app.example/logo.png' }, grant_time: '2024-05-12T01:30:00Z' }])
    expect(schema.safeParse([{ ...grant, application: { ...grant.application, client_id: 'web\u0000app' } }]).success).toBe(false)
    expect(schema.safeParse([{ ...grant, biosample_ids: [{ biosample_id: 'E-1\u001b', type: 'Lowpass' }] }]).success).toBe(false)
  })
})
