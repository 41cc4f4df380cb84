import { useState } from 'react'
import { isDisplayableLogo } from '@/contract/logo'

type LogoSize = 'sm' | 'md' | 'lg'

interface AppLogoProps {
  /** The app's name; shown next to the logo by the caller, so the logo itself is decorative. */
  name: string
  /** Untrusted upstream value: used only when it is an https URL or a path on this origin. */
  logo: string
  size?: LogoSize
  className?: string
}

const SIZES: Record<LogoSize, { box: string; text: string; px: number }> = {
  sm: { box: 'size-8 rounded-lg', text: 'text-base', px: 32 },
  md: { box: 'size-12 rounded-xl', text: 'text-xl', px: 48 },
  lg: { box: 'size-16 rounded-2xl', text: 'text-3xl', px: 64 },
}

// White text on each of these is at least 4.5:1, though the monogram is decorative anyway.
const MONOGRAM_COLOURS = [
  'bg-emerald-700',
  'bg-sky-700',
  'bg-violet-700',
  'bg-rose-700',
  'bg-amber-700',
  'bg-indigo-700',
  'bg-teal-700',
  'bg-fuchsia-700',
] as const

function monogramColour(name: string): string {
  let hash = 0
  for (const char of name) hash = (hash * 31 + (char.codePointAt(0) ?? 0)) >>> 0
  return MONOGRAM_COLOURS[hash % MONOGRAM_COLOURS.length] ?? MONOGRAM_COLOURS[0]
}

/** An app's logo, or a coloured monogram when it has none, it is not https, or it fails to load. */
export function AppLogo({ name, logo, size = 'md', className = '' }: AppLogoProps) {
  const [failedLogo, setFailedLogo] = useState<string | null>(null)
  const { box, text, px } = SIZES[size]
  const trimmed = logo.trim()

  if (isDisplayableLogo(trimmed) && failedLogo !== trimmed) {
    return (
      <img
        src={trimmed}
        alt=""
        width={px}
        height={px}
        decoding="async"
        referrerPolicy="no-referrer"
        className={`shrink-0 bg-white object-contain ring-1 ring-slate-200 dark:ring-slate-700 ${box} ${className}`}
        onError={() => setFailedLogo(trimmed)}
      />
    )
  }
  const initial = Array.from(name.trim())[0]?.toLocaleUpperCase() ?? '?'
  return (
    <span
      aria-hidden="true"
      className={`inline-flex shrink-0 select-none items-center justify-center font-semibold text-white ${box} ${text} ${monogramColour(name)} ${className}`}
    >
      {initial}
    </span>
  )
}
