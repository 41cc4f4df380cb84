// One deadline per /api request (REQUEST_DEADLINE_MS, SPEC.md "Security"): every upstream attempt
// and retry of the request spends from the same budget, so waits cannot multiply.
import type { Context, MiddlewareHandler } from 'hono'

/** An instant on a monotonic clock, so a wall-clock jump (or a faked Date in tests) cannot stretch it. */
export class Deadline {
  private constructor(
    private readonly at: number,
    private readonly clock: () => number,
  ) {}

  static after(ms: number, clock: () => number = () => performance.now()): Deadline {
    return new Deadline(clock() + ms, clock)
  }

  remainingMs(): number {
    return Math.max(0, this.at - this.clock())
  }
}

declare module 'hono' {
  interface ContextVariableMap {
    deadline: Deadline
  }
}

/** Starts the request's deadline; everything below reads it with `deadlineOf`. */
export function requestDeadline(ms: number): MiddlewareHandler {
  return async (c, next) => {
    c.set('deadline', Deadline.after(ms))
    await next()
  }
}

export function deadlineOf(c: Context): Deadline {
  const deadline = c.get('deadline')
  // A route mounted without the middleware is a wiring mistake, not something to paper over.
  if (!(deadline instanceof Deadline)) throw new Error('requestDeadline middleware is not mounted')
  return deadline
}
