import type { ButtonHTMLAttributes } from 'react'
import { Spinner } from './spinner'

export type ButtonVariant = 'primary' | 'secondary' | 'danger' | 'ghost'

const BASE =
  'inline-flex min-h-target min-w-target items-center justify-center gap-2 rounded-lg px-4 py-2 text-base font-medium ' +
  'transition-colors disabled:cursor-not-allowed disabled:opacity-60 motion-reduce:transition-none'

const VARIANTS: Record<ButtonVariant, string> = {
  primary: 'bg-brand-600 text-white hover:bg-brand-700 disabled:hover:bg-brand-600',
  secondary:
    'border border-slate-400 bg-white text-slate-900 hover:bg-slate-100 disabled:hover:bg-white ' +
    'dark:border-slate-500 dark:bg-slate-900 dark:text-slate-100 dark:hover:bg-slate-800 dark:disabled:hover:bg-slate-900',
  danger: 'bg-red-700 text-white hover:bg-red-800 disabled:hover:bg-red-700',
  ghost: 'text-brand-700 hover:bg-brand-50 dark:text-brand-100 dark:hover:bg-slate-800 disabled:hover:bg-transparent',
}

/** The classes of a button, for a link that must look like one (e.g. "Sign in" to another origin). */
export function buttonClassName(variant: ButtonVariant = 'primary', className = ''): string {
  return `${BASE} ${VARIANTS[variant]} ${className}`
}

export interface ButtonProps extends ButtonHTMLAttributes<HTMLButtonElement> {
  variant?: ButtonVariant
  /** In flight: shows a spinner, sets aria-busy and disables the button so it cannot fire twice. */
  busy?: boolean
}

export function Button({ variant = 'primary', busy = false, disabled, className, type = 'button', children, ...props }: ButtonProps) {
  return (
    <button
      type={type}
      {...props}
      disabled={disabled || busy}
      aria-busy={busy || undefined}
      className={buttonClassName(variant, className)}
    >
      {busy ? <Spinner className="size-5 shrink-0" /> : null}
      {children}
    </button>
  )
}
