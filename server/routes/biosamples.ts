import { Hono } from 'hono'
import type { Biosample } from '../../src/contract/api'

export function biosampleRoutes(): Hono {
  const app = new Hono()
  app.get('/biosamples', async (c) => {
    const samples = await c.var.upstream.biosamples()
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
