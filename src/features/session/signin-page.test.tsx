import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { render, screen } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { http, HttpResponse } from 'msw'
import { setupServer } from 'msw/node'
// RouterProvider from 'react-router', not 'react-router/dom': under Vitest the two entry points
// resolve to different builds (ESM and CommonJS) that do not share the router's context.
import { createMemoryRouter, RouterProvider } from 'react-router'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test, vi } from 'vitest'
import { setLanguage } from '@/lib/i18n'
import { assignLocation } from '@/lib/login'
import type * as Login from '@/lib/login'
import { route } from './signin-route'

vi.mock('@/lib/login', async (importOriginal) => ({
  ...(await importOriginal<typeof Login>()),
  assignLocation: vi.fn(),
}))

const ALICE = { id: 'u-alice', name: 'Alice Chen' }
const BOB = { id: 'u-bob', name: 'Bob Wang' }

const signInBodies: unknown[] = []
const server = setupServer(
  http.get('/api/sandbox/users', () => HttpResponse.json({ users: [ALICE, BOB] })),
  http.post('/api/session', async ({ request }) => {
    const body = (await request.json()) as { user_id: string }
    signInBodies.push({ body, csrf: request.headers.get('X-Requested-With'), type: request.headers.get('Content-Type') })
    const user = [ALICE, BOB].find((candidate) => candidate.id === body.user_id)
    return HttpResponse.json({ user })
  }),
)

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
afterEach(() => server.resetHandlers())
afterAll(() => server.close())

beforeEach(async () => {
  signInBodies.length = 0
  vi.mocked(assignLocation).mockReset()
  await setLanguage('en')
})

function renderSignIn(path: string) {
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false }, mutations: { retry: false } } })
  // The app's root layout brings the first-load fallback; standing alone, the page needs its own.
  const router = createMemoryRouter([{ path: '/signin', HydrateFallback: () => null, ...route(queryClient) }], {
    initialEntries: [path],
  })
  render(
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router} />
    </QueryClientProvider>,
  )
}

describe('sandbox sign-in', () => {
  test('offers each fixture user and returns to next after signing in', async () => {
    const user = userEvent.setup()
    const next = '/oauth2/authorize?client_id=web-app&state=a%20b'
    renderSignIn(`/signin?next=${encodeURIComponent(next)}`)

    expect(await screen.findByRole('heading', { level: 1, name: 'Sign in to the sandbox' })).toBeInTheDocument()
    expect(screen.getByRole('button', { name: `Sign in as ${BOB.name}` })).toBeInTheDocument()
    await user.click(screen.getByRole('button', { name: `Sign in as ${ALICE.name}` }))

    await vi.waitFor(() => expect(assignLocation).toHaveBeenCalledWith(next))
    expect(signInBodies).toEqual([{ body: { user_id: ALICE.id }, csrf: 'fetch', type: 'application/json' }])
  })

  test.each([['//evil.example/x'], ['https://evil.example/'], ['/\\evil.example'], ['']])(
    'ignores the unsafe next %j and lands on /grants',
    async (next) => {
      const user = userEvent.setup()
      renderSignIn(`/signin?next=${encodeURIComponent(next)}`)
      await user.click(await screen.findByRole('button', { name: `Sign in as ${BOB.name}` }))
      await vi.waitFor(() => expect(assignLocation).toHaveBeenCalledWith('/grants'))
    },
  )

  test('a failed sign-in says so and lets the user try again', async () => {
    const user = userEvent.setup()
    server.use(
      http.post('/api/session', () =>
        HttpResponse.json({ error: { code: 'unknown_user', message: 'There is no sandbox user with this id.' } }, { status: 422 }),
      ),
    )
    renderSignIn('/signin')
    const button = await screen.findByRole('button', { name: `Sign in as ${ALICE.name}` })
    await user.click(button)

    expect(await screen.findByRole('alert')).toHaveTextContent('Couldn’t sign in. Please try again.')
    expect(button).toBeEnabled()
    expect(assignLocation).not.toHaveBeenCalled()
  })

  test('speaks Chinese with its own button names', async () => {
    await setLanguage('zh-CN')
    renderSignIn('/signin')
    expect(await screen.findByRole('button', { name: `以 ${ALICE.name} 的身份登录` })).toBeInTheDocument()
    expect(screen.getByRole('list', { name: '演示用户' })).toBeInTheDocument()
  })

  test('says so when the sandbox has no users', async () => {
    server.use(http.get('/api/sandbox/users', () => HttpResponse.json({ users: [] })))
    renderSignIn('/signin')
    expect(await screen.findByText(/The sandbox has no users yet/)).toBeInTheDocument()
    expect(screen.queryByRole('button')).not.toBeInTheDocument()
  })
})
