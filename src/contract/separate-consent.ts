// The separate consent for genetic data (SPEC.md "Consent page"; issue 19): PIPL Art. 28–30 make
// genetic data sensitive personal information, which needs a consent of its own, and the Human
// Genetic Resources Regulations Art. 12 name what the person must be told first. One rule for the
// consent page (which shows the step), the developer preview (which says what triggers it) and the
// BFF (which recomputes the exact words, hashes them into the ticket and the record, and refuses an
// authorize without them). Browser-safe and small: it is on the consent page's first load.
import { scopeTier, type ScopeTier } from './scopes'

/** Tiers whose scopes need the step: genetic (`variant.*`), whatever else the scope does. */
export const SEPARATE_CONSENT_TIERS: readonly ScopeTier[] = ['genetic']

export function needsSeparateConsent(scope: string): boolean {
  return SEPARATE_CONSENT_TIERS.includes(scopeTier(scope))
}

/** The catalogue keys of the step's words (section `separateConsent.words` of both locale files). */
export type SeparateConsentKey = `separateConsent.words.${'agree' | 'purpose' | 'purposeNone' | 'reads' | 'scope' | 'scopeSeparator' | 'means' | 'protection' | 'withdraw'}`

/**
 * A catalogue message of one language with its `{placeholders}` filled. The page passes its i18n
 * `t` (whose I18nScope may hold the preview's language); the BFF reads the locale files raw
 * (separate-consent-catalogue.ts). Their messages are plain placeholders only, so both give the
 * same bytes (tested).
 */
export type WordsFormat = (key: SeparateConsentKey, values?: Record<string, string>) => string

/** One of the step's words: its message and the values in it, which are all the app's own texts. */
export interface SeparateConsentLine {
  key: SeparateConsentKey
  values: Record<string, string>
}

export interface SeparateConsentInput {
  appName: string
  /** The app's description as the platform gives it; blank means the app gave none. */
  appDescription: string
  /** The granted genetic scopes' texts as the page displays them, in the app's order. */
  geneticScopes: readonly { title: string; message: string }[]
}

/**
 * The step's words, in the order shown: the checkbox's label, then the five notice items (what
 * for, what it can read, what it can mean, how it is protected, how to withdraw). The purpose is
 * the app's own description, quoted as its words: the portal cannot vouch for it.
 */
export function separateConsentLines(input: SeparateConsentInput, format: WordsFormat): SeparateConsentLine[] {
  const name = input.appName
  const scopes = input.geneticScopes
    .map((scope) => (scope.message ? format('separateConsent.words.scope', { title: scope.title, message: scope.message }) : scope.title))
    .join(format('separateConsent.words.scopeSeparator'))
  return [
    { key: 'separateConsent.words.agree', values: { name } },
    input.appDescription.trim()
      ? { key: 'separateConsent.words.purpose', values: { name, description: input.appDescription } }
      : { key: 'separateConsent.words.purposeNone', values: { name } },
    { key: 'separateConsent.words.reads', values: { scopes } },
    { key: 'separateConsent.words.means', values: {} },
    { key: 'separateConsent.words.protection', values: { name } },
    { key: 'separateConsent.words.withdraw', values: { name } },
  ]
}

/** The exact strings the step shows, as records keep them (`separate_consent.words`) and hash them. */
export function separateConsentWords(input: SeparateConsentInput, format: WordsFormat): string[] {
  return separateConsentLines(input, format).map((line) => format(line.key, line.values))
}
