import { expect, test } from 'vitest'
import { checkConsentRequest, grantedScopesOf } from './consent-request'

const app = { scopes: ['profile.default', 'sample.default:read'] }
const q = (query: string) => new URLSearchParams(query)
const GOOD = 'client_id=a&redirect_uri=https%3A%2F%2Fa.example%2Fcb&response_type=code&scope=profile.default&state=s'

test('a good request passes both halves of the check and keeps its fields as sent', () => {
  const checked = checkConsentRequest(q(GOOD), app)
  expect(checked).toEqual({
    ok: true,
    request: { clientId: 'a', redirectUri: 'https://a.example/cb', responseType: 'code', scope: 'profile.default', state: 's' },
  })
})

test('page problems come first, in OAuth order, whether or not the app is known', () => {
  expect(checkConsentRequest(q(`${GOOD}&state=t`), app)).toMatchObject({ ok: false, problem: { answer: 'page', code: 'duplicate_parameter', details: { parameter: 'state' } } })
  expect(checkConsentRequest(q('client_id=a&response_type=token'))).toMatchObject({ ok: false, problem: { code: 'missing_parameters', details: { missing: 'redirect_uri' } } })
  expect(checkConsentRequest(q('client_id=a&redirect_uri=%20JaVaScRiPt:alert(1)&response_type=token'), app)).toMatchObject({
    ok: false,
    problem: { answer: 'page', code: 'forbidden_redirect_scheme' },
  })
})

test('response_type and unknown scopes go back to the app, and only once the app is known', () => {
  expect(checkConsentRequest(q(GOOD.replace('response_type=code', 'response_type=token'))).ok).toBe(true)
  expect(checkConsentRequest(q(GOOD.replace('response_type=code', 'response_type=token')), app)).toMatchObject({ ok: false, problem: { answer: 'app', code: 'unsupported_response_type' } })
  expect(checkConsentRequest(q(GOOD.replace('response_type=code&', '')), app)).toMatchObject({ ok: false, problem: { code: 'unsupported_response_type' } })
  expect(checkConsentRequest(q(GOOD.replace('scope=profile.default', 'scope=profile.default+variant.rsid')), app)).toMatchObject({
    ok: false,
    problem: { answer: 'app', code: 'invalid_scope' },
  })
})

test('granted scopes: every registered scope unless the platform honours scope, those named marked as asked', () => {
  const registered = [{ scope: 'profile.default' }, { scope: 'sample.default:read' }]
  expect(grantedScopesOf(registered, 'profile.default', false)).toEqual([
    { scope: 'profile.default', asked: true },
    { scope: 'sample.default:read', asked: false },
  ])
  expect(grantedScopesOf(registered, 'profile.default', true)).toEqual([{ scope: 'profile.default', asked: true }])
  expect(grantedScopesOf(registered, undefined, true).map((s) => s.asked)).toEqual([true, true])
})
