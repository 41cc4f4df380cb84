import { Hono } from 'hono'
import { deleteCookie, setCookie } from 'hono/cookie'
import { signInBodySchema } from '../../src/contract/api'
import { ApiFailure } from '../http/api-failure'
import type { BffDeps } from '../deps'
import { requireAuthToken } from '../http/upstream'
import { isHttpsRequest } from '../http/proxy'
import { parseJsonBody } from '../http/validate'

export function sessionRoutes(deps: BffDeps): Hono {
  const app = new Hono()

  app.get('/session', async (c) => {
    requireAuthToken(c)
    const user = await c.var.upstream.user()
    return c.json({ user: { id: user.id, name: user.name } })
  })

  app.delete('/session', (c) => {
    deleteCookie(c, deps.config.authCookie, { path: '/' })
    return c.body(null, 204)
  })

  // Sandbox sign-in: stands in for the platform's own sign-in, which sets the same cookie.
  app.post('/session', async (c) => {
    const store = deps.sandboxStore
    if (!store) throw new ApiFailure(404, 'not_found', 'Sign-in happens on the platform, not here.')
    const { user_id } = await parseJsonBody(c, signInBodySchema)
    const token = store.authTokenOf(user_id)
    if (!token) throw new ApiFailure(422, 'unknown_user', 'There is no sandbox user with this id.', { details: { user_id } })
    const user = await c.var.upstream.as(token).user()
    setCookie(c, deps.config.authCookie, token, {
      path: '/',
      httpOnly: true,
      sameSite: 'Lax',
      secure: isHttpsRequest(c),
    })
    return c.json({ user: { id: user.id, name: user.name } })
  })

  app.get('/sandbox/users', (c) => {
    const store = deps.sandboxStore
    if (!store) throw new ApiFailure(404, 'not_found', 'The sandbox is not running.')
    return c.json({ users: store.users() })
  })

  return app
}
