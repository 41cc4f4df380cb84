import type { ReactNode } from 'react'

interface PageProps {
  children: ReactNode
  /** `narrow` for reading and forms (consent, sign-in), `wide` for lists and tools. */
  width?: 'narrow' | 'wide'
  className?: string
}

const WIDTHS = { narrow: 'max-w-2xl', wide: 'max-w-5xl' } as const

/** The page's content column: full width on a phone, centred with a readable measure above. */
export function Page({ children, width = 'narrow', className = '' }: PageProps) {
  return <div className={`mx-auto w-full px-4 py-6 sm:px-6 sm:py-10 ${WIDTHS[width]} ${className}`}>{children}</div>
}
