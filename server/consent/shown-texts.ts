// What the consent page displays, as the BFF knows it: the platform's scope texts and the SPA's
// catalogues, put through the page's own rule (src/contract/scope-text.ts). Hashed into the consent
// ticket when the page is served, and recomputed when it decides (server/consent/decide.ts): only
// texts that hash the same are recorded as the truth about the screen (SPEC.md "Consent records").
import { createHash } from 'node:crypto'
import type { Scope } from '../../src/contract/api'
import type { Language } from '../../src/contract/languages'
import { canonicalConsentText, CURRENT_TEXT_VERSION, type ShownScope } from '../../src/contract/records'
import { catalogueLookup } from '../../src/contract/scope-catalogue'
import { displayedScopeText } from '../../src/contract/scope-text'

/** The requested scopes' texts as a page in `language` displays them, in request order. */
export function displayedScopes(scopes: readonly Scope[], language: Language): ShownScope[] {
  return scopes.map((scope) => ({ scope: scope.scope, ...displayedScopeText(scope, language, catalogueLookup) }))
}

/** SHA-256 (hex) of the canonical form of what a page showed (src/contract/records.ts `canonicalConsentText`). */
export function shownTextsDigest(texts: {
  language: Language
  app_name: string
  scopes: readonly ShownScope[]
  separate_consent?: { words: readonly string[] } | null
}): string {
  return createHash('sha256').update(canonicalConsentText(texts, CURRENT_TEXT_VERSION), 'utf8').digest('hex')
}

/** The digest of what the consent page shows in each language, for its consent ticket. */
export function expectedDigests(appName: string, scopes: readonly Scope[]): Record<Language, string> {
  const digest = (language: Language) => shownTextsDigest({ language, app_name: appName, scopes: displayedScopes(scopes, language) })
  return { 'zh-CN': digest('zh-CN'), en: digest('en') }
}
