interface SkeletonProps {
  /** Size and shape, e.g. `h-4 w-32` or `size-12 rounded-xl`. */
  className?: string
}

/** A grey placeholder where content is about to appear; hidden from assistive technology. */
export function Skeleton({ className = 'h-4 w-full' }: SkeletonProps) {
  return <div aria-hidden="true" className={`rounded-md bg-slate-200 motion-safe:animate-pulse dark:bg-slate-700 ${className}`} />
}
