// The filter box above a long list and the empty state of a list with nothing in it, shared by the
// grants and activity pages.
import { useId, useRef, type ReactNode } from 'react'
import { Button } from './button'

interface ListFilterProps {
  label: string
  value: string
  onChange: (value: string) => void
  /** How many items the filter leaves, in words; null while nothing is typed. */
  status: string | null
  /** Offered when the filter leaves nothing: clears it and puts the focus back in the box. */
  clear: { label: string } | null
}

export function ListFilter({ label, value, onChange, status, clear }: ListFilterProps) {
  const id = useId()
  const input = useRef<HTMLInputElement>(null)
  return (
    <div className="mt-4 max-w-md">
      <label htmlFor={id} className="block text-sm font-medium">
        {label}
      </label>
      <input
        ref={input}
        id={id}
        type="search"
        value={value}
        onChange={(event) => onChange(event.target.value)}
        autoComplete="off"
        spellCheck={false}
        enterKeyHint="search"
        className={
          'mt-1 block min-h-target w-full rounded-lg border border-slate-400 bg-white px-3 py-2 text-base text-slate-900 ' +
          'placeholder:text-slate-500 dark:border-slate-500 dark:bg-slate-900 dark:text-slate-100'
        }
      />
      {/* Always mounted, so screen readers hear how many items the filter leaves. */}
      <p aria-live="polite" className="mt-2 min-h-5 text-sm text-slate-700 dark:text-slate-300">
        {status}
      </p>
      {clear ? (
        <Button
          variant="secondary"
          className="mt-2"
          onClick={() => {
            onChange('')
            input.current?.focus()
          }}
        >
          {clear.label}
        </Button>
      ) : null}
    </div>
  )
}

export function EmptyState({ title, children }: { title: string; children: ReactNode }) {
  const titleId = useId()
  return (
    <section
      aria-labelledby={titleId}
      className="mt-8 rounded-xl border border-dashed border-slate-300 bg-white px-5 py-8 text-center sm:px-8 dark:border-slate-700 dark:bg-slate-900"
    >
      <h2 id={titleId} className="text-lg font-semibold">
        {title}
      </h2>
      <p className="mx-auto mt-2 max-w-prose text-slate-700 dark:text-slate-300">{children}</p>
    </section>
  )
}
