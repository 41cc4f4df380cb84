import { beforeEach, describe, expect, test, vi } from 'vitest'

const KEY = 'bge-consent-flows'

/** The store as a new page load finds it once hydrated: storage is read once, after the first render. */
async function freshStore() {
  vi.resetModules()
  const { useSelectionStore, restoreStoredFlows } = await import('./selection-store')
  await restoreStoredFlows()
  return useSelectionStore
}

beforeEach(() => {
  sessionStorage.clear()
})

describe('selection store', () => {
  test('empty until restored, as on the server: the first render in the browser is the server’s', async () => {
    sessionStorage.setItem(KEY, JSON.stringify({ state: { flows: { f: { selected: ['E-2'] } } }, version: 1 }))
    vi.resetModules()
    const { useSelectionStore, restoreStoredFlows } = await import('./selection-store')
    expect(useSelectionStore.getState().flows).toEqual({})
    await restoreStoredFlows()
    expect(useSelectionStore.getState().flows).toEqual({ f: { selected: ['E-2'] } })
  })

  test('what the person does while storage is being checked wins, and nothing stored is lost', async () => {
    sessionStorage.setItem(KEY, JSON.stringify({ state: { flows: { f: { selected: ['E-2'] }, g: { decided: 'deny' } } }, version: 1 }))
    vi.resetModules()
    const { useSelectionStore, restoreStoredFlows } = await import('./selection-store')
    const restoring = restoreStoredFlows()
    useSelectionStore.getState().setSelected('f', ['E-9'])
    await restoring
    expect(useSelectionStore.getState().flows).toEqual({ f: { selected: ['E-9'] }, g: { decided: 'deny' } })
    expect(JSON.parse(sessionStorage.getItem(KEY) ?? 'null').state.flows).toEqual({ f: { selected: ['E-9'] }, g: { decided: 'deny' } })
  })

  test('a first visit (nothing stored) loads no schemas', async () => {
    vi.resetModules()
    const loadSchemas = vi.fn()
    vi.doMock('@/lib/load-schemas', () => ({ loadSchemas }))
    const { useSelectionStore, restoreStoredFlows } = await import('./selection-store')
    await restoreStoredFlows()
    expect(loadSchemas).not.toHaveBeenCalled()
    expect(useSelectionStore.getState().flows).toEqual({})
    vi.doUnmock('@/lib/load-schemas')
  })

  test('what one page load stores, the next one reads', async () => {
    const first = await freshStore()
    first.getState().setSelected('flow-a', ['E-1', 'E-3'])
    first.getState().markDecided('flow-b', 'deny')
    const next = await freshStore()
    expect(next.getState().flows).toEqual({ 'flow-a': { selected: ['E-1', 'E-3'] }, 'flow-b': { decided: 'deny' } })
  })

  test('reads the format of zustand’s persist middleware, which wrote it before', async () => {
    sessionStorage.setItem(KEY, JSON.stringify({ state: { flows: { f: { selected: ['E-2'], decided: 'authorize' } } }, version: 1 }))
    const store = await freshStore()
    expect(store.getState().flows).toEqual({ f: { selected: ['E-2'], decided: 'authorize' } })
    store.getState().clearDecided('f')
    expect(JSON.parse(sessionStorage.getItem(KEY) ?? 'null')).toEqual({ state: { flows: { f: { selected: ['E-2'] } } }, version: 1 })
  })

  test.each([
    ['not JSON', '{oops'],
    ['another shape', JSON.stringify({ flows: { f: { selected: ['E-2'] } } })],
    ['ids that are not strings', JSON.stringify({ state: { flows: { f: { selected: [1, 2] } } }, version: 1 })],
  ])('%s: starts afresh', async (_name, stored) => {
    sessionStorage.setItem(KEY, stored)
    expect((await freshStore()).getState().flows).toEqual({})
  })

  test('an unknown decision is dropped, the selection kept', async () => {
    sessionStorage.setItem(KEY, JSON.stringify({ state: { flows: { f: { selected: ['E-2'], decided: 'maybe' } } }, version: 1 }))
    expect((await freshStore()).getState().flows.f).toEqual({ selected: ['E-2'], decided: undefined })
  })

  test('keeps the newest 20 flows', async () => {
    const store = await freshStore()
    for (let i = 0; i < 25; i += 1) store.getState().setSelected(`flow-${i}`, [])
    const flows = Object.keys(JSON.parse(sessionStorage.getItem(KEY) ?? 'null').state.flows)
    expect(flows).toHaveLength(20)
    expect(flows[0]).toBe('flow-5')
    expect(flows.at(-1)).toBe('flow-24')
  })
})
