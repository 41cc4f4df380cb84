import { fireEvent, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { http, HttpResponse } from 'msw'
import { beforeEach, describe, expect, test } from 'vitest'
import type { ApplicationResponse, Scope } from '@/contract/api'
import { setLanguage } from '@/lib/i18n'
import { apiError, server } from '../../../test/support/msw-handlers'
import { renderApp, sentence } from '../../../test/support/render'

// Everything an app might put in state that a careless encoder would break.
const STATE = 'a b+c&d=e#f?g 中文 🧬%20'
const REDIRECT = 'https://app.example/callback?source=portal'

const SCOPES: Record<string, Scope> = {
  profile: { scope: 'profile.default', title: '基本信息', message: '读取头像、用户名、昵称以及性别等基本用户信息' },
  sample: { scope: 'sample.default:read', title: '读取样本', message: '读取样本信息' },
  variant: { scope: 'variant.rsid', title: '读取位点', message: '读取基因位点' },
  write: { scope: 'partner.custom:write', title: '合作方写入', message: '写入合作方数据' },
}

/** The BFF's answer; `notAsked` names granted scopes the link did not ask for. */
function answerFor(
  overrides: Partial<ApplicationResponse['application']> = {},
  scopes = [SCOPES.profile!, SCOPES.sample!],
  notAsked: readonly string[] = [],
): ApplicationResponse {
  const application = {
    client_id: 'web-app',
    name: 'Gene Insight',
    logo: 'https://cdn.example/logo.png',
    description: 'Reads your variants to explain your ancestry.',
    redirect_uri: REDIRECT,
    client_type: 'web',
    wxmp_app_id: '',
    scopes,
    ...overrides,
  }
  return { application, granted_scopes: scopes.map((scope) => ({ ...scope, asked: !notAsked.includes(scope.scope) })), unknown_scopes: [], ticket: null }
}



/** What the BFF answers for this test; the query string is checked by each test that cares. */
let respond: (url: URL) => Response = () => HttpResponse.json(answerFor())
const requests: string[] = []

beforeEach(async () => {
  respond = () => HttpResponse.json(answerFor())
  requests.length = 0
  server.use(
    http.get('/api/oauth2/application', ({ request }) => {
      const url = new URL(request.url)
      requests.push(`GET ${url.pathname}${url.search}`)
      return respond(url)
    }),
  )
  await setLanguage('en')
})

function previewPath(params: Record<string, string | undefined>): string {
  const query = new URLSearchParams()
  for (const [key, value] of Object.entries(params)) if (value !== undefined) query.set(key, value)
  return `/developer/preview?${query}`
}

function renderPreview(path = previewPath({ client_id: 'web-app', redirect_uri: REDIRECT, state: STATE })) {
  return renderApp(path)
}

async function checklistItem(title: string) {
  const checklist = await screen.findByRole('region', { name: 'Checklist' })
  const item = within(checklist).getByText(title).closest('li')
  if (!item) throw new Error(`no checklist item ${title}`)
  return item
}

/** The item's status word, next to its icon. */
async function statusOf(title: string) {
  const item = await checklistItem(title)
  return within(item).getByText(/^(Pass|Warning|Fail|Not checked|Checking)$/).textContent
}

async function decide(button: 'Authorize' | 'Deny') {
  const user = userEvent.setup()
  await screen.findByRole('button', { name: 'Authorize' })
  if (button === 'Authorize') await user.click(screen.getByRole('checkbox', { name: /E-EXAMPLE-0001/ }))
  await user.click(screen.getByRole('button', { name: button }))
  return user
}

describe('the form and the URL', () => {
  test('an empty form says what is missing in words; submitting writes the request to the URL', async () => {
    const user = userEvent.setup()
    const { router } = renderPreview('/developer/preview')
    expect(await screen.findByRole('heading', { level: 1, name: 'Consent page preview' })).toBeInTheDocument()
    expect(screen.getByText('Enter a client ID and a redirect URI, then choose Show preview.')).toBeInTheDocument()

    await user.click(screen.getByRole('button', { name: 'Show preview' }))
    const clientId = screen.getByRole('textbox', { name: 'Client ID' })
    expect(clientId).toHaveFocus()
    expect(clientId).toHaveAttribute('aria-invalid', 'true')
    expect(clientId).toHaveAccessibleDescription('Enter your app’s client ID.')
    expect(screen.getByRole('textbox', { name: 'Redirect URI' })).toHaveAccessibleDescription(/Enter the redirect URI your app sends\./)
    expect(requests).toEqual([])

    await user.type(clientId, 'web-app')
    await user.type(screen.getByRole('textbox', { name: 'Redirect URI' }), REDIRECT)
    await user.type(screen.getByRole('textbox', { name: 'Scopes' }), 'profile.default sample.default:read')
    // userEvent.type reads braces and brackets as keys; paste the state as it is.
    await user.click(screen.getByRole('textbox', { name: 'State' }))
    await user.paste(STATE)
    await user.click(screen.getByRole('button', { name: 'Show preview' }))

    const params = new URLSearchParams(router.state.location.search)
    expect([...params.entries()]).toEqual([
      ['client_id', 'web-app'],
      ['redirect_uri', REDIRECT],
      ['scope', 'profile.default sample.default:read'],
      ['state', STATE],
    ])
    expect(await screen.findByRole('heading', { name: 'Gene Insight would like to access your BGE account' })).toBeInTheDocument()
    const asked = new URL(`http://x${requests[0]?.slice(4)}`).searchParams
    expect(asked.get('client_id')).toBe('web-app')
    expect(asked.get('scope')).toBe('profile.default sample.default:read')
  })

  test('a shared link fills the form, and going back shows the earlier request', async () => {
    const { router } = renderPreview(previewPath({ client_id: 'web-app', redirect_uri: REDIRECT, scope: 'profile.default', state: 'one' }))
    expect(await screen.findByRole('textbox', { name: 'Client ID' })).toHaveValue('web-app')
    expect(screen.getByRole('textbox', { name: 'Scopes' })).toHaveValue('profile.default')
    expect(screen.getByRole('textbox', { name: 'State' })).toHaveValue('one')
    await router.navigate(previewPath({ client_id: 'other-app', redirect_uri: REDIRECT }))
    await waitFor(() => expect(screen.getByRole('textbox', { name: 'Client ID' })).toHaveValue('other-app'))
    expect(screen.getByRole('textbox', { name: 'State' })).toHaveValue('')
    await router.navigate(-1)
    await waitFor(() => expect(screen.getByRole('textbox', { name: 'State' })).toHaveValue('one'))
  })
})

describe('the preview', () => {
  test('shows the consent page marked Preview, with example samples and no account', async () => {
    renderPreview()
    expect(await screen.findByRole('heading', { name: 'Gene Insight would like to access your BGE account' })).toBeInTheDocument()
    const consent = screen.getByRole('article', { name: 'Gene Insight would like to access your BGE account' })
    expect(within(consent).getByText('Preview')).toBeInTheDocument()
    expect(screen.getByText(/Its buttons only show what your app would receive/)).toBeInTheDocument()
    expect(screen.getByText('Afterwards you’ll return to app.example')).toBeInTheDocument()
    for (const id of ['E-EXAMPLE-0001', 'E-EXAMPLE-0002', 'E-EXAMPLE-0003']) {
      expect(screen.getByRole('checkbox', { name: new RegExp(id) })).toBeInTheDocument()
    }
    expect(screen.queryByRole('button', { name: 'Not you?' })).not.toBeInTheDocument()
    expect(screen.getByText('Choose Authorize or Deny in the preview to see the address your app would receive.')).toBeInTheDocument()
  })

  test('Authorize shows the exact address with a code and the state byte for byte, and posts nothing', async () => {
    renderPreview()
    await decide('Authorize')
    expect(screen.getByText('After Authorize, the user would be sent to:')).toBeInTheDocument()
    const shown = screen.getByTestId('decision-url').textContent ?? ''
    expect(shown).toBe(`${REDIRECT}&code=EXAMPLE_CODE&state=${encodeURIComponent(STATE)}`)
    const params = new URL(shown).searchParams
    expect([...params.keys()]).toEqual(['source', 'code', 'state'])
    expect(params.get('state')).toBe(STATE)
    expect(screen.getByRole('button', { name: 'Copy Address' })).toBeInTheDocument()
    // The preview is still there: nothing navigated, and the only call was the application read.
    expect(screen.getByRole('button', { name: 'Authorize' })).toBeEnabled()
    expect(requests.every((line) => line.startsWith('GET /api/oauth2/application?'))).toBe(true)
  })

  test('Deny shows access_denied with the state; without a state none is added', async () => {
    renderPreview()
    await decide('Deny')
    expect(screen.getByText('After Deny, the user would be sent to:')).toBeInTheDocument()
    expect(screen.getByTestId('decision-url')).toHaveTextContent(`${REDIRECT}&error=access_denied&state=${encodeURIComponent(STATE)}`)
    expect(screen.queryByText(/stands in for the real authorization code/)).not.toBeInTheDocument()
  })

  test('without a state the address has none, and the checklist warns', async () => {
    renderPreview(previewPath({ client_id: 'web-app', redirect_uri: REDIRECT }))
    await decide('Authorize')
    expect(screen.getByTestId('decision-url').textContent).toBe(`${REDIRECT}&code=EXAMPLE_CODE`)
    expect(await statusOf('state used')).toBe('Warning')
    expect(await checklistItem('state used')).toHaveTextContent(/cross-site request forgery \(RFC 6749 §10\.12\)/)
  })

  test('a mini program shows its app id and the page path it would receive', async () => {
    respond = () => HttpResponse.json(answerFor({ name: 'Gene Mini', wxmp_app_id: 'wx0123456789', redirect_uri: '/pages/auth/callback' }))
    renderPreview(previewPath({ client_id: 'mini-app', redirect_uri: '/pages/auth/callback', state: STATE }))
    expect(await screen.findByText(sentence('Afterwards you’ll return to the Gene Mini WeChat mini program'))).toBeInTheDocument()
    await decide('Authorize')
    expect(screen.getByTestId('decision-app-id')).toHaveTextContent('wx0123456789')
    expect(screen.getByTestId('decision-path').textContent).toBe(`/pages/auth/callback?code=EXAMPLE_CODE&state=${encodeURIComponent(STATE)}`)
    expect(await statusOf('Mini program settings')).toBe('Pass')
    expect(await checklistItem('Mini program settings')).toHaveTextContent('Mini program wx0123456789; the answer goes to its page /pages/auth/callback.')
  })

  test('the preview’s language is its own: the page stays in English', async () => {
    const user = userEvent.setup()
    renderPreview()
    await screen.findByRole('heading', { name: 'Gene Insight would like to access your BGE account' })
    await user.selectOptions(screen.getByRole('combobox', { name: 'Preview language' }), '中文')
    expect(await screen.findByRole('heading', { name: 'Gene Insight 申请访问你的 BGE 账户' })).toBeInTheDocument()
    expect(screen.getByRole('button', { name: '授权' })).toBeInTheDocument()
    expect(within(screen.getByRole('article')).getByText('预览')).toBeInTheDocument()
    // The platform's Chinese scope text, as the Chinese consent page shows it.
    expect(screen.getByText('读取样本')).toBeInTheDocument()
    expect(screen.getByRole('checkbox', { name: /E-EXAMPLE-0001.*示例项目/ })).toBeInTheDocument()
    expect(screen.getByRole('heading', { level: 1, name: 'Consent page preview' })).toBeInTheDocument()
    expect(screen.getByRole('region', { name: 'Checklist' })).toBeInTheDocument()
    expect(screen.getByRole('heading', { name: 'Gene Insight 申请访问你的 BGE 账户' }).closest('[lang]')).toHaveAttribute('lang', 'zh-CN')
    expect(document.documentElement.lang).toBe('en')

    // And the other way round: the page switches, the preview keeps its language.
    await setLanguage('zh-CN')
    expect(await screen.findByRole('heading', { level: 1, name: '授权页预览' })).toBeInTheDocument()
    await user.selectOptions(screen.getByRole('combobox', { name: '预览语言' }), 'English')
    expect(await screen.findByRole('heading', { name: 'Gene Insight would like to access your BGE account' })).toBeInTheDocument()
    expect(screen.getByRole('button', { name: 'Authorize' })).toBeInTheDocument()
    expect(screen.getByRole('heading', { level: 1, name: '授权页预览' })).toBeInTheDocument()
  })

  test('the phone and desktop frames', async () => {
    const user = userEvent.setup()
    renderPreview()
    await screen.findByRole('button', { name: 'Authorize' })
    expect(screen.getByRole('radio', { name: 'Phone' })).toBeChecked()
    expect(document.querySelector('[data-frame]')).toHaveAttribute('data-frame', 'phone')
    await user.click(screen.getByRole('radio', { name: 'Desktop' }))
    expect(document.querySelector('[data-frame]')).toHaveAttribute('data-frame', 'desktop')
  })
})

describe('the checklist', () => {
  test('a good app passes, and the logo passes once it has loaded in the browser', async () => {
    renderPreview()
    expect(await statusOf('App found')).toBe('Pass')
    expect(await checklistItem('App found')).toHaveTextContent('Gene Insight (client ID web-app).')
    expect(await statusOf('Redirect URI registered and allowed')).toBe('Pass')
    expect(await statusOf('Description')).toBe('Pass')
    expect(await statusOf('Name fits a phone')).toBe('Pass')
    expect(await statusOf('Requested scopes known')).toBe('Pass')
    expect(await statusOf('Write and genetic-data scopes')).toBe('Pass')
    expect(await statusOf('state used')).toBe('Pass')
    expect(await statusOf('Mini program settings')).toBe('Pass')
    expect(await checklistItem('Mini program settings')).toHaveTextContent('Not a mini program')
    expect(await statusOf('Logo')).toBe('Checking')
    const probe = (await checklistItem('Logo')).querySelector('img')
    expect(probe).toHaveAttribute('src', 'https://cdn.example/logo.png')
    fireEvent.load(probe as HTMLImageElement)
    expect(await statusOf('Logo')).toBe('Pass')
    expect(screen.getByText('No problems, no warnings')).toBeInTheDocument()
  })

  test('a logo that does not load fails', async () => {
    renderPreview()
    const probe = (await checklistItem('Logo')).querySelector('img')
    fireEvent.error(probe as HTMLImageElement)
    expect(await statusOf('Logo')).toBe('Fail')
    expect(await checklistItem('Logo')).toHaveTextContent('Check that the address is public and returns an image.')
  })

  test('missing logo, no description, a long name, unknown, write and genomic scopes', async () => {
    respond = () =>
      HttpResponse.json({
        ...answerFor({ logo: '', description: '', name: 'Gene Insight Ancestry Explorer' }, [SCOPES.profile!, SCOPES.variant!, SCOPES.write!]),
        unknown_scopes: ['sample.nope', 'abundance.x'],
      })
    renderPreview(previewPath({ client_id: 'web-app', redirect_uri: REDIRECT, scope: 'profile.default variant.rsid partner.custom:write sample.nope abundance.x', state: 's' }))
    expect(await statusOf('Logo')).toBe('Warning')
    expect(await checklistItem('Logo')).toHaveTextContent('The app has no logo, so users see a letter instead.')
    expect(await statusOf('Description')).toBe('Warning')
    expect(await checklistItem('Description')).toHaveTextContent('Fix: Add a sentence that says what the app does with users’ data.')
    expect(await statusOf('Name fits a phone')).toBe('Warning')
    expect(await checklistItem('Name fits a phone')).toHaveTextContent('is 30 characters wide; past 20 it wraps')
    expect(await statusOf('Requested scopes known')).toBe('Fail')
    expect(await checklistItem('Requested scopes known')).toHaveTextContent('Not registered for this app: sample.nope abundance.x.')
    expect(await statusOf('Write and genetic-data scopes')).toBe('Warning')
    expect(await checklistItem('Write and genetic-data scopes')).toHaveTextContent('3 scopes granted. Can make changes: 1. Reads genetic data: 1.')
    // variant.rsid triggers the separate consent, whose purpose would have no description to quote.
    expect(await statusOf('Separate consent for genetic data')).toBe('Warning')
    expect(await checklistItem('Separate consent for genetic data')).toHaveTextContent('Granted variant.rsid, so the page shows a separate consent step')
    expect(screen.getByText('1 problem, 5 warnings')).toBeInTheDocument()
  })

  test('a genetic scope: the previewed page shows the separate consent step, and its Authorize waits for the tick', async () => {
    const user = userEvent.setup()
    respond = () => HttpResponse.json(answerFor({}, [SCOPES.profile!, SCOPES.variant!]))
    renderPreview(previewPath({ client_id: 'web-app', redirect_uri: REDIRECT, scope: 'profile.default variant.rsid', state: 's' }))
    expect(await checklistItem('Separate consent for genetic data')).toHaveTextContent('Granted variant.rsid')
    const step = await screen.findByRole('group', { name: 'Separate consent for your genetic data' })
    expect(within(step).getAllByRole('listitem')).toHaveLength(5)
    await user.click(screen.getByRole('checkbox', { name: /E-EXAMPLE-0001/ }))
    await user.click(screen.getByRole('button', { name: 'Authorize' }))
    expect(screen.queryByTestId('decision-url')).not.toBeInTheDocument()
    await user.click(within(step).getByRole('checkbox', { name: /may read my genetic data/ }))
    await user.click(screen.getByRole('button', { name: 'Authorize' }))
    expect(screen.getByTestId('decision-url').textContent).toMatch(/code=EXAMPLE_CODE/)
  })

  test('a link naming fewer scopes than the app is registered for warns that users see and grant every one, and the page marks the named ones', async () => {
    respond = () => HttpResponse.json(answerFor({}, [SCOPES.profile!, SCOPES.sample!, SCOPES.variant!], ['sample.default:read', 'variant.rsid']))
    // A consent link pasted whole, response_type and all.
    renderPreview(previewPath({ client_id: 'web-app', redirect_uri: REDIRECT, response_type: 'code', scope: 'profile.default', state: 's' }))
    expect(await statusOf('Requested scopes known')).toBe('Warning')
    const item = await checklistItem('Requested scopes known')
    expect(item).toHaveTextContent('The link asks for 1 of the app’s 3 scopes, but the BGE platform grants every scope an app is registered for')
    expect(item).toHaveTextContent('Fix: Register only the scopes your app needs.')
    expect(await checklistItem('Write and genetic-data scopes')).toHaveTextContent('3 scopes granted. Can make changes: 0. Reads genetic data: 1.')
    // The previewed page lists all three and marks the one the link named.
    const scopes = within(await screen.findByRole('region', { name: 'It will be able to' }))
    expect(scopes.getAllByRole('listitem')).toHaveLength(3)
    expect(within(scopes.getByText('Asked for by the app').closest('li')!).getByText('Basic profile')).toBeInTheDocument()
    // The preview never decides: it asks for no ticket, so it sends no response_type.
    expect(requests.some((line) => line.includes('response_type'))).toBe(false)
  })

  test('a logo that is not https fails: the consent page shows a letter instead', async () => {
    respond = () => HttpResponse.json(answerFor({ logo: 'http://cdn.example/logo.png' }))
    renderPreview()
    expect(await statusOf('Logo')).toBe('Fail')
    expect(await checklistItem('Logo')).toHaveTextContent('Serve the logo from an https address.')
  })

  test('a Chinese name counts each character twice against the limit', async () => {
    respond = () => HttpResponse.json(answerFor({ name: '基因洞察祖源探索与健康报告' }))
    renderPreview()
    expect(await checklistItem('Name fits a phone')).toHaveTextContent('is 26 characters wide')
  })

  test.each([
    [
      'an unknown app (40002)',
      () => apiError(422, 'invalid_client', { upstream_code: 40002 }),
      'App found',
      'No app has the client ID web-app.',
      'Check the client ID for typos',
      'invalid_client (40002)',
    ],
    [
      'a blocked app (40015)',
      () => apiError(403, 'application_blocked', { upstream_code: 40015 }),
      'App found',
      'This app is blocked on BGE',
      'Contact BGE',
      'application_blocked (40015)',
    ],
    [
      'a mismatched redirect',
      () => apiError(422, 'redirect_uri_mismatch', { details: { client_id: 'web-app', redirect_uri: REDIRECT, registered: 'https://app.example/cb' } }),
      'Redirect URI registered and allowed',
      `${REDIRECT} is not the redirect URI registered for this app.Registered: https://app.example/cb`,
      'compared character by character',
      'redirect_uri_mismatch',
    ],
    [
      'an unregistered redirect (40003)',
      () => apiError(422, 'redirect_uri_not_registered', { upstream_code: 40003 }),
      'Redirect URI registered and allowed',
      'The app has no registered redirect URI.',
      'Register the redirect URI',
      'redirect_uri_not_registered (40003)',
    ],
    [
      'an http redirect on a public host',
      () => apiError(400, 'redirect_uri_http_not_allowed'),
      'Redirect URI registered and allowed',
      'uses plain http on a public host',
      'Plain http is allowed only on localhost',
      'redirect_uri_http_not_allowed',
    ],
    [
      'a forbidden scheme',
      () => apiError(400, 'forbidden_redirect_scheme'),
      'Redirect URI registered and allowed',
      'uses a scheme the portal never redirects to',
      'RFC 8252',
      'forbidden_redirect_scheme',
    ],
  ])('%s: the item fails with its code and fix, and the preview says why it is empty', async (_case, answer, title, detail, fix, code) => {
    respond = answer
    renderPreview()
    expect(await statusOf(title)).toBe('Fail')
    const item = await checklistItem(title)
    expect(item).toHaveTextContent(detail)
    expect(item).toHaveTextContent('Fix:')
    expect(item).toHaveTextContent(fix)
    expect(item).toHaveTextContent(`Error code: ${code}`)
    expect(await statusOf('Logo')).toBe('Not checked')
    expect(await statusOf('state used')).toBe('Pass')
    expect(screen.getByText('Nothing to preview')).toBeInTheDocument()
    expect(screen.getByText(/Users who follow this link would see an error page/)).toBeInTheDocument()
    expect(screen.queryByRole('button', { name: 'Authorize' })).not.toBeInTheDocument()
    expect(screen.queryByText('Refused.')).not.toBeInTheDocument()
  })

  test('a platform that does not answer can be checked again', async () => {
    const user = userEvent.setup()
    respond = () => apiError(504, 'upstream_timeout')
    renderPreview()
    expect(await statusOf('App found')).toBe('Fail')
    respond = () => HttpResponse.json(answerFor())
    await user.click(screen.getByRole('button', { name: 'Check again' }))
    expect(await screen.findByRole('heading', { name: 'Gene Insight would like to access your BGE account' })).toBeInTheDocument()
    expect(await statusOf('App found')).toBe('Pass')
  })
})
