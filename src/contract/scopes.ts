// What a scope name implies, shared by the consent page, the preview checklist and the BFF.

/** Scopes that read a user's sample data: asking for one means at least one sample must be chosen. */
const SAMPLE_DATA_PREFIXES = ['sample.', 'variant.', 'abundance.', 'survey.', 'data_item.'] as const

export function readsSampleData(scope: string): boolean {
  if (scope === 'model.default') return true
  return SAMPLE_DATA_PREFIXES.some((prefix) => scope.startsWith(prefix))
}

export function isWriteScope(scope: string): boolean {
  return scope.endsWith(':write')
}

export function isGenomicScope(scope: string): boolean {
  return scope.startsWith('variant.')
}

/**
 * How much a scope can reveal or change, highest first (SPEC.md "Scopes in plain words, by risk").
 * Consent records store these names: never rename one.
 */
export const SCOPE_TIERS = ['genetic', 'changes', 'health', 'basic'] as const
export type ScopeTier = (typeof SCOPE_TIERS)[number]

/**
 * The one tier a scope sits in: the highest that applies, so `variant.*:write` is genetic (a
 * genome cannot be changed like a password, which outweighs that the app may also write).
 * `health` covers `survey.`, `abundance.`, `model.default`, `data_item.` and `service.file:read`,
 * and also every scope the portal does not know: the safe assumption is that it reads something
 * sensitive, since calling it basic could tell the person less than is true.
 */
export function scopeTier(scope: string): ScopeTier {
  if (isGenomicScope(scope)) return 'genetic'
  if (isWriteScope(scope)) return 'changes'
  if (scope.startsWith('profile.') || scope === 'sample.default:read') return 'basic'
  return 'health'
}

/** Splits the `scope` parameter as RFC 6749 §3.3 does: space-delimited, duplicates ignored. */
export function parseScopeParam(scope: string | null | undefined): string[] | undefined {
  if (scope == null || scope.trim() === '') return undefined
  return [...new Set(scope.split(/[ \t\n\r\f]+/).filter(Boolean))]
}
