// The JSON API of the consent decision, which the consent page's script calls. The decision itself
// is server/consent/decide.ts, shared with the page's form.
import { Hono } from 'hono'
import { authorizeBodySchema, denyBodySchema } from '../../src/contract/api'
import { decide } from '../consent/decide'
import type { BffDeps } from '../deps'
import { parseJsonBody } from '../http/validate'

export function authorizeRoutes(deps: BffDeps): Hono {
  const app = new Hono()

  app.post('/oauth2/authorize', async (c) => {
    const body = await parseJsonBody(c, authorizeBodySchema)
    return c.json(await decide(c, deps, { decision: 'authorize', ...body, separate_consent: body.separate_consent === true }))
  })

  app.post('/oauth2/deny', async (c) => {
    const body = await parseJsonBody(c, denyBodySchema)
    return c.json(await decide(c, deps, { decision: 'deny', ...body, biosample_ids: [], separate_consent: false }))
  })

  return app
}
