import { Hono } from 'hono'
import type { Biosample } from '../../src/contract/api'
import { deadlineOf } from '../deadline'
import { requireAuthToken, type BffDeps } from '../deps'

export function biosampleRoutes(deps: BffDeps): Hono {
  const app = new Hono()
  app.get('/biosamples', async (c) => {
    const samples = await deps.upstream.biosamples({ auth_token: requireAuthToken(c, deps) }, { deadline: deadlineOf(c) })
    const biosamples: Biosample[] = samples.map((s) => ({
      biosample_id: s.biosample_id,
      type: s.type,
      status: s.status,
      sample_time: s.sample_time,
      project_name: s.project_name,
    }))
    return c.json({ biosamples })
  })
  return app
}
