// "What changed since you last agreed" (SPEC.md "Consent page", issue 19): the consent page's
// comparison of what it asks now with the person's latest granted authorize of the same app. The
// BFF makes it with the application (server/consent/since-last.ts); the page shows it above the
// scopes. Browser-safe. Not built on api.ts's schemas: api.ts embeds this one, and a cycle between
// the two modules would leave one of them undefined while the other loads.
import { z } from 'zod/mini'
import { SUPPORTED_LANGUAGES } from './languages'

const scopeWordsSchema = z.object({ title: z.string(), message: z.string() })

/** A scope with its words: as the platform registers it now (added), or as recorded then (removed). */
const wordedScopeSchema = z.object({ scope: z.string(), title: z.string(), message: z.string() })

export const sinceLastSchema = z.discriminatedUnion('status', [
  /**
   * The portal store did not answer in time (or who is signed in could not be read): the page says
   * it cannot show what changed, rather than failing or claiming nothing did.
   */
  z.object({ status: z.literal('unavailable') }),
  z.object({
    status: z.literal('compared'),
    /** The id of the latest granted authorize: the receipt the page compares against (and links to). */
    receipt: z.string(),
    /** When it was made (ISO-8601 UTC). */
    at: z.iso.datetime(),
    /**
     * The language that authorize's page was shown in. Words are compared in it: what the page
     * shows now in that language against what was recorded then, so a page read in another
     * language today does not make every text look changed. `then`, `now` and `removed` are in it.
     */
    language: z.enum(SUPPORTED_LANGUAGES),
    /**
     * Granted now and not then, in the app's order, with the platform's words: the page displays
     * them by its own rule in its own language, exactly as the scope list below does.
     */
    added: z.array(wordedScopeSchema),
    /** Granted then and not now, in the words recorded then. */
    removed: z.array(wordedScopeSchema),
    /** Granted both times, with words that differ: as recorded then, and as shown now (both in `language`). */
    changed: z.array(z.object({ scope: z.string(), then: scopeWordsSchema, now: scopeWordsSchema })),
    /** The samples shared then; what will be shared now is what the picker holds. */
    samples_then: z.array(z.object({ biosample_id: z.string(), type: z.string() })),
  }),
])
export type SinceLast = z.infer<typeof sinceLastSchema>
export type SinceLastCompared = Extract<SinceLast, { status: 'compared' }>

