import type { Context } from 'hono'
import * as z from 'zod/v4/core'
import { ApiFailure } from './api-failure'

function problems(error: z.$ZodError): Record<string, string> {
  return Object.fromEntries(error.issues.map((issue) => [issue.path.join('.') || '(body)', issue.message]))
}

export function parseQuery<T extends z.$ZodType>(c: Context, schema: T): z.output<T> {
  const result = z.safeParse(schema, c.req.query())
  if (!result.success) {
    throw new ApiFailure(400, 'invalid_request', 'Some parameters are missing or invalid.', { details: problems(result.error) })
  }
  return result.data
}

export async function parseJsonBody<T extends z.$ZodType>(c: Context, schema: T): Promise<z.output<T>> {
  let body: unknown
  try {
    body = await c.req.json()
  } catch {
    throw new ApiFailure(400, 'invalid_json', 'The request body is not valid JSON.')
  }
  const result = z.safeParse(schema, body)
  if (!result.success) {
    throw new ApiFailure(400, 'invalid_request', 'Some fields are missing or invalid.', { details: problems(result.error) })
  }
  return result.data
}
