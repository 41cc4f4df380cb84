import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { render, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { http, HttpResponse } from 'msw'
import { setupServer } from 'msw/node'
// RouterProvider from 'react-router', not 'react-router/dom': under Vitest the two entry points
// resolve to different builds (ESM and CommonJS) that do not share the router's context.
import { createMemoryRouter, RouterProvider } from 'react-router'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest'
import { setLanguage } from '@/lib/i18n'
import { appRoutes } from './router'

const ALICE = { id: 'u-alice', name: 'Alice Chen' }

const signedOut = () =>
  HttpResponse.json(
    { error: { code: 'unauthenticated', message: 'Please sign in.', login_url: '/signin?next={next}' } },
    { status: 401 },
  )

const server = setupServer(http.get('/api/session', () => HttpResponse.json({ user: ALICE })))

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
afterEach(() => server.resetHandlers())
afterAll(() => server.close())

beforeEach(async () => {
  await setLanguage('en')
})

function renderApp(path: string) {
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false }, mutations: { retry: false } } })
  const router = createMemoryRouter(appRoutes(queryClient), { initialEntries: [path] })
  render(
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router} />
    </QueryClientProvider>,
  )
  return { router, queryClient }
}

describe('the shell', () => {
  test('an unknown path shows the not-found page inside the layout', async () => {
    renderApp('/no/such/page')
    expect(await screen.findByRole('heading', { level: 1, name: 'Page not found' })).toBeInTheDocument()
    const banner = screen.getByRole('banner')
    expect(within(banner).getByRole('link', { name: 'BGE Account' })).toHaveAttribute('href', '/grants')
    expect(within(screen.getByRole('navigation', { name: 'Main' })).getByRole('link', { name: 'My authorizations' })).toHaveAttribute('href', '/grants')
    expect(screen.getByRole('main')).toHaveAttribute('id', 'main')
    expect(screen.getByRole('link', { name: 'Skip to main content' })).toHaveAttribute('href', '#main')
    expect(screen.getByRole('link', { name: 'Go to my authorizations' })).toHaveAttribute('href', '/grants')
    expect(await within(banner).findByText(ALICE.name)).toBeInTheDocument()
    await waitFor(() => expect(document.title).toBe('Page not found · BGE Account'))
  })

  test('/ goes to /grants', async () => {
    const { router } = renderApp('/')
    await waitFor(() => expect(router.state.location.pathname).toBe('/grants'))
    expect(await screen.findByRole('heading', { level: 1 })).toBeInTheDocument()
  })

  test('the language switch changes the text, <html lang> and the remembered choice', async () => {
    const user = userEvent.setup()
    renderApp('/no/such/page')
    await screen.findByRole('heading', { level: 1, name: 'Page not found' })

    await user.selectOptions(screen.getByRole('combobox', { name: 'Language' }), '中文')

    expect(await screen.findByRole('heading', { level: 1, name: '找不到这个页面' })).toBeInTheDocument()
    expect(screen.getByRole('combobox', { name: '语言' })).toHaveValue('zh-CN')
    expect(screen.getByRole('link', { name: '我的授权' })).toBeInTheDocument()
    expect(document.documentElement.lang).toBe('zh-CN')
    expect(document.cookie).toContain('bge_lang=zh-CN')
    await waitFor(() => expect(document.title).toBe('找不到页面 · BGE 账户'))
  })

  test('signed out, the header offers sign-in that returns to this page', async () => {
    server.use(http.get('/api/session', signedOut))
    renderApp('/no/such/page?x=1')
    const signIn = await within(screen.getByRole('banner')).findByRole('link', { name: 'Sign in' })
    expect(signIn).toHaveAttribute('href', `/signin?next=${encodeURIComponent('/no/such/page?x=1')}`)
    expect(screen.queryByRole('button', { name: 'Sign out' })).not.toBeInTheDocument()
  })
})

describe('the root error boundary', () => {
  test('a 401 from a page’s data offers sign-in that comes back', async () => {
    server.use(
      http.get('/api/session', signedOut),
      http.get('/api/sandbox/users', signedOut),
    )
    renderApp('/signin?next=%2Fgrants')
    expect(await screen.findByRole('heading', { level: 1, name: 'Please sign in' })).toBeInTheDocument()
    expect(within(screen.getByRole('main')).getByRole('link', { name: 'Sign in' })).toHaveAttribute(
      'href',
      `/signin?next=${encodeURIComponent('/signin?next=%2Fgrants')}`,
    )
    expect(screen.getByText('Error code: unauthenticated')).toBeInTheDocument()
    // The layout survives a page's failure.
    expect(screen.getByRole('banner')).toBeInTheDocument()
  })

  test('a network failure offers to try again, and trying again recovers', async () => {
    const user = userEvent.setup()
    server.use(http.get('/api/sandbox/users', () => HttpResponse.error()))
    renderApp('/signin')
    expect(await screen.findByRole('heading', { level: 1, name: 'You seem to be offline' })).toBeInTheDocument()

    server.use(http.get('/api/sandbox/users', () => HttpResponse.json({ users: [ALICE] })))
    await user.click(screen.getByRole('button', { name: 'Try again' }))
    expect(await screen.findByRole('button', { name: `Sign in as ${ALICE.name}` })).toBeInTheDocument()
  })

  test('an upstream timeout says so, with the code for support', async () => {
    server.use(
      http.get('/api/sandbox/users', () =>
        HttpResponse.json({ error: { code: 'upstream_timeout', message: 'Too slow.' } }, { status: 504 }),
      ),
    )
    renderApp('/signin')
    expect(await screen.findByRole('heading', { level: 1, name: 'This is taking too long' })).toBeInTheDocument()
    expect(screen.getByText('Error code: upstream_timeout')).toBeInTheDocument()
  })

  test('a 404 from a page’s data shows the not-found page', async () => {
    server.use(
      http.get('/api/sandbox/users', () => HttpResponse.json({ error: { code: 'not_found', message: 'No sandbox.' } }, { status: 404 })),
    )
    renderApp('/signin')
    expect(await screen.findByRole('heading', { level: 1, name: 'Page not found' })).toBeInTheDocument()
  })
})
