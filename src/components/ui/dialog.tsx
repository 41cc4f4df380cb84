import { useEffect, useEffectEvent, useId, useRef, type KeyboardEvent, type ReactNode, type RefObject } from 'react'

interface DialogProps {
  /** Controlled: the dialog shows while true. */
  open: boolean
  /** Escape (the browser's cancel) closed it, or a button asked to: set `open` to false. */
  onClose: () => void
  title: ReactNode
  /** The description: what the dialog is about and what its buttons will do. */
  children: ReactNode
  /** The buttons, last in the dialog. Mark the one that should take focus with `data-autofocus`. */
  actions: ReactNode
  /**
   * Where focus goes when the dialog closes. Defaults to the element that had focus when it
   * opened; give another one when closing removes that element (e.g. confirming a removal).
   */
  returnFocusRef?: RefObject<HTMLElement | null>
}

const FOCUSABLE = 'button:not([disabled]), [href], input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])'

/**
 * A modal dialog on the native `<dialog>` with `showModal()`: the browser makes the rest of the
 * page inert, Escape closes it, and it sits in the top layer. This adds what browsers do not
 * agree on: which control takes focus first, Tab wrapping around, and where focus returns.
 */
export function Dialog({ open, onClose, title, children, actions, returnFocusRef }: DialogProps) {
  const dialogRef = useRef<HTMLDialogElement>(null)
  const titleId = useId()
  const bodyId = useId()
  // Read at closing, not at opening: the caller may pick the target while the dialog is open.
  const chosenReturnTarget = useEffectEvent(() => returnFocusRef?.current ?? null)

  useEffect(() => {
    const dialog = dialogRef.current
    if (!open || !dialog) return
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null
    if (!dialog.open) dialog.showModal()
    const initial = dialog.querySelector<HTMLElement>('[data-autofocus]') ?? dialog.querySelector<HTMLElement>(FOCUSABLE)
    initial?.focus()
    return () => {
      if (dialog.open) dialog.close()
      const target = chosenReturnTarget() ?? opener
      if (target?.isConnected) target.focus()
    }
  }, [open])

  // The browser keeps focus off the inert page, but Tab past the last control still leaves for its
  // own toolbar; wrap around instead, so keyboard users stay with the question until they answer.
  function keepFocusInside(event: KeyboardEvent<HTMLDialogElement>) {
    if (event.key !== 'Tab' || !dialogRef.current) return
    const controls = Array.from(dialogRef.current.querySelectorAll<HTMLElement>(FOCUSABLE))
    const first = controls[0]
    const last = controls.at(-1)
    if (!first || !last) return
    if (event.shiftKey && document.activeElement === first) {
      event.preventDefault()
      last.focus()
    } else if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault()
      first.focus()
    }
  }

  return (
    <dialog
      onKeyDown={keepFocusInside}
      ref={dialogRef}
      aria-labelledby={titleId}
      aria-describedby={bodyId}
      // The browser closes it on Escape by itself; keep the caller's state in step.
      onClose={onClose}
      className={
        'm-auto w-[calc(100%-2rem)] max-w-md rounded-2xl border border-slate-200 bg-white p-0 text-slate-900 shadow-xl ' +
        'backdrop:bg-slate-950/60 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100'
      }
    >
      <div className="p-5 sm:p-6">
        <h2 id={titleId} className="text-lg font-semibold tracking-tight sm:text-xl">
          {title}
        </h2>
        <div id={bodyId} className="mt-3 text-slate-700 dark:text-slate-300">
          {children}
        </div>
        <div className="mt-6 flex flex-col-reverse gap-3 sm:flex-row sm:justify-end">{actions}</div>
      </div>
    </dialog>
  )
}
