import { compileMessage } from '@lingui/message-utils/compileMessage'
import { act, render, screen } from '@testing-library/react'
import { createElement } from 'react'
import { describe, expect, test } from 'vitest'
import en from '@/locales/en.json'
import zhCN from '@/locales/zh-CN.json'
import { knownMessage, setLanguage, translate, useTranslation } from './i18n'
import { I18nScope } from './i18n-scope'

function keysOf(value: unknown, prefix = ''): string[] {
  if (typeof value !== 'object' || value === null) return [prefix]
  return Object.entries(value).flatMap(([key, child]) => keysOf(child, prefix ? `${prefix}.${key}` : key))
}

describe('catalogues', () => {
  test('Chinese translates exactly the keys English has', () => {
    expect(keysOf(zhCN).sort()).toEqual(keysOf(en).sort())
  })

  test('no text is empty', () => {
    const texts = [en, zhCN].flatMap((catalogue) =>
      keysOf(catalogue).map((key) => key.split('.').reduce<unknown>((node, part) => (node as Record<string, unknown>)[part], catalogue)),
    )
    expect(texts.every((text) => typeof text === 'string' && text.trim() !== '')).toBe(true)
  })
})

function textOf(catalogue: unknown, key: string): string {
  return key.split('.').reduce<unknown>((node, part) => (node as Record<string, unknown>)[part], catalogue) as string
}

/** Placeholder names of an ICU message (`{name}`, `{count, plural, …}`), from its compiled form. */
function placeholders(text: string): string[] {
  const names = new Set<string>()
  const walk = (node: unknown): void => {
    if (!Array.isArray(node)) return
    for (const token of node) {
      if (!Array.isArray(token)) continue
      const [name, , options] = token as [unknown, unknown, unknown]
      if (typeof name === 'string') names.add(name)
      if (options && typeof options === 'object') Object.values(options).forEach(walk)
    }
  }
  const compiled = compileMessage(text)
  walk(typeof compiled === 'string' ? [] : compiled)
  return [...names].sort()
}

describe('messages', () => {
  test('every text is valid ICU MessageFormat', () => {
    for (const catalogue of [en, zhCN]) {
      for (const key of keysOf(catalogue)) expect(() => compileMessage(textOf(catalogue, key)), key).not.toThrow()
    }
  })

  test('Chinese uses the same placeholders as English', () => {
    for (const key of keysOf(en)) expect(placeholders(textOf(zhCN, key)), key).toEqual(placeholders(textOf(en, key)))
  })

  test('a missing value is never shown as a raw placeholder', () => {
    expect(translate('common.errorCode', { code: 'e_1' })).toMatch(/e_1/)
  })
})

describe('I18nScope', () => {
  function Probe({ label }: { label: string }) {
    const { t, known, language } = useTranslation()
    return createElement('p', { 'data-testid': label }, `${language}|${t('consent.authorize')}|${known('scopes.profile_default.title') ?? ''}|${known('no.such.key') ?? 'none'}`)
  }

  test('a part of the page speaks its own language, and follows neither way the page’s', async () => {
    await setLanguage('en')
    render(
      createElement('div', null, createElement(Probe, { label: 'page' }), createElement(I18nScope, { language: 'zh-CN', children: createElement(Probe, { label: 'scoped' }) })),
    )
    expect(screen.getByTestId('page')).toHaveTextContent(/^en\|Authorize\|.+\|none$/)
    expect(screen.getByTestId('scoped')).toHaveTextContent(/^zh-CN\|授权\|.+\|none$/)
    expect(knownMessage('consent.authorize')).toBe('Authorize')

    await act(() => setLanguage('zh-CN'))
    expect(screen.getByTestId('page')).toHaveTextContent(/^zh-CN\|授权/)
    expect(screen.getByTestId('scoped')).toHaveTextContent(/^zh-CN\|授权/)
    await act(() => setLanguage('en'))
    expect(screen.getByTestId('scoped')).toHaveTextContent(/^zh-CN\|授权/)
    expect(document.documentElement.lang).toBe('en')
  })
})
