// Route actions for the pages' own forms (SPEC.md: the consent decision and revoke work without
// JavaScript). Only the server runs them: the BFF renders a form's POST with the route's action,
// which hands the request to the handler the BFF put in the render's requestContext
// (server/pages/spa.ts → server/consent/form-actions.ts). In the browser the forms are enhanced by
// script and never submitted through the router. Free of `@/` imports: the BFF imports its types.
import { data, type ActionFunction } from 'react-router'
import type { FormActionData } from '../contract/page-forms'

/** What a form's handler answers: a redirect to follow, or the page again with this data and status. */
export type FormAnswer = Response | { data: FormActionData; status: number }

/** The render's requestContext, as the BFF gives it. */
export interface FormActionContext {
  formActions: Record<'consent' | 'revoke', (request: Request) => Promise<FormAnswer>>
}

function formActionsOf(context: unknown): FormActionContext['formActions'] | undefined {
  if (typeof context !== 'object' || context === null || !('formActions' in context)) return undefined
  return (context as FormActionContext).formActions
}

/** The action of a page whose form `name` posts to it. */
export function formAction(name: keyof FormActionContext['formActions']): ActionFunction {
  return async ({ request, context }) => {
    const actions = formActionsOf(context)
    // Never in the browser, whose forms go to the JSON API; a POST without the server's handlers
    // is not one the page can answer.
    if (!actions) throw data(null, { status: 405 })
    const answer = await actions[name](request)
    return answer instanceof Response ? answer : data(answer.data, { status: answer.status })
  }
}
