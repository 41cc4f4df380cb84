// The form in progress, per consent flow, kept in sessionStorage so it survives the trip to the
// sign-in page (40008) and a reload, and so that coming back after a decision never decides again.
// UI state only: no ticket, code or redirect target is ever stored (SPEC.md "Security").
import { useEffect } from 'react'
import { z } from 'zod/mini'
import { create } from 'zustand'
import type { Decision } from '@/components/consent/consent-actions'

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

// What sessionStorage holds, checked on the way in like any other input. The `{ state, version }`
// wrapper is the format of zustand's persist middleware, which this store used before, so a flow
// in progress across a deploy keeps its selection. The middleware gave way to these few lines
// for consent's first load: it was 0.7 KB gzip of a 135 KB budget that had no margin left.
const storedSchema = z.object({
  state: z.object({
    flows: z.record(z.string(), z.object({ selected: z.optional(z.array(z.string())), decided: z.optional(z.string()) })),
  }),
  version: z.int(),
})

const DECISIONS = ['authorize', 'deny'] as const satisfies readonly Decision[]

function readFlows(): Record<string, FlowState> {
  try {
    const stored = storedSchema.safeParse(JSON.parse(sessionStorage.getItem(STORAGE_KEY) ?? 'null'))
    if (!stored.success) return {}
    // `decided` names a message key, so only a known decision is kept; checked here because
    // z.enum would add 0.3 KB to the same first load.
    return Object.fromEntries(
      Object.entries(stored.data.state.flows).map(([flow, { selected, decided }]) => [flow, { selected, decided: DECISIONS.find((known) => known === decided) }]),
    )
  } catch {
    // Storage blocked by the browser, or not JSON: start afresh, as on a first visit.
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
  useEffect(restoreStoredFlows, [])
}

/** What useStoredFlows does, once per page load. */
export function restoreStoredFlows(): void {
  if (restored) return
  restored = true
  useSelectionStore.setState((state) => ({ flows: { ...readFlows(), ...state.flows } }))
}

useSelectionStore.subscribe(({ flows }) => {
  try {
    sessionStorage.setItem(STORAGE_KEY, JSON.stringify({ state: { flows }, version: 1 }))
  } catch {
    // Storage blocked or full: the form still works, it just will not survive a reload.
  }
})
