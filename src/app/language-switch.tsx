import { useId } from 'react'
import { LanguageOptions } from '@/components/ui/language-options'
import { isLanguage } from '@/contract/languages'
import { setLanguage, useTranslation } from '@/lib/i18n'

export function LanguageSwitch() {
  const { t, language } = useTranslation()
  const id = useId()

  return (
    <div className="relative flex items-center">
      <label htmlFor={id} className="sr-only">
        {t('header.language')}
      </label>
      <svg
        aria-hidden="true"
        viewBox="0 0 20 20"
        fill="none"
        stroke="currentColor"
        strokeWidth="1.5"
        className="pointer-events-none absolute left-2.5 size-4 text-slate-600 dark:text-slate-300"
      >
        <circle cx="10" cy="10" r="7.5" />
        <path d="M2.5 10h15M10 2.5c2 2.2 3 4.7 3 7.5s-1 5.3-3 7.5c-2-2.2-3-4.7-3-7.5s1-5.3 3-7.5Z" />
      </svg>
      <select
        id={id}
        value={language}
        onChange={(event) => {
          if (isLanguage(event.target.value)) void setLanguage(event.target.value)
        }}
        className="min-h-target cursor-pointer appearance-none rounded-lg border border-slate-400 bg-white py-2 pr-8 pl-8 text-sm text-slate-900 hover:bg-slate-100 dark:border-slate-500 dark:bg-slate-900 dark:text-slate-100 dark:hover:bg-slate-800"
      >
        <LanguageOptions />
      </select>
      <svg
        aria-hidden="true"
        viewBox="0 0 20 20"
        fill="currentColor"
        className="pointer-events-none absolute right-2.5 size-4 text-slate-600 dark:text-slate-300"
      >
        <path d="M5.3 7.3a1 1 0 0 1 1.4 0L10 10.6l3.3-3.3a1 1 0 1 1 1.4 1.4l-4 4a1 1 0 0 1-1.4 0l-4-4a1 1 0 0 1 0-1.4Z" />
      </svg>
    </div>
  )
}
