import type { ReactNode } from 'react'

type AlertVariant = 'error' | 'warning' | 'info' | 'success'

interface AlertProps {
  variant?: AlertVariant
  title?: ReactNode
  children?: ReactNode
  /**
   * `alert` interrupts (errors after an action); `status` waits its turn. Defaults to `alert` for
   * errors and `status` otherwise; `none` for a message that is part of the page from the start.
   */
  role?: 'alert' | 'status' | 'none'
  className?: string
}

const VARIANTS: Record<AlertVariant, string> = {
  error: 'border-red-300 bg-red-50 text-red-900 dark:border-red-800 dark:bg-red-950 dark:text-red-100',
  warning: 'border-amber-300 bg-amber-50 text-amber-950 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-100',
  info: 'border-sky-300 bg-sky-50 text-sky-950 dark:border-sky-800 dark:bg-sky-950 dark:text-sky-100',
  success: 'border-emerald-300 bg-emerald-50 text-emerald-950 dark:border-emerald-800 dark:bg-emerald-950 dark:text-emerald-100',
}

export function Alert({ variant = 'info', title, children, role, className = '' }: AlertProps) {
  const resolvedRole = role ?? (variant === 'error' ? 'alert' : 'status')
  return (
    <div role={resolvedRole === 'none' ? undefined : resolvedRole} className={`rounded-lg border px-4 py-3 text-sm ${VARIANTS[variant]} ${className}`}>
      {title ? <p className="font-semibold">{title}</p> : null}
      {children ? <div className={title ? 'mt-1' : undefined}>{children}</div> : null}
    </div>
  )
}
