import { screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { http, HttpResponse } from 'msw'
import { beforeEach, describe, expect, test } from 'vitest'
import { setLanguage } from '@/lib/i18n'
import { ALICE } from '../../test/support/fixture-users'
import { apiError, server, unauthenticated } from '../../test/support/msw-handlers'
import { renderApp } from '../../test/support/render'

beforeEach(async () => {
  await setLanguage('en')
})

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
    server.use(http.get('/api/session', () => unauthenticated()))
    renderApp('/no/such/page?x=1')
    // The header waits for the root loader's session read: find the banner once the page is there.
    await screen.findByRole('heading', { level: 1, name: 'Page not found' })
    const signIn = await within(screen.getByRole('banner')).findByRole('link', { name: 'Sign in' })
    expect(signIn).toHaveAttribute('href', `/signin?next=${encodeURIComponent('/no/such/page?x=1')}`)
    expect(screen.queryByRole('button', { name: 'Sign out' })).not.toBeInTheDocument()
  })
})

describe('the root error boundary', () => {
  test('a 401 from a page’s data offers sign-in that comes back', async () => {
    server.use(
      http.get('/api/session', () => unauthenticated()),
      http.get('/api/sandbox/users', () => unauthenticated()),
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

    server.resetHandlers()
    await user.click(screen.getByRole('button', { name: 'Try again' }))
    expect(await screen.findByRole('button', { name: `Sign in as ${ALICE.name}` })).toBeInTheDocument()
  })

  test('an upstream timeout says so, with the code for support', async () => {
    server.use(http.get('/api/sandbox/users', () => apiError(504, 'upstream_timeout')))
    renderApp('/signin')
    expect(await screen.findByRole('heading', { level: 1, name: 'This is taking too long' })).toBeInTheDocument()
    expect(screen.getByText('Error code: upstream_timeout')).toBeInTheDocument()
  })

  test('a 404 from a page’s data shows the not-found page', async () => {
    server.use(http.get('/api/sandbox/users', () => apiError(404, 'not_found')))
    renderApp('/signin')
    expect(await screen.findByRole('heading', { level: 1, name: 'Page not found' })).toBeInTheDocument()
  })
})
