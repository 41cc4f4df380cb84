// The form in progress, per consent flow, kept in sessionStorage so it survives the trip to the
// sign-in page (40008) and a reload, and so that coming back after a decision never decides again.
// UI state only: no ticket, code or redirect target is ever stored (SPEC.md "Security").
import { create } from 'zustand'
import { createJSONStorage, persist } from 'zustand/middleware'
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

export const useSelectionStore = create<SelectionStore>()(
  persist(
    (set) => ({
      flows: {},
      setSelected: (flow, selected) => set((state) => ({ flows: update(state.flows, flow, { selected }) })),
      markDecided: (flow, decision) => set((state) => ({ flows: update(state.flows, flow, { decided: decision }) })),
      clearDecided: (flow) => set((state) => ({ flows: update(state.flows, flow, { decided: undefined }) })),
    }),
    {
      name: 'bge-consent-flows',
      version: 1,
      storage: createJSONStorage(() => sessionStorage),
      partialize: (state) => ({ flows: state.flows }),
    },
  ),
)
