// Waiting on an event in tests: polls until a condition holds, bounded, never a fixed sleep.

/** Polls `read` until `done` says yes, within `withinMs`; returns the last value read. */
export async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string, options: { withinMs?: number; everyMs?: number } = {}): Promise<T> {
  const deadline = Date.now() + (options.withinMs ?? 30_000)
  let value = await read()
  while (!done(value)) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}; last: ${JSON.stringify(value)}`)
    await new Promise((resolve) => setTimeout(resolve, options.everyMs ?? 25))
    value = await read()
  }
  return value
}
