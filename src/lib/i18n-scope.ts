// A part of the page in a language of its own: only the developer preview needs it, so it is a
// module of its own, out of every other page's first load. The page's own instance is never touched.
import { setupI18n, type I18n } from '@lingui/core'
import { createElement, useEffect, useState, type ReactNode } from 'react'
import type { Language } from '@/contract/languages'
import { I18nContext, loadedMessages, loadMessages, scopedInstances } from '@/lib/i18n'

function scopedInstance(lang: Language): I18n | undefined {
  const existing = scopedInstances.get(lang)
  if (existing) return existing
  const messages = loadedMessages(lang)
  if (!messages) return undefined
  const instance = setupI18n({ locale: lang, messages: { [lang]: messages } })
  scopedInstances.set(lang, instance)
  return instance
}

interface I18nScopeProps {
  /** The language of everything inside, whatever the page's language is. */
  language: Language
  children: ReactNode
  /** Shown while that language's catalogue is fetched (once per page load). */
  fallback?: ReactNode
}

/**
 * A part of the page in a language of its own (the developer preview shows the consent page in
 * either language, under a page in the other). Children's `useTranslation()` reads this language;
 * the caller marks the subtree with `lang` for assistive technology.
 */
export function I18nScope({ language, children, fallback = null }: I18nScopeProps) {
  const [, setLoaded] = useState<Language | null>(null)
  const instance = scopedInstance(language)
  useEffect(() => {
    if (instance) return
    let live = true
    void loadMessages(language).then(() => {
      if (live) setLoaded(language)
    })
    return () => {
      live = false
    }
  }, [instance, language])
  return instance ? createElement(I18nContext.Provider, { value: instance }, children) : fallback
}
