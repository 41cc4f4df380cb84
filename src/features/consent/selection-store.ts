// The form in progress, per consent flow, kept in sessionStorage so it survives the trip to the
// sign-in page (40008) and a reload, and so that coming back after a decision never decides again.
// UI state only: no ticket, code or redirect target is ever stored (SPEC.md "Security").
import { useEffect } from 'react'
import { create } from 'zustand'
import type { Decision } from '@/components/consent/consent-actions'
import { loadSchemas } from '@/lib/load-schemas'

interface FlowState {
  /** Biosample ids the user chose; absent until they touch the picker (the defaults apply then). */
  selected?: string[]
  /** Set once a decision was sent: the page then says so instead of offering the form again. */
  decided?: Decision
}

interface SelectionStore {
  flows: Record<string, FlowState>
  setSelected: (flow: string, selected: string[]) => void
  markDecided: (flow: string, decision: Decision) => void
  /** "Review again": the form comes back, with the selection kept. */
  clearDecided: (flow: string) => void
}

const MAX_FLOWS = 20

function update(flows: Record<string, FlowState>, flow: string, change: FlowState): Record<string, FlowState> {
  const { [flow]: current, ...others } = flows
  // Newest last; the oldest flows go once there are many, so sessionStorage stays small.
  const kept = Object.entries(others).slice(-(MAX_FLOWS - 1))
  return { ...Object.fromEntries(kept), [flow]: { ...current, ...change } }
}

const STORAGE_KEY = 'bge-consent-flows'

const DECISIONS = ['authorize', 'deny'] as const satisfies readonly Decision[]

/**
 * What sessionStorage holds, checked on the way in like any other input (storedFlowsSchema in
 * src/lib/schemas.ts, loaded only when there is something to check: a first visit loads no zod).
 */
async function parseFlows(stored: string): Promise<Record<string, FlowState>> {
  try {
    const { safeParse, storedFlowsSchema } = await loadSchemas()
    const parsed = safeParse(storedFlowsSchema, JSON.parse(stored))
    if (!parsed.success) return {}
    // `decided` names a message key, so only a known decision is kept.
    return Object.fromEntries(
      Object.entries(parsed.data.state.flows).map(([flow, { selected, decided }]) => [flow, { selected, decided: DECISIONS.find((known) => known === decided) }]),
    )
  } catch {
    // Not JSON, or the schemas did not arrive: start afresh, as on a first visit.
    return {}
  }
}

export const useSelectionStore = create<SelectionStore>()((set) => ({
  // Empty until the page has hydrated: the server has no storage, and the browser's first render
  // must be the server's (useStoredFlows reads storage in an effect, then the page catches up).
  flows: {},
  setSelected: (flow, selected) => set((state) => ({ flows: update(state.flows, flow, { selected }) })),
  markDecided: (flow, decision) => set((state) => ({ flows: update(state.flows, flow, { decided: decision }) })),
  clearDecided: (flow) => set((state) => ({ flows: update(state.flows, flow, { decided: undefined }) })),
}))

let restored = false

/**
 * Brings back the flows this tab kept, once per page load, after the first render: mounted by the
 * consent page. What the person did since the page started wins over what storage remembers.
 */
export function useStoredFlows(): void {
  useEffect(() => void restoreStoredFlows(), [])
}

/**
 * What useStoredFlows does, once per page load. Storage is read at once (before the person can
 * change anything, which would overwrite it) and merged when it has been checked.
 */
export async function restoreStoredFlows(): Promise<void> {
  if (restored) return
  restored = true
  let stored: string | null
  try {
    stored = sessionStorage.getItem(STORAGE_KEY)
  } catch {
    // Storage blocked by the browser: start afresh, as on a first visit.
    return
  }
  if (stored === null) return
  const flows = await parseFlows(stored)
  useSelectionStore.setState((state) => ({ flows: { ...flows, ...state.flows } }))
}

useSelectionStore.subscribe(({ flows }) => {
  try {
    sessionStorage.setItem(STORAGE_KEY, JSON.stringify({ state: { flows }, version: 1 }))
  } catch {
    // Storage blocked or full: the form still works, it just will not survive a reload.
  }
})
