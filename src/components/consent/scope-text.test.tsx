// The consent page shows each scope's words by the one rule the BFF checks decisions against
// (src/contract/scope-text.ts): here the rendered page is compared with the BFF's expectation,
// built from the raw catalogues (src/contract/scope-catalogue.ts), for every platform scope.
import { render, within } from '@testing-library/react'
import { expect, test } from 'vitest'
import type { Scope } from '@/contract/api'
import { SUPPORTED_LANGUAGES } from '@/contract/languages'
import { catalogueLookup } from '@/contract/scope-catalogue'
import { displayedScopeText } from '@/contract/scope-text'
import { setLanguage } from '@/lib/i18n'
import { PLATFORM_SCOPES } from '../../../test/support/platform-scopes'
import { ScopeList } from './scope-list'

const SCOPES: Scope[] = [
  ...PLATFORM_SCOPES,
  // Beyond the platform's own: a scope the catalogues do not know, and one the platform left blank.
  { scope: 'partner.custom:write', title: '合作方写入', message: '写入合作方数据' },
  { scope: 'partner.blank', title: '', message: '' },
]

test.each(SUPPORTED_LANGUAGES)('in %s, every scope shows exactly the words the BFF expects', async (language) => {
  await setLanguage(language)
  const { container } = render(<ScopeList scopes={SCOPES.map((scope) => ({ ...scope, asked: true }))} />)
  const items = within(container).getAllByRole('listitem')
  const shown = items.map((item) => ({
    title: item.querySelector('span')?.textContent ?? '',
    message: item.querySelector('p')?.textContent ?? '',
  }))
  const expected = SCOPES.map((scope) => displayedScopeText(scope, language, catalogueLookup))
  // The page groups scopes by tier; which scope sits where is the tiers' test, the words are this one's.
  const byTitle = (a: { title: string }, b: { title: string }) => a.title.localeCompare(b.title)
  expect(shown.sort(byTitle)).toEqual(expected.sort(byTitle))
  expect(new Set(shown.map((text) => text.title)).size).toBe(SCOPES.length)
  if (language === 'en') expect(shown).toContainEqual({ title: 'Basic profile', message: expect.stringMatching(/^Read your avatar/) })
})
