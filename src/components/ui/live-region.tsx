interface LiveRegionProps {
  /** What to announce; change it to announce again. Empty announces nothing. */
  message: string
}

/**
 * A polite, visually hidden announcement (e.g. "Gene Insight's access was revoked"). Keep it
 * mounted from the start: screen readers only announce changes to a region they already know.
 */
export function LiveRegion({ message }: LiveRegionProps) {
  return (
    <div role="status" aria-live="polite" aria-atomic="true" className="sr-only">
      {message}
    </div>
  )
}
