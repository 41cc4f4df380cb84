// What the consent page displays, as the BFF knows it: the platform's scope texts and the SPA's
// catalogues, put through the page's own rules (src/contract/scope-text.ts, and for genetic scopes
// src/contract/separate-consent.ts). Hashed into the consent ticket when the page is served, and
// recomputed when it decides (server/consent/decide.ts): only texts that hash the same are recorded
// as the truth about the screen (SPEC.md "Consent records").
import { createHash } from 'node:crypto'
import type { Scope } from '../../src/contract/api'
import type { Language } from '../../src/contract/languages'
import { canonicalConsentText, CURRENT_TEXT_VERSION, type ShownScope } from '../../src/contract/records'
import { catalogueLookup } from '../../src/contract/scope-catalogue'
import { displayedScopeText } from '../../src/contract/scope-text'
import { needsSeparateConsent, separateConsentWords } from '../../src/contract/separate-consent'
import { catalogueWordsFormat } from '../../src/contract/separate-consent-catalogue'

/** The requested scopes' texts as a page in `language` displays them, in request order. */
export function displayedScopes(scopes: readonly Scope[], language: Language): ShownScope[] {
  return scopes.map((scope) => ({ scope: scope.scope, ...displayedScopeText(scope, language, catalogueLookup) }))
}

/**
 * The separate consent's words as a page in `language` displays them for an app (its name and
 * description) granted `shown` (displayedScopes' texts), or null when no scope needs the step.
 */
export function displayedSeparateConsent(language: Language, app: { name: string; description: string }, shown: readonly ShownScope[]): { words: string[] } | null {
  const geneticScopes = shown.filter((scope) => needsSeparateConsent(scope.scope))
  if (geneticScopes.length === 0) return null
  return { words: separateConsentWords({ appName: app.name, appDescription: app.description, geneticScopes }, catalogueWordsFormat(language)) }
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

/**
 * The digest of what the consent page shows in each language, for its consent ticket: the scopes'
 * texts and, with a genetic scope, the separate consent's words (which quote the app's description,
 * so a description changed since the page was shown fails the decision's check like a scope text).
 */
export function expectedDigests(app: { name: string; description: string }, scopes: readonly Scope[]): Record<Language, string> {
  const digest = (language: Language) => {
    const shown = displayedScopes(scopes, language)
    return shownTextsDigest({ language, app_name: app.name, scopes: shown, separate_consent: displayedSeparateConsent(language, app, shown) })
  }
  return { 'zh-CN': digest('zh-CN'), en: digest('en') }
}
