// Every text the platform supplies (an app's name and description, scope titles and messages, a
// person's or a project's name) renders through here. Its control characters were removed by the
// BFF (server/upstream/schemas.ts); its bidirectional controls (RLO, RLI…) are kept, as a name in
// Arabic or Hebrew may need them, so each text is isolated (`<bdi>`, unicode-bidi: isolate, its
// direction from its own first strong letter): an unclosed U+202E inside an app's name cannot
// reverse the portal's words around it ("… wants to access your data").
import { Fragment, type ReactNode } from 'react'

interface UpstreamTextProps {
  children: string
  className?: string
}

/** An upstream text, isolated from the text around it. */
export function UpstreamText({ children, className }: UpstreamTextProps) {
  return <bdi className={className}>{children}</bdi>
}

// Private-use characters: none occurs in a catalogue message, so they only ever mark a value.
const OPEN = '\uE000'
const CLOSE = '\uE001'
const MARK = /\uE000(\d+)\uE001/

interface UpstreamMessageProps {
  /** The message, given the values to put in it; e.g. `(values) => t('consent.heading', values)`. */
  message: (values: Record<string, string>) => string
  /** The upstream texts the message names, each rendered isolated where the message puts it. */
  texts: Record<string, string>
}

/** A message of the portal's own with upstream texts inside, each isolated (a translated string cannot hold a `<bdi>`). */
export function UpstreamMessage({ message, texts }: UpstreamMessageProps) {
  const entries = Object.entries(texts)
  const marked = message(Object.fromEntries(entries.map(([name], index) => [name, `${OPEN}${index}${CLOSE}`])))
  // split with a capturing group: text, index, text, index, …, text.
  const parts = marked.split(MARK)
  const nodes: ReactNode[] = parts.map((part, i) => {
    if (i % 2 === 0) return part === '' ? null : <Fragment key={i}>{part}</Fragment>
    const text = entries[Number(part)]?.[1] ?? ''
    return <UpstreamText key={i}>{text}</UpstreamText>
  })
  return <>{nodes}</>
}
