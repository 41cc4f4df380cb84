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

/** Splits the `scope` parameter as RFC 6749 §3.3 does: space-delimited, duplicates ignored. */
export function parseScopeParam(scope: string | null | undefined): string[] | undefined {
  if (scope == null || scope.trim() === '') return undefined
  return [...new Set(scope.split(/[ \t\n\r\f]+/).filter(Boolean))]
}
