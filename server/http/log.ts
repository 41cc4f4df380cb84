// The BFF's default log: one line per request, to stdout.

/**
 * Lines handed to `write` once per turn of the event loop. Each write to a pipe is a system call
 * (synchronous on Linux), the costliest part of a request's log line; under load one write
 * carries the lines of many requests. Lines keep their order.
 */
export function batchedLines(write: (text: string) => void): (line: string) => void {
  let pending = ''
  const flush = () => {
    const text = pending
    pending = ''
    write(text)
  }
  return (line) => {
    if (!pending) setImmediate(flush)
    pending += `${line}\n`
  }
}
