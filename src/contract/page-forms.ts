// The pages' own forms, which work without JavaScript (SPEC.md "Consent page", "Grants page"): the
// field names the page renders and the BFF reads, and what a form's action hands back to the page
// when it does not send the person elsewhere. Browser-safe, free of `@/` imports (the BFF imports
// this file by relative path).

/**
 * The consent form's fields. Its request fields are the page URL's own query, which the form posts back to.
 * `samplesShown` is the picker's "Show all" button (SAMPLES_SHOWN_ALL): a submit that decides nothing,
 * so it is a field of its own and `decision` is only ever `authorize` or `deny`.
 */
export const CONSENT_FIELDS = {
  ticket: 'ticket',
  language: 'language',
  decision: 'decision',
  biosample: 'biosample',
  separateConsent: 'separate_consent',
  samplesShown: 'samples_shown',
} as const

/** The "Show all" button's value: the page again with every sample's row, the boxes as they were posted. */
export const SAMPLES_SHOWN_ALL = 'all'

/** The separate consent checkbox's value (src/contract/separate-consent.ts): posted only when ticked. */
export const SEPARATE_CONSENT_AGREE = 'agree'

/** A biosample checkbox's value: the sample's id and type, as the platform needs both. */
export function biosampleFieldValue(sample: { biosample_id: string; type: string }): string {
  return JSON.stringify([sample.biosample_id, sample.type])
}

/** The sample a checkbox's value names, or undefined for a value the page never renders. */
export function parseBiosampleFieldValue(value: string): { biosample_id: string; type: string } | undefined {
  try {
    const parsed: unknown = JSON.parse(value)
    if (Array.isArray(parsed) && parsed.length === 2 && typeof parsed[0] === 'string' && parsed[0] !== '' && typeof parsed[1] === 'string') {
      return { biosample_id: parsed[0], type: parsed[1] }
    }
  } catch {
    // Not JSON: not a value the page renders.
  }
  return undefined
}

/**
 * What a form's action gives its page when the answer is the page again: a refusal with its reason
 * (the BFF's error code and status, the samples that were chosen so they stay chosen), every sample
 * shown ("Show all" without script, the chosen ones still chosen), or, for a mini program (whose page
 * path no browser can follow), that the decision was made.
 */
export type FormActionData =
  | { kind: 'refused'; status: number; code: string; message: string; details?: Record<string, string>; selected: string[] }
  | { kind: 'allSamplesShown'; selected: string[] }
  | { kind: 'answered'; decision: 'authorize' | 'deny' }

/** The grants page's query after a revoke made by the revoke page's form: whose, and how it ended. */
export const REVOKE_STATUS = { clientId: 'revoked', outcome: 'outcome' } as const
export const REVOKE_OUTCOMES = ['revoked', 'failed', 'unknown'] as const
export type RevokeOutcome = (typeof REVOKE_OUTCOMES)[number]

/** Where the revoke page's form sends the person back to: the grants page, saying how it went. */
export function revokeStatusPath(grantsPath: string, clientId: string, outcome: RevokeOutcome): string {
  return `${grantsPath}?${new URLSearchParams({ [REVOKE_STATUS.clientId]: clientId, [REVOKE_STATUS.outcome]: outcome })}`
}
