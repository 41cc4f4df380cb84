// Writing consent records (SPEC.md "Consent records"): each decision's record is written before the
// decision is made upstream, and taken back if the platform does not make it, so a record exists
// exactly for the decisions that happened. A record that cannot be written stops the decision.
import type { BiosampleRef } from '../../src/contract/api'
import type { ConsentRecord, ShownScope } from '../../src/contract/records'
import { scopeTier } from '../../src/contract/scopes'
import type { BffDeps } from '../deps'
import { shownTextsDigest } from './shown-texts'
import { StoreUnavailableError } from '../store/portal-store'

/** A record as the routes know it: the store adds its id and time, the tiers and the hash come from the texts. */
export type RecordInput = Omit<ConsentRecord, 'id' | 'at' | 'text_sha256' | 'scopes' | 'biosamples'> & {
  scopes: readonly ShownScope[]
  biosamples: readonly BiosampleRef[]
}

/** Writes the record of a decision about to be made; any store failure is a 503 (no decision without its record). */
export async function writeDecisionRecord(deps: BffDeps, input: RecordInput): Promise<ConsentRecord> {
  const scopes = input.scopes.map(({ scope, title, message }) => ({ scope, title, message, tier: scopeTier(scope) }))
  try {
    return await deps.store.writeRecord({
      ...input,
      at: new Date().toISOString(),
      scopes,
      biosamples: input.biosamples.map(({ biosample_id, type }) => ({ biosample_id, type })),
      text_sha256: shownTextsDigest({ language: input.language, app_name: input.app_name, scopes }),
    })
  } catch (error) {
    throw error instanceof StoreUnavailableError ? error : new StoreUnavailableError(error)
  }
}

/**
 * Runs the upstream side of a decision whose record is written; if it fails, the record is taken
 * back (the decision did not happen) and the failure goes on to the person.
 */
export async function withRecord<T>(deps: BffDeps, record: ConsentRecord, decide: () => Promise<T>): Promise<T> {
  try {
    return await decide()
  } catch (error) {
    await deps.store.deleteRecord(record.user_id, record.id).catch((undo: unknown) => {
      // Left behind, it would claim a decision that was not made: say so where an operator looks.
      deps.log(`error: record ${record.id} of a failed ${record.decision} could not be taken back: ${undo instanceof Error ? undo.message : String(undo)}`)
    })
    throw error
  }
}
