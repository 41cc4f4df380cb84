import { QueryClient } from '@tanstack/react-query'
import { act, screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { delay, http, HttpResponse } from 'msw'
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest'
import { createStaticHandler } from 'react-router'
import { appRoutes } from '@/app/router'
import type { Biosample, Grant } from '@/contract/api'
import { setLanguage } from '@/lib/i18n'
import { DEFAULT_LOGIN_URL } from '@/lib/session'
import { assignLocation, replaceLocation } from '@/lib/navigation'
import { ALICE, publicUser } from '../../../test/support/fixture-users'
import { apiError, server, unauthenticated } from '../../../test/support/msw-handlers'
import { currentPath, renderApp, sentence } from '../../../test/support/render'
import { PLATFORM_SCOPE_TEXTS } from '../../../test/support/platform-scopes'
import { useSelectionStore } from './selection-store'

vi.mock('@/lib/navigation', () => ({ assignLocation: vi.fn(), replaceLocation: vi.fn() }))

const REDIRECT = 'https://test.cn/callback?source=portal'
const STATE = 'a b+c&d#e 中文 🎉'

function sample(id: string, type = 'Lowpass', status = 1, project = 'Healthy Gut'): Biosample {
  return { biosample_id: id, type, status, sample_time: '2024-03-19T07:00:41Z', project_name: project }
}

const SAMPLES = [sample('E-A0001'), sample('E-A0002', 'Full', 2), sample('E-A0003', '16S', 9, 'Gut 2024')]

function scope(name: string) {
  const text = PLATFORM_SCOPE_TEXTS[name] ?? { title: `上游 ${name}`, message: `上游说明 ${name}` }
  return { scope: name, ...text }
}

const APP_SCOPES = ['profile.default', 'sample.default:read', 'sample.default:write', 'variant.rsid'].map(scope)

/** What an English page sends about what it showed: its language; the BFF recomputes the texts. */
const SHOWN_IN_ENGLISH = 'en'

/** The BFF's answer; `granted` is what a decision grants, each scope asked for unless it says otherwise. */
function application(
  overrides: Partial<{ wxmp_app_id: string; redirect_uri: string; logo: string; name: string }> = {},
  granted: (ReturnType<typeof scope> & { asked?: boolean })[] = APP_SCOPES,
) {
  return {
    application: {
      client_id: 'web-app',
      name: 'Gene Insight',
      logo: '',
      description: 'Reads your variants to explain your ancestry.',
      redirect_uri: REDIRECT,
      client_type: 'confidential',
      wxmp_app_id: '',
      // What the app is registered for: every scope it may be granted (the page checks the link's against these).
      scopes: [...APP_SCOPES, ...granted.filter((g) => !APP_SCOPES.some((s) => s.scope === g.scope)).map(({ scope: name, title, message }) => ({ scope: name, title, message }))],
      ...overrides,
    },
    granted_scopes: granted.map((s) => ({ asked: true, ...s })),
    unknown_scopes: [] as string[],
    ticket: 'ticket-1' as string | null,
  }
}

interface World {
  application: ReturnType<typeof application>
  biosamples: Biosample[]
  grants: Grant[]
  session: boolean
}

let world: World
const requests: { method: string; path: string; body?: unknown }[] = []

const consentBff = [
  http.get('/api/session', () =>
    world.session
      ? HttpResponse.json({ user: publicUser(ALICE) })
      : unauthenticated(),
  ),
  http.delete('/api/session', () => {
    world.session = false
    requests.push({ method: 'DELETE', path: '/api/session' })
    return new HttpResponse(null, { status: 204 })
  }),
  http.get('/api/oauth2/application', ({ request }) => {
    requests.push({ method: 'GET', path: new URL(request.url).pathname + new URL(request.url).search })
    return HttpResponse.json(world.application)
  }),
  http.get('/api/biosamples', () =>
    world.session ? HttpResponse.json({ biosamples: world.biosamples }) : unauthenticated(40008),
  ),
  http.get('/api/oauth2/grants', () => (world.session ? HttpResponse.json({ grants: world.grants }) : unauthenticated(40008))),
  http.post('/api/oauth2/authorize', async ({ request }) => {
    requests.push({ method: 'POST', path: '/api/oauth2/authorize', body: await request.json() })
    await delay(30)
    return HttpResponse.json({ redirect_to: `${REDIRECT}&code=c0de&state=${encodeURIComponent(STATE)}` })
  }),
  http.post('/api/oauth2/deny', async ({ request }) => {
    requests.push({ method: 'POST', path: '/api/oauth2/deny', body: await request.json() })
    return HttpResponse.json({ redirect_to: `${REDIRECT}&error=access_denied&state=${encodeURIComponent(STATE)}` })
  }),
]

beforeEach(async () => {
  world = { application: application(), biosamples: SAMPLES, grants: [], session: true }
  requests.length = 0
  vi.mocked(assignLocation).mockReset()
  vi.mocked(replaceLocation).mockReset()
  server.use(...consentBff)
  useSelectionStore.setState({ flows: {} })
  await setLanguage('en')
})

function consentUrl(params: Record<string, string | undefined> = {}) {
  const all: Record<string, string | undefined> = {
    client_id: 'web-app',
    redirect_uri: REDIRECT,
    response_type: 'code',
    scope: 'profile.default sample.default:read sample.default:write variant.rsid',
    state: STATE,
    ...params,
  }
  const query = new URLSearchParams(Object.entries(all).filter((entry): entry is [string, string] => entry[1] !== undefined))
  return `/oauth2/authorize?${query}`
}

function renderConsent(path = consentUrl()) {
  return renderApp(path)
}

/** What the server answers for `path` when a loader redirects (src/entry-server.tsx runs the same routes). */
async function serverAnswer(path: string): Promise<Response> {
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } })
  const handler = createStaticHandler(appRoutes(queryClient, { loginUrl: DEFAULT_LOGIN_URL, origin: window.location.origin }))
  const answer = await handler.query(new Request(new URL(path, window.location.origin)))
  if (!(answer instanceof Response)) throw new Error(`${path} rendered a page, not a redirect`)
  return answer
}

async function findForm() {
  return screen.findByRole('heading', { level: 1, name: 'Gene Insight would like to access your BGE account' })
}

/** Ticks the genetic step's separate consent (the app reads variant.rsid), in the page's language. */
async function agreeToGeneticData(user: ReturnType<typeof userEvent.setup>) {
  await user.click(screen.getByRole('checkbox', { name: /may read my genetic data|读取我的基因数据/ }))
}

function postedTo(path: string) {
  return requests.filter((r) => r.method === 'POST' && r.path === path)
}

describe('consent page: what the user sees', () => {
  test('shows a skeleton while everything loads at once, then the app, its scopes and the samples', async () => {
    let release: () => void = () => {}
    const gate = new Promise<void>((resolve) => (release = resolve))
    server.use(
      http.get('/api/biosamples', async () => {
        await gate
        return HttpResponse.json({ biosamples: SAMPLES })
      }),
    )
    renderConsent()
    expect(await screen.findByText('Loading…')).toHaveAttribute('role', 'status')
    // The application was asked for while the samples were still on their way: no waterfall.
    await vi.waitFor(() => expect(requests.some((r) => r.path.startsWith('/api/oauth2/application'))).toBe(true))
    release()

    await findForm()
    expect(screen.getByText('Afterwards you’ll return to test.cn')).toBeInTheDocument()
    // The description, in the summary and quoted as the app's own words in the genetic step.
    expect(screen.getAllByText('Reads your variants to explain your ancestry.')).toHaveLength(2)
    expect(within(screen.getByRole('main')).getByText(ALICE.name)).toBeInTheDocument()
    expect(screen.getByRole('button', { name: 'Not you?' })).toBeInTheDocument()

    const scopes = within(screen.getByRole('region', { name: 'It will be able to' }))
    expect(scopes.getByText('Basic profile')).toBeInTheDocument()
    expect(scopes.getByText('Read sample details')).toBeInTheDocument()
    expect(within(scopes.getByRole('group', { name: 'Changes to your data' })).getByText('Add sample details')).toBeInTheDocument()
    expect(within(scopes.getByRole('group', { name: 'Your genetic data' })).getByText('Genomic variants (by RS number)')).toBeInTheDocument()

    const picker = screen.getByRole('group', { name: 'Samples to share' })
    expect(within(picker).getByRole('checkbox', { name: /E-A0001/ })).toHaveAccessibleName(/Lowpass · Status 1 · sampled Mar 19, 2024 · Healthy Gut/)
    expect(within(picker).getByRole('checkbox', { name: /E-A0003/ })).toHaveAccessibleName(/Status 9/)
    expect(screen.getByText('0 of 3 selected')).toHaveAttribute('aria-live', 'polite')
    expect(screen.queryByRole('searchbox')).not.toBeInTheDocument()
  })

  test('shows the platform’s Chinese scope texts in Chinese and upstream text for scopes it does not know', async () => {
    await setLanguage('zh-CN')
    world.application = application({}, [scope('profile.default'), scope('custom.thing')])
    renderConsent(consentUrl({ scope: undefined }))
    expect(await screen.findByText('基本信息')).toBeInTheDocument()
    expect(screen.getByText('读取头像、用户名、昵称以及性别等基本用户信息')).toBeInTheDocument()
    expect(screen.getByRole('button', { name: '授权' })).toBeInTheDocument()

    await act(() => setLanguage('en'))
    expect(await screen.findByText('Basic profile')).toBeInTheDocument()
    expect(screen.getByText('上游 custom.thing')).toBeInTheDocument()
  })

  test('names a mini program instead of a host and uses a monogram when the logo is not https', async () => {
    world.application = application({ wxmp_app_id: 'wx123', redirect_uri: 'pages/index/index', logo: 'http://cdn.example/logo.png' })
    renderConsent(consentUrl({ redirect_uri: 'pages/index/index' }))
    await findForm()
    expect(screen.getByText(sentence('Afterwards you’ll return to the Gene Insight WeChat mini program'))).toBeInTheDocument()
    expect(document.querySelector('img')).toBeNull()
    expect(screen.getByText('G')).toHaveAttribute('aria-hidden', 'true')
  })

  test('an app name with bidi controls is shown isolated, so it cannot reorder the sentence around it', async () => {
    // An unclosed right-to-left override and isolate: without isolation the heading's own words would run backwards.
    const name = '\u202eGene\u2067 Insight'
    world.application = application({ name })
    renderConsent()
    const heading = await screen.findByRole('heading', { level: 1, name: `${name} would like to access your BGE account` })
    const isolated = heading.querySelector('bdi')
    expect(isolated?.textContent).toBe(name)
    expect(heading.textContent).toBe(`${name} would like to access your BGE account`)
    for (const description of screen.getAllByText('Reads your variants to explain your ancestry.')) expect(description.closest('bdi')).not.toBeNull()
  })

  test('a link naming less than the app is registered for shows, gates on and sends every granted scope, the named one marked', async () => {
    const user = userEvent.setup()
    // The platform's authorize takes no scope: the grant is every scope the app is registered for.
    world.application = application({}, [
      { ...scope('profile.default'), asked: true },
      { ...scope('sample.default:read'), asked: false },
      { ...scope('variant.rsid'), asked: false },
    ])
    renderConsent(consentUrl({ scope: 'profile.default' }))
    await findForm()
    const scopes = within(screen.getByRole('region', { name: 'It will be able to' }))
    expect(scopes.getAllByRole('listitem')).toHaveLength(3)
    expect(within(scopes.getByRole('group', { name: 'Your genetic data' })).getByText('Genomic variants (by RS number)')).toBeInTheDocument()
    const marked = scopes.getAllByText('Asked for by the app').map((mark) => mark.closest('li')?.querySelector('span')?.textContent)
    expect(marked).toEqual(['Basic profile'])
    expect(scopes.getByText(/^The app asked only for the marked permissions/)).toBeInTheDocument()
    // A granted scope reads sample data, although the link named none that does.
    const authorizeButton = screen.getByRole('button', { name: 'Authorize' })
    expect(authorizeButton).toHaveAccessibleDescription('Choose at least one sample to authorize.')

    await user.click(screen.getByRole('checkbox', { name: /E-A0001/ }))
    await agreeToGeneticData(user)
    await user.click(authorizeButton)
    await vi.waitFor(() => expect(postedTo('/api/oauth2/authorize')).toHaveLength(1))
    const sent = postedTo('/api/oauth2/authorize')[0]?.body as { scope: string; language: string }
    expect(sent.scope).toBe('profile.default')
    // What was shown is the server's to say (it rendered it): the page sends its language only.
    expect(sent).toMatchObject({ language: 'en' })
    expect(sent).not.toHaveProperty('shown')
  })

  test('with no samples the page says so, and Authorize explains why it sends nothing', async () => {
    const user = userEvent.setup()
    world.biosamples = []
    renderConsent()
    await findForm()
    expect(screen.getByText('You don’t have any samples yet.')).toBeInTheDocument()
    expect(screen.queryByRole('checkbox', { name: /E-A/ })).not.toBeInTheDocument()
    const authorizeButton = screen.getByRole('button', { name: 'Authorize' })
    expect(authorizeButton).toHaveAccessibleDescription('You have no samples to share with this app.')
    await user.click(authorizeButton)
    expect(screen.getByRole('alert')).toHaveTextContent('You have no samples to share with this app.')
    expect(postedTo('/api/oauth2/authorize')).toHaveLength(0)
    expect(screen.getByRole('button', { name: 'Deny' })).toBeEnabled()
  })

  test('requires a sample when a scope reads sample data, with the reason next to Authorize, which works from the start', async () => {
    const user = userEvent.setup()
    renderConsent()
    await findForm()
    const authorizeButton = screen.getByRole('button', { name: 'Authorize' })
    expect(authorizeButton).toBeEnabled()
    expect(authorizeButton).toHaveAccessibleDescription('Choose at least one sample to authorize.')
    await user.click(authorizeButton)
    expect(screen.getByRole('alert')).toHaveTextContent('Choose at least one sample to authorize.')
    expect(postedTo('/api/oauth2/authorize')).toHaveLength(0)

    await user.click(screen.getByRole('checkbox', { name: /E-A0002/ }))
    expect(authorizeButton).toBeEnabled()
    // The next thing Authorize needs: the genetic step, ticked.
    expect(authorizeButton).toHaveAccessibleDescription('Tick “I agree” for your genetic data to authorize.')
    await agreeToGeneticData(user)
    expect(authorizeButton).not.toHaveAccessibleDescription()
    expect(screen.getByText('1 of 3 selected')).toBeInTheDocument()
  })

  test('without a sample-reading scope Authorize works with no sample chosen', async () => {
    world.application = application({}, [scope('profile.default')])
    renderConsent(consentUrl({ scope: 'profile.default' }))
    await findForm()
    expect(screen.getByRole('button', { name: 'Authorize' })).toBeEnabled()
    expect(screen.getByText('Optional. The app sees only the samples you choose.')).toBeInTheDocument()
  })

  test('Select all ticks every sample and then clears them', async () => {
    const user = userEvent.setup()
    renderConsent()
    await findForm()
    const selectAll = screen.getByRole('checkbox', { name: 'Select all' })
    await user.click(selectAll)
    expect(screen.getByText('3 of 3 selected')).toBeInTheDocument()
    expect(screen.getAllByRole('checkbox', { checked: true })).toHaveLength(4)
    await user.click(selectAll)
    expect(screen.getByText('0 of 3 selected')).toBeInTheDocument()
  })

  test('a filter box appears once there are more than 8 samples', async () => {
    const user = userEvent.setup()
    world.biosamples = Array.from({ length: 9 }, (_, i) => sample(`E-X000${i + 1}`, i === 4 ? 'Full' : 'Lowpass'))
    renderConsent()
    await findForm()
    await user.type(screen.getByRole('searchbox', { name: 'Filter samples' }), 'full')
    expect(screen.getAllByRole('checkbox', { name: /E-X/ })).toHaveLength(1)
    await user.click(screen.getByRole('checkbox', { name: 'Select all' }))
    expect(screen.getByText('1 of 9 selected')).toBeInTheDocument()
  })

  test('Enter in the filter box filters: it never presses the form’s first button (Deny, or Show all)', async () => {
    const user = userEvent.setup()
    for (const count of [9, 45]) {
      world.biosamples = Array.from({ length: count }, (_, i) => sample(`E-X${String(i + 1).padStart(4, '0')}`))
      const { unmount } = renderConsent()
      await findForm()
      const filter = screen.getByRole('searchbox', { name: 'Filter samples' })
      await user.type(filter, '{Enter}')
      await user.type(filter, 'X0003{Enter}')
      expect(screen.getAllByRole('checkbox', { name: /E-X/ })).toHaveLength(1)
      expect(requests.filter((r) => r.method === 'POST')).toEqual([])
      expect(screen.getByRole('button', { name: 'Deny' })).toBeEnabled()
      unmount()
    }
  })

  test('an existing grant pre-selects its samples and says when access was granted', async () => {
    world.grants = [
      { client_id: 'web-app', name: 'Gene Insight', logo: '', grant_time: '2024-05-02T08:00:00Z', biosample_ids: [{ biosample_id: 'E-A0002', type: 'Full' }] },
    ]
    renderConsent()
    await findForm()
    expect(screen.getByText(/Access granted on May 2, 2024/)).toBeInTheDocument()
    expect(screen.getByRole('checkbox', { name: /E-A0002/ })).toBeChecked()
    expect(screen.getByRole('checkbox', { name: /E-A0001/ })).not.toBeChecked()
    expect(screen.getByRole('button', { name: 'Authorize' })).toBeEnabled()
  })
})

describe('consent page: many samples', () => {
  /** E-M0001 … E-M0045: more than the picker shows at first. */
  const MANY = Array.from({ length: 45 }, (_, i) => sample(`E-M${String(i + 1).padStart(4, '0')}`, i % 2 ? 'Full' : 'Lowpass'))

  test('the first rows and the granted sample after them; Select all then Authorize sends every sample, shown or not', async () => {
    const user = userEvent.setup()
    world.biosamples = MANY
    world.grants = [{ client_id: 'web-app', name: 'Gene Insight', logo: '', grant_time: '2024-05-02T08:00:00Z', biosample_ids: [{ biosample_id: 'E-M0040', type: 'Full' }] }]
    renderConsent()
    await findForm()
    const rows = () => screen.getAllByRole('checkbox', { name: /^E-M/ }).map((el) => el.getAttribute('data-id'))
    expect(rows()).toEqual([...MANY.slice(0, 30).map((s) => s.biosample_id), 'E-M0040'])
    expect(screen.getByRole('checkbox', { name: /E-M0040/ })).toBeChecked()
    expect(screen.getByText('Showing 31 of 45 samples')).toBeInTheDocument()

    await user.click(screen.getByRole('checkbox', { name: 'Select all' }))
    expect(screen.getByText('45 of 45 selected')).toBeInTheDocument()
    expect(rows()).toHaveLength(31)
    await agreeToGeneticData(user)
    await user.click(screen.getByRole('button', { name: 'Authorize' }))
    await vi.waitFor(() => expect(replaceLocation).toHaveBeenCalledTimes(1))
    const sent = postedTo('/api/oauth2/authorize')[0]?.body as { biosample_ids: { biosample_id: string; type: string }[] }
    expect(sent.biosample_ids).toEqual(MANY.map(({ biosample_id, type }) => ({ biosample_id, type })))
  })

  test('a sample chosen through the filter, beyond the rows shown, is sent; the filter searched every sample', async () => {
    const user = userEvent.setup()
    world.biosamples = MANY
    renderConsent()
    await findForm()
    expect(screen.queryByRole('checkbox', { name: /E-M0044/ })).not.toBeInTheDocument()
    await user.type(screen.getByRole('searchbox', { name: 'Filter samples' }), 'M0044')
    await user.click(screen.getByRole('checkbox', { name: /E-M0044/ }))
    await agreeToGeneticData(user)
    await user.click(screen.getByRole('button', { name: 'Authorize' }))
    await vi.waitFor(() => expect(replaceLocation).toHaveBeenCalledTimes(1))
    expect((postedTo('/api/oauth2/authorize')[0]?.body as { biosample_ids: unknown[] }).biosample_ids).toEqual([{ biosample_id: 'E-M0044', type: 'Full' }])
  })

  test('Show all is a button that shows the rest in place, sending nothing', async () => {
    const user = userEvent.setup()
    world.biosamples = MANY
    renderConsent()
    await findForm()
    await user.click(screen.getByRole('button', { name: 'Show all 45 samples' }))
    expect(screen.getAllByRole('checkbox', { name: /^E-M/ })).toHaveLength(45)
    expect(screen.getByRole('checkbox', { name: /E-M0031/ })).toHaveFocus()
    expect(requests.filter((r) => r.method === 'POST')).toEqual([])
  })
})

describe('consent page: refusing a bad request', () => {
  test.each([
    ['40002', 422, 'invalid_client', 40002, 'This app isn’t registered with BGE'],
    ['40003', 422, 'redirect_uri_not_registered', 40003, 'This app can’t receive your answer'],
    ['40006', 422, 'redirect_uri_mismatch', 40006, 'This app’s return address doesn’t match'],
    ['40015', 403, 'application_blocked', 40015, 'This app has been blocked'],
  ])('%s: an error page on the portal with the code and the values', async (_name, status, code, upstream, title) => {
    server.use(
      http.get('/api/oauth2/application', () =>
        HttpResponse.json(
          { error: { code, message: 'refused', upstream_code: upstream, details: { client_id: 'web-app', redirect_uri: REDIRECT } } },
          { status },
        ),
      ),
    )
    renderConsent()
    expect(await screen.findByRole('heading', { level: 1, name: title })).toBeInTheDocument()
    expect(screen.getByText(`${code} (${upstream})`)).toBeInTheDocument()
    expect(screen.getByText(REDIRECT)).toBeInTheDocument()
    expect(screen.queryByRole('button', { name: 'Authorize' })).not.toBeInTheDocument()
    expect(screen.queryByRole('button', { name: 'Deny' })).not.toBeInTheDocument()
    expect(replaceLocation).not.toHaveBeenCalled()
    expect(assignLocation).not.toHaveBeenCalled()
  })

  test.each([['javascript:alert(1)'], [' JaVaScRiPt:alert(1)'], ['data:text/html,hi']])(
    'a forbidden redirect scheme (%j) is refused before anything is asked',
    async (redirectUri) => {
      renderConsent(consentUrl({ redirect_uri: redirectUri }))
      expect(await screen.findByRole('heading', { level: 1, name: 'This link isn’t safe' })).toBeInTheDocument()
      expect(screen.getByText('forbidden_redirect_scheme')).toBeInTheDocument()
      expect(screen.getByText(redirectUri.trim())).toBeInTheDocument()
      expect(screen.queryByRole('button', { name: 'Authorize' })).not.toBeInTheDocument()
      expect(requests).toEqual([])
      expect(replaceLocation).not.toHaveBeenCalled()
    },
  )

  test.each([
    [{ client_id: undefined }, 'client_id'],
    [{ redirect_uri: undefined }, 'redirect_uri'],
    [{ client_id: '', redirect_uri: undefined }, 'client_id, redirect_uri'],
  ])('missing parameters %j: an error page naming them', async (params, missing) => {
    renderConsent(consentUrl(params))
    expect(await screen.findByRole('heading', { level: 1, name: 'This link is incomplete' })).toBeInTheDocument()
    expect(screen.getByText(missing)).toBeInTheDocument()
    expect(screen.queryByRole('button', { name: 'Authorize' })).not.toBeInTheDocument()
    expect(requests).toEqual([])
  })

  test.each([
    ['client_id', '&client_id=other-app'],
    ['redirect_uri', `&redirect_uri=${encodeURIComponent('https://evil.example/cb')}`],
    ['state', '&state=second'],
    ['scope', '&scope=profile.default'],
    ['client_id', '&client%5Fid=other-app'],
  ])('%s given twice (%s): refused on the portal before anything is asked, signed out too', async (parameter, extra) => {
    world.session = false
    renderConsent(consentUrl() + extra)
    expect(await screen.findByRole('heading', { level: 1, name: 'This link is ambiguous' })).toBeInTheDocument()
    expect(screen.getByText('duplicate_parameter')).toBeInTheDocument()
    expect(screen.getByText('parameter')).toBeInTheDocument()
    expect(screen.getByText(parameter)).toBeInTheDocument()
    expect(screen.queryByRole('button', { name: 'Authorize' })).not.toBeInTheDocument()
    expect(requests).toEqual([])
    expect(replaceLocation).not.toHaveBeenCalled()
    expect(assignLocation).not.toHaveBeenCalled()
  })

  test('a 64 KB state is carried, not a crash', async () => {
    renderConsent(consentUrl({ state: 'x'.repeat(64 * 1024) }))
    expect(await findForm()).toBeInTheDocument()
  })

  test('response_type other than code goes back to the app with unsupported_response_type and the state, as the redirect the server answers', async () => {
    const answer = await serverAnswer(consentUrl({ response_type: 'token' }))
    expect(answer.status).toBe(302)
    expect(answer.headers.get('Location')).toBe(`${REDIRECT}&error=unsupported_response_type&state=${encodeURIComponent(STATE)}`)
  })

  test('an unknown scope goes back to the app with invalid_scope and the state, as the redirect the server answers', async () => {
    world.application = { ...application(), unknown_scopes: ['admin.everything'] }
    const answer = await serverAnswer(consentUrl({ scope: 'profile.default admin.everything' }))
    expect(answer.headers.get('Location')).toBe(`${REDIRECT}&error=invalid_scope&state=${encodeURIComponent(STATE)}`)
  })

  test.each([
    ['response_type=token', { response_type: 'token' }, false],
    ['no response_type', { response_type: undefined }, false],
    ['an unknown scope', { scope: 'profile.default admin.everything' }, true],
  ])('signed out, a link that must end in an error redirect (%s) goes to sign-in first, never to the app', async (_name, params, unknownScope) => {
    world.session = false
    if (unknownScope) world.application = { ...application(), unknown_scopes: ['admin.everything'], ticket: null }
    const path = consentUrl(params)
    const { router } = renderConsent(path)
    expect(await screen.findByRole('heading', { level: 1, name: 'Sign in to the sandbox' })).toBeInTheDocument()
    expect(currentPath(router)).toBe(`/signin?next=${encodeURIComponent(path)}`)
    expect(replaceLocation).not.toHaveBeenCalled()
  })

  test('signed in again after that, the same link goes back to the app with the error', async () => {
    world.session = false
    const path = consentUrl({ response_type: 'token' })
    const first = renderConsent(path)
    await screen.findByRole('heading', { level: 1, name: 'Sign in to the sandbox' })
    expect(replaceLocation).not.toHaveBeenCalled()
    first.unmount()

    world.session = true
    expect((await serverAnswer(path)).headers.get('Location')).toBe(`${REDIRECT}&error=unsupported_response_type&state=${encodeURIComponent(STATE)}`)
  })

  test('signed out, an unknown app is still explained on the portal, without sign-in', async () => {
    world.session = false
    server.use(
      http.get('/api/oauth2/application', () =>
        HttpResponse.json(
          { error: { code: 'invalid_client', message: 'refused', upstream_code: 40002, details: { client_id: 'web-app', redirect_uri: REDIRECT } } },
          { status: 422 },
        ),
      ),
    )
    renderConsent(consentUrl({ response_type: 'token' }))
    expect(await screen.findByRole('heading', { level: 1, name: 'This app isn’t registered with BGE' })).toBeInTheDocument()
    expect(replaceLocation).not.toHaveBeenCalled()
    expect(assignLocation).not.toHaveBeenCalled()
  })

  test('the platform down while reading who is signed in: an error page, not a redirect to the app', async () => {
    server.use(http.get('/api/session', () => apiError(502, 'upstream_unavailable')))
    renderConsent(consentUrl({ response_type: 'token' }))
    expect(await screen.findByRole('button', { name: 'Try again' })).toBeInTheDocument()
    expect(replaceLocation).not.toHaveBeenCalled()
  })

  test('the consent page asks for its application with the link’s response_type', async () => {
    renderConsent()
    await findForm()
    const asked = requests.find((r) => r.path.startsWith('/api/oauth2/application'))
    expect(new URL(asked?.path ?? '', 'http://x').searchParams.get('response_type')).toBe('code')
  })

  test('a platform fault says what happened and retries', async () => {
    const user = userEvent.setup()
    let fail = true
    server.use(
      http.get('/api/biosamples', () =>
        fail
          ? apiError(504, 'upstream_timeout')
          : HttpResponse.json({ biosamples: SAMPLES }),
      ),
    )
    renderConsent()
    expect(await screen.findByRole('heading', { level: 1, name: 'This is taking too long' })).toBeInTheDocument()
    fail = false
    await user.click(screen.getByRole('button', { name: 'Try again' }))
    await findForm()
  })
})

describe('consent page: signing in', () => {
  test('without a session it goes to sign-in with this exact URL to come back to', async () => {
    world.session = false
    const path = consentUrl()
    const { router } = renderConsent(path)
    expect(await screen.findByRole('heading', { level: 1, name: 'Sign in to the sandbox' })).toBeInTheDocument()
    expect(currentPath(router)).toBe(`/signin?next=${encodeURIComponent(path)}`)
    expect(screen.queryByRole('button', { name: 'Authorize' })).not.toBeInTheDocument()
  })

  test('40008 while authorizing: sign in again, and the selection survives the round trip', async () => {
    const user = userEvent.setup()
    server.use(http.post('/api/oauth2/authorize', () => unauthenticated(40008)))
    const path = consentUrl()
    const first = renderConsent(path)
    await findForm()
    await user.click(screen.getByRole('checkbox', { name: /E-A0003/ }))
    await agreeToGeneticData(user)
    await user.click(screen.getByRole('button', { name: 'Authorize' }))
    await vi.waitFor(() => expect(assignLocation).toHaveBeenCalledWith(`/signin?next=${encodeURIComponent(path)}`))
    expect(sessionStorage.getItem('bge-consent-flows')).toContain('E-A0003')
    first.unmount()

    // Back from sign-in: a new page load on the same URL.
    server.use(...consentBff)
    renderConsent(path)
    await findForm()
    expect(screen.getByRole('checkbox', { name: /E-A0003/ })).toBeChecked()
    expect(screen.getByRole('checkbox', { name: /E-A0001/ })).not.toBeChecked()
    // The samples survive; the separate consent never does: it is given again on each page.
    expect(screen.getByRole('checkbox', { name: /may read my genetic data/ })).not.toBeChecked()
  })

  test('“Not you?” signs out and goes to sign-in with the way back', async () => {
    const user = userEvent.setup()
    const path = consentUrl()
    renderConsent(path)
    await findForm()
    await user.click(screen.getByRole('button', { name: 'Not you?' }))
    await vi.waitFor(() => expect(assignLocation).toHaveBeenCalledWith(`/signin?next=${encodeURIComponent(path)}`))
    expect(requests.some((r) => r.method === 'DELETE' && r.path === '/api/session')).toBe(true)
  })
})

describe('consent page: the separate consent for genetic data', () => {
  test.each([
    ['en', 'Authorize', 'Separate consent for your genetic data', 'I agree that Gene Insight may read my genetic data', 'Tick “I agree” for your genetic data to authorize.'],
    ['zh-CN', '授权', '基因数据单独同意', '我同意 Gene Insight 读取我的基因数据', '请勾选基因数据的“我同意”后再授权。'],
  ] as const)('in %s: its own step with the five items, unticked; Authorize sends nothing until it is ticked, and says why beside the button', async (language, authorizeName, heading, label, reason) => {
    const user = userEvent.setup()
    await setLanguage(language)
    renderConsent()
    await screen.findByRole('button', { name: authorizeName })
    const step = screen.getByRole('group', { name: heading })
    expect(within(step).getAllByRole('listitem')).toHaveLength(5)
    const box = within(step).getByRole('checkbox', { name: label })
    expect(box).not.toBeChecked()
    expect(box).toBeRequired()

    await user.click(screen.getByRole('checkbox', { name: /E-A0001/ }))
    const authorizeButton = screen.getByRole('button', { name: authorizeName })
    expect(authorizeButton).toHaveAccessibleDescription(reason)
    await user.click(authorizeButton)
    expect(screen.getByRole('alert')).toHaveTextContent(reason)
    // The person is taken to the box, which says what is missing.
    expect(box).toHaveFocus()
    expect(box).toHaveAttribute('aria-invalid', 'true')
    expect(box).toHaveAccessibleDescription(new RegExp(`^${reason}`))
    expect(postedTo('/api/oauth2/authorize')).toHaveLength(0)

    await user.click(box)
    expect(authorizeButton).not.toHaveAccessibleDescription()
    await user.click(authorizeButton)
    await vi.waitFor(() => expect(postedTo('/api/oauth2/authorize')).toHaveLength(1))
    expect(postedTo('/api/oauth2/authorize')[0]?.body).toMatchObject({ separate_consent: true, language })
    // Settled before the next test: the decision marks its flow as answered when it comes back.
    await vi.waitFor(() => expect(replaceLocation).toHaveBeenCalledTimes(1))
  })

  test('the step’s words are the ones the BFF recomputes and records, byte for byte', async () => {
    const { catalogueWordsFormat } = await import('@/contract/separate-consent-catalogue')
    const { separateConsentWords } = await import('@/contract/separate-consent')
    const { displayedScopeText } = await import('@/contract/scope-text')
    const { catalogueLookup } = await import('@/contract/scope-catalogue')
    for (const language of ['en', 'zh-CN'] as const) {
      await setLanguage(language)
      const shown = renderConsent()
      await screen.findByRole('button', { name: language === 'en' ? 'Authorize' : '授权' })
      const step = screen.getByRole('group', { name: language === 'en' ? 'Separate consent for your genetic data' : '基因数据单独同意' })
      const label = step.querySelector('label')?.textContent ?? ''
      const items = within(step).getAllByRole('listitem').map((item) => item.textContent)
      const genetic = APP_SCOPES.filter((s) => s.scope === 'variant.rsid').map((s) => displayedScopeText(s, language, catalogueLookup))
      const words = separateConsentWords({ appName: 'Gene Insight', appDescription: 'Reads your variants to explain your ancestry.', geneticScopes: genetic }, catalogueWordsFormat(language))
      expect([label, ...items]).toEqual(words)
      shown.unmount()
    }
  })

  test('never pre-ticked: not when the app was granted before (re-consent)', async () => {
    world.grants = [
      { client_id: 'web-app', name: 'Gene Insight', logo: '', grant_time: '2024-05-02T08:00:00Z', biosample_ids: [{ biosample_id: 'E-A0002', type: 'Full' }] },
    ]
    renderConsent()
    await findForm()
    expect(screen.getByRole('checkbox', { name: /E-A0002/ })).toBeChecked()
    expect(screen.getByRole('checkbox', { name: /may read my genetic data/ })).not.toBeChecked()
  })

  test('an app without a genetic scope shows no step and Authorize needs none', async () => {
    const user = userEvent.setup()
    world.application = application({}, [scope('profile.default')])
    renderConsent(consentUrl({ scope: 'profile.default' }))
    await findForm()
    expect(screen.queryByRole('checkbox', { name: /genetic data/ })).not.toBeInTheDocument()
    await user.click(screen.getByRole('button', { name: 'Authorize' }))
    await vi.waitFor(() => expect(postedTo('/api/oauth2/authorize')).toHaveLength(1))
    expect(postedTo('/api/oauth2/authorize')[0]?.body).not.toHaveProperty('separate_consent')
    await vi.waitFor(() => expect(replaceLocation).toHaveBeenCalledTimes(1))
  })

  test('the BFF’s refusal (separate_consent_required) is explained on the page', async () => {
    const user = userEvent.setup()
    server.use(http.post('/api/oauth2/authorize', () => apiError(400, 'separate_consent_required')))
    renderConsent()
    await findForm()
    await user.click(screen.getByRole('checkbox', { name: /E-A0001/ }))
    await agreeToGeneticData(user)
    await user.click(screen.getByRole('button', { name: 'Authorize' }))
    expect(await screen.findByText(/The law asks for your separate agreement before an app reads genetic data/)).toBeInTheDocument()
  })
})

describe('consent page: deciding', () => {
  test.each(['en', 'zh-CN'] as const)('in %s, an answer BGE never confirmed says access may have been granted and points at the grants page; trying again asks again', async (language) => {
    const user = userEvent.setup()
    await setLanguage(language)
    let answer = () => apiError(504, 'decision_outcome_unknown')
    let posted = 0
    server.use(
      http.post('/api/oauth2/authorize', () => {
        posted += 1
        return answer()
      }),
    )
    renderConsent()
    await user.click(await screen.findByRole('checkbox', { name: /E-A0001/ }))
    await agreeToGeneticData(user)
    await user.click(screen.getByRole('button', { name: language === 'en' ? 'Authorize' : '授权' }))
    const title = language === 'en' ? 'BGE has not confirmed your answer yet' : 'BGE 尚未确认你的选择'
    expect(await screen.findByText(title)).toBeInTheDocument()
    expect(screen.getByText(language === 'en' ? /the app may already have access to the samples you chose/ : /该应用可能已经可以读取你选择的样本/)).toBeInTheDocument()
    expect(screen.getByRole('link', { name: language === 'en' ? 'Check your authorized apps' : '查看已授权应用' })).toHaveAttribute('href', '/grants')
    expect(replaceLocation).not.toHaveBeenCalled()

    answer = () => HttpResponse.json({ redirect_to: `${REDIRECT}&code=c0de&state=${encodeURIComponent(STATE)}` })
    await user.click(screen.getByRole('button', { name: language === 'en' ? 'Try again' : '重试' }))
    await vi.waitFor(() => expect(replaceLocation).toHaveBeenCalledTimes(1))
    expect(posted).toBe(2)
  })

  test('Deny after BGE granted on this page (its answer lost): the page says so and offers the grants page to revoke', async () => {
    const user = userEvent.setup()
    server.use(http.post('/api/oauth2/deny', () => apiError(409, 'ticket_used', { details: { decision: 'authorize', outcome: 'granted' } })))
    renderConsent()
    await findForm()
    await user.click(screen.getByRole('button', { name: 'Deny' }))
    expect(await screen.findByText('Access was already granted on this page')).toBeInTheDocument()
    expect(screen.getByRole('link', { name: 'Open your authorized apps to revoke' })).toHaveAttribute('href', '/grants')
    expect(screen.queryByRole('button', { name: 'Refresh the page' })).not.toBeInTheDocument()
  })

  test('Authorize posts exactly once, even on a double click, then replaces the location', async () => {
    const user = userEvent.setup()
    renderConsent()
    await findForm()
    await user.click(screen.getByRole('checkbox', { name: /E-A0001/ }))
    await user.click(screen.getByRole('checkbox', { name: /E-A0003/ }))
    await agreeToGeneticData(user)
    const authorizeButton = screen.getByRole('button', { name: 'Authorize' })
    await user.dblClick(authorizeButton)

    await vi.waitFor(() => expect(replaceLocation).toHaveBeenCalledTimes(1))
    expect(replaceLocation).toHaveBeenCalledWith(`${REDIRECT}&code=c0de&state=${encodeURIComponent(STATE)}`)
    expect(postedTo('/api/oauth2/authorize')).toHaveLength(1)
    expect(postedTo('/api/oauth2/authorize')[0]?.body).toEqual({
      ticket: 'ticket-1',
      client_id: 'web-app',
      redirect_uri: REDIRECT,
      scope: 'profile.default sample.default:read sample.default:write variant.rsid',
      state: STATE,
      biosample_ids: [
        { biosample_id: 'E-A0001', type: 'Lowpass' },
        { biosample_id: 'E-A0003', type: '16S' },
      ],
      separate_consent: true,
      language: SHOWN_IN_ENGLISH,
    })
    expect(await screen.findByText('Taking you back to test.cn…')).toBeInTheDocument()
  })

  test.each(['en', 'zh-CN'] as const)('in %s, authorize and deny send the page’s language and never the texts', async (language) => {
    const user = userEvent.setup()
    await setLanguage(language)
    world.application = application({}, [...APP_SCOPES, scope('partner.custom')])
    const path = consentUrl({ scope: `${APP_SCOPES.map((s) => s.scope).join(' ')} partner.custom` })
    const names = language === 'en' ? { authorize: 'Authorize', deny: 'Deny' } : { authorize: '授权', deny: '拒绝' }
    const first = renderConsent(path)
    await screen.findByRole('button', { name: names.authorize })
    await user.click(screen.getByRole('checkbox', { name: /E-A0001/ }))
    await agreeToGeneticData(user)
    await user.click(screen.getByRole('button', { name: names.authorize }))
    await vi.waitFor(() => expect(replaceLocation).toHaveBeenCalledTimes(1))
    const sent = postedTo('/api/oauth2/authorize')[0]?.body as Record<string, unknown>
    expect(sent['language']).toBe(language)
    expect(sent).not.toHaveProperty('shown')
    first.unmount()
    useSelectionStore.setState({ flows: {} })

    renderConsent(path)
    await user.click(await screen.findByRole('button', { name: names.deny }))
    await vi.waitFor(() => expect(postedTo('/api/oauth2/deny')).toHaveLength(1))
    expect((postedTo('/api/oauth2/deny')[0]?.body as Record<string, unknown>)['language']).toBe(language)
  })

  test('while in flight the button is disabled and shows progress', async () => {
    const user = userEvent.setup()
    let release: () => void = () => {}
    server.use(
      http.post('/api/oauth2/authorize', async () => {
        await new Promise<void>((resolve) => (release = resolve))
        return HttpResponse.json({ redirect_to: `${REDIRECT}&code=x` })
      }),
    )
    world.application = application({}, [scope('profile.default')])
    renderConsent(consentUrl({ scope: 'profile.default' }))
    await findForm()
    await user.click(screen.getByRole('button', { name: 'Authorize' }))
    const busy = screen.getByRole('button', { name: 'Authorize' })
    expect(busy).toBeDisabled()
    expect(busy).toHaveAttribute('aria-busy', 'true')
    expect(screen.getByRole('button', { name: 'Deny' })).toBeDisabled()
    release()
    await vi.waitFor(() => expect(replaceLocation).toHaveBeenCalledWith(`${REDIRECT}&code=x`))
  })

  test('Deny posts the state and goes back with access_denied', async () => {
    const user = userEvent.setup()
    renderConsent()
    await findForm()
    await user.click(screen.getByRole('button', { name: 'Deny' }))
    await vi.waitFor(() => expect(replaceLocation).toHaveBeenCalledWith(`${REDIRECT}&error=access_denied&state=${encodeURIComponent(STATE)}`))
    expect(postedTo('/api/oauth2/deny')[0]?.body).toEqual({
      ticket: 'ticket-1',
      client_id: 'web-app',
      redirect_uri: REDIRECT,
      scope: 'profile.default sample.default:read sample.default:write variant.rsid',
      state: STATE,
      language: SHOWN_IN_ENGLISH,
    })
  })

  test('coming back after deciding shows the answered state instead of the form', async () => {
    const user = userEvent.setup()
    const path = consentUrl()
    const first = renderConsent(path)
    await findForm()
    await user.click(screen.getByRole('button', { name: 'Deny' }))
    await vi.waitFor(() => expect(replaceLocation).toHaveBeenCalled())
    first.unmount()

    renderConsent(path)
    expect(await screen.findByRole('heading', { level: 1, name: 'You’ve already answered this request' })).toBeInTheDocument()
    expect(screen.queryByRole('button', { name: 'Authorize' })).not.toBeInTheDocument()
    await user.click(screen.getByRole('button', { name: 'Review the request again' }))
    await findForm()
    expect(postedTo('/api/oauth2/deny')).toHaveLength(1)
  })

  test('restored from the back-forward cache it shows the answered state, not a decision in progress', async () => {
    const user = userEvent.setup()
    renderConsent()
    await findForm()
    await user.click(screen.getByRole('button', { name: 'Deny' }))
    await screen.findByText('Taking you back to test.cn…')
    act(() => {
      window.dispatchEvent(new PageTransitionEvent('pageshow', { persisted: true }))
    })
    expect(screen.getByRole('heading', { level: 1, name: 'You’ve already answered this request' })).toBeInTheDocument()
    expect(postedTo('/api/oauth2/deny')).toHaveLength(1)
  })

  test('a network failure says so and offers a retry that works', async () => {
    const user = userEvent.setup()
    world.application = application({}, [scope('profile.default')])
    server.use(http.post('/api/oauth2/authorize', () => HttpResponse.error(), { once: true }))
    renderConsent(consentUrl({ scope: 'profile.default' }))
    await findForm()
    await user.click(screen.getByRole('button', { name: 'Authorize' }))
    const alert = await screen.findByRole('alert')
    expect(alert).toHaveTextContent('Couldn’t reach the portal')
    await user.click(within(alert).getByRole('button', { name: 'Try again' }))
    await vi.waitFor(() => expect(replaceLocation).toHaveBeenCalledTimes(1))
  })

  test('an upstream fault while authorizing says so and keeps the form', async () => {
    const user = userEvent.setup()
    world.application = application({}, [scope('profile.default')])
    server.use(
      http.post('/api/oauth2/authorize', () =>
        apiError(502, 'upstream_unavailable'),
      ),
    )
    renderConsent(consentUrl({ scope: 'profile.default' }))
    await findForm()
    await user.click(screen.getByRole('button', { name: 'Authorize' }))
    expect(await screen.findByRole('alert')).toHaveTextContent('The BGE platform is having trouble')
    expect(screen.getByRole('button', { name: 'Authorize' })).toBeEnabled()
    expect(replaceLocation).not.toHaveBeenCalled()
  })

  test('offline: a notice and both buttons off until the connection is back', async () => {
    world.application = application({}, [scope('profile.default')])
    renderConsent(consentUrl({ scope: 'profile.default' }))
    await findForm()
    const onLine = vi.spyOn(navigator, 'onLine', 'get').mockReturnValue(false)
    act(() => {
      window.dispatchEvent(new Event('offline'))
    })
    expect(screen.getByText('You’re offline')).toBeInTheDocument()
    expect(screen.getByRole('button', { name: 'Authorize' })).toBeDisabled()
    expect(screen.getByRole('button', { name: 'Deny' })).toBeDisabled()
    onLine.mockReturnValue(true)
    act(() => {
      window.dispatchEvent(new Event('online'))
    })
    expect(screen.queryByText('You’re offline')).not.toBeInTheDocument()
    expect(screen.getByRole('button', { name: 'Authorize' })).toBeEnabled()
  })
})

describe('consent page: mini programs', () => {
  const PATH = `pages/index/index?code=c0de&state=${encodeURIComponent(STATE)}`

  beforeEach(() => {
    world.application = application({ wxmp_app_id: 'wx123', redirect_uri: 'pages/index/index' }, [scope('profile.default')])
    server.use(http.post('/api/oauth2/authorize', () => HttpResponse.json({ wxmp_app_id: 'wx123', mini_program_path: PATH })))
  })

  afterEach(() => {
    delete window.__wxjs_environment
    delete window.wx
    document.querySelector('meta[name="bge-wechat-bridge"]')?.remove()
  })

  test('inside the mini program web-view it hands the code back through the bridge', async () => {
    const user = userEvent.setup()
    const meta = document.createElement('meta')
    meta.name = 'bge-wechat-bridge'
    meta.content = 'https://res.wx.qq.com/open/js/jweixin-1.6.0.js'
    document.head.append(meta)
    window.__wxjs_environment = 'miniprogram'
    const redirectTo = vi.fn()
    window.wx = { miniProgram: { redirectTo } }

    renderConsent(consentUrl({ redirect_uri: 'pages/index/index', scope: 'profile.default' }))
    await findForm()
    await user.click(screen.getByRole('button', { name: 'Authorize' }))
    await vi.waitFor(() => expect(redirectTo).toHaveBeenCalledWith({ url: PATH }))
    expect(replaceLocation).not.toHaveBeenCalled()
    expect(await screen.findByText(sentence('Taking you back to the Gene Insight mini program…'))).toBeInTheDocument()
  })

  test('in a plain browser it tells the user to return to the mini program and loads no bridge', async () => {
    const user = userEvent.setup()
    renderConsent(consentUrl({ redirect_uri: 'pages/index/index', scope: 'profile.default' }))
    await findForm()
    await user.click(screen.getByRole('button', { name: 'Authorize' }))
    expect(await screen.findByRole('heading', { level: 1, name: 'Access granted' })).toBeInTheDocument()
    expect(screen.getByText(sentence('Return to the Gene Insight WeChat mini program to carry on.'))).toBeInTheDocument()
    expect(document.querySelector('script[src*="jweixin"]')).toBeNull()
    expect(replaceLocation).not.toHaveBeenCalled()
  })
})
