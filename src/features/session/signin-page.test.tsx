import { screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { http, HttpResponse } from 'msw'
import { beforeEach, describe, expect, test, vi } from 'vitest'
import { setLanguage } from '@/lib/i18n'
import { assignLocation } from '@/lib/navigation'
import { ALICE, BOB, publicUser } from '../../../test/support/fixture-users'
import { apiError, server } from '../../../test/support/msw-handlers'
import { renderApp } from '../../../test/support/render'

vi.mock('@/lib/navigation', () => ({ assignLocation: vi.fn(), replaceLocation: vi.fn() }))

const signInBodies: unknown[] = []

beforeEach(async () => {
  signInBodies.length = 0
  vi.mocked(assignLocation).mockReset()
  server.use(
    http.post('/api/session', async ({ request }) => {
      const body = (await request.json()) as { user_id: string }
      signInBodies.push({ body, csrf: request.headers.get('X-Requested-With'), type: request.headers.get('Content-Type') })
      const user = [ALICE, BOB].find((candidate) => candidate.id === body.user_id)
      return HttpResponse.json({ user: user && publicUser(user) })
    }),
  )
  await setLanguage('en')
})

describe('sandbox sign-in', () => {
  test('offers each fixture user and returns to next after signing in', async () => {
    const user = userEvent.setup()
    const next = '/oauth2/authorize?client_id=web-app&state=a%20b'
    renderApp(`/signin?next=${encodeURIComponent(next)}`)

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
      renderApp(`/signin?next=${encodeURIComponent(next)}`)
      await user.click(await screen.findByRole('button', { name: `Sign in as ${BOB.name}` }))
      await vi.waitFor(() => expect(assignLocation).toHaveBeenCalledWith('/grants'))
    },
  )

  test('a failed sign-in says so and lets the user try again', async () => {
    const user = userEvent.setup()
    server.use(
      http.post('/api/session', () => apiError(422, 'unknown_user')),
    )
    renderApp('/signin')
    const button = await screen.findByRole('button', { name: `Sign in as ${ALICE.name}` })
    await user.click(button)

    expect(await screen.findByRole('alert')).toHaveTextContent('Couldn’t sign in. Please try again.')
    expect(button).toBeEnabled()
    expect(assignLocation).not.toHaveBeenCalled()
  })

  test('speaks Chinese with its own button names', async () => {
    await setLanguage('zh-CN')
    renderApp('/signin')
    expect(await screen.findByRole('button', { name: `以 ${ALICE.name} 的身份登录` })).toBeInTheDocument()
    expect(screen.getByRole('list', { name: '演示用户' })).toBeInTheDocument()
  })

  test('says so when the sandbox has no users', async () => {
    server.use(http.get('/api/sandbox/users', () => HttpResponse.json({ users: [] })))
    renderApp('/signin')
    expect(await screen.findByText(/The sandbox has no users yet/)).toBeInTheDocument()
    expect(within(screen.getByRole('main')).queryByRole('button')).not.toBeInTheDocument()
  })
})
