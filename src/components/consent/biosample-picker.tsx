import { memo, useDeferredValue, useEffectEvent, useId, useLayoutEffect, useMemo, useRef, useState, type ChangeEvent, type MouseEvent } from 'react'
import { useTranslation, type translate } from '@/lib/i18n'
import type { Biosample } from '@/contract/api'
import type { Language } from '@/contract/languages'
import { biosampleFieldValue, CONSENT_FIELDS, SAMPLES_SHOWN_ALL } from '@/contract/page-forms'
import { useTimeZone } from '@/lib/clock'
import { formatDate } from '@/lib/format'
import { Button } from '@/components/ui/button'
import { UpstreamText } from '@/components/ui/upstream-text'

/** A filter box appears once the list is longer than this. */
export const FILTER_THRESHOLD = 8

/**
 * A list longer than this starts collapsed: the server renders, and the page hydrates, only its
 * first COLLAPSED_ROWS rows and every chosen sample after them, with "Show all" below. Issue 17:
 * with 1,000 rows a phone (CPU ×4) spends about 1.4 s parsing, laying out and hydrating them (Lighthouse
 * 86, TBT 416 ms), while the page with 60 rows meets the budget (96, TBT 113 ms); so a collapsed
 * list stays well under 60 rows (unless many of its samples are chosen), and a list is not
 * collapsed at all for a button that would show only a handful more: over 40, at least 11 wait.
 */
export const COLLAPSE_ABOVE = 40

/**
 * The rows a collapsed list starts with: a phone shows about eight (a row is 4.25rem) below the
 * picker's head, so this is several screens, the first of them whole, for a fraction of the cost.
 */
export const COLLAPSED_ROWS = 30

/** Same ids in the same order: the selection did not change. */
function sameIds(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((id, index) => id === b[index])
}

// What the platform's integer sample statuses mean is not documented (reference/private-api
// README: "`status` is an integer"), so the page shows the number rather than guess a word that
// could mislead someone about their own samples. Name them here once the platform says.

interface BiosamplePickerProps {
  biosamples: Biosample[]
  /** Chosen biosample ids. */
  selected: readonly string[]
  onChange: (selected: string[]) => void
  /** A requested scope reads sample data: at least one sample must be chosen. */
  required: boolean
  disabled?: boolean
  /**
   * A long list shows every row from the start (the page again after "Show all" without script):
   * render data both sides share, so the hydrated list is the server's.
   */
  allShown?: boolean
}

/**
 * The user's biosamples as native checkboxes, with "Select all", a live count and, for long lists,
 * a filter and at first only some rows (COLLAPSE_ABOVE). Select all, the count and the filter cover
 * every sample, shown or not.
 *
 * Built to reach the next frame within 50 ms with a thousand samples (SPEC.md "Quality bars"):
 * every click is one `onChange`; rows are memoised with stable props and never re-render when the
 * selection changes, because their boxes are set from it directly and the list hears their
 * changes (below); the filter narrows the list in a deferred render that typing never waits for.
 */
export function BiosamplePicker({ biosamples, selected, onChange, required, disabled = false, allShown = false }: BiosamplePickerProps) {
  const { t, language } = useTranslation()
  const timeZone = useTimeZone()
  const [filter, setFilter] = useState('')
  // The list follows the filter in a render of its own, which React interrupts for the next key.
  const shownFilter = useDeferredValue(filter)
  const hintId = useId()
  const filterId = useId()
  const selectAllRef = useRef<HTMLInputElement>(null)
  // What the boxes are rendered checked with (the server's markup, and so the hydrated page's):
  // the selection the page starts with. After that the picker sets them (below), never React.
  const [initial] = useState(() => new Set(selected))
  // HTML can require a sample only when there is one box: `required` on one of several would
  // require that one. Otherwise the page's script and the server check it.
  const requiredBox = required && biosamples.length === 1

  const collapsible = biosamples.length > COLLAPSE_ABOVE
  // Script's "Show all" sets it; without script the button posts the form and the page comes back with `allShown`.
  const [expanded, setExpanded] = useState(allShown)
  // Samples a collapsed list shows wherever they are in it, so no chosen sample is out of sight:
  // those chosen at the first render (an earlier grant, a posted form: the server's markup), and
  // those chosen since, one at a time or from outside the picker (what this tab kept, restored after
  // hydration). Not Select all's, which would bring back every row; the count still says them.
  const [pinned, setPinned] = useState(() => new Set(selected))
  const [previous, setPrevious] = useState(selected)
  const [selectedByAll, setSelectedByAll] = useState<readonly string[] | null>(null)
  if (collapsible && !expanded && !sameIds(previous, selected)) {
    setPrevious(selected)
    if (!selectedByAll || !sameIds(selectedByAll, selected)) {
      const before = new Set(previous)
      const added = selected.filter((id) => !before.has(id) && !pinned.has(id))
      if (added.length > 0) setPinned(new Set([...pinned, ...added]))
    }
  }

  const chosen = new Set(selected)
  const needle = shownFilter.trim().toLocaleLowerCase()
  const visible = useMemo(
    () =>
      biosamples.length > FILTER_THRESHOLD && needle
        ? biosamples.filter((sample) =>
            [sample.biosample_id, sample.type, sample.project_name, t('consent.samples.statusUnknown', { status: sample.status })].some((field) =>
              field.toLocaleLowerCase().includes(needle),
            ),
          )
        : biosamples,
    [biosamples, needle, t],
  )
  // A filter shows every match; otherwise a collapsed list shows its first rows and the pinned ones, in list order.
  const collapsed = collapsible && !expanded && !needle
  const rows = useMemo(
    () => (collapsed ? visible.filter((sample, index) => index < COLLAPSED_ROWS || pinned.has(sample.biosample_id)) : visible),
    [collapsed, visible, pinned],
  )
  const visibleChosen = visible.reduce((count, sample) => (chosen.has(sample.biosample_id) ? count + 1 : count), 0)
  const allVisibleChosen = visible.length > 0 && visibleChosen === visible.length

  // The rows' boxes are set here rather than through a `checked` prop: React updates a controlled
  // input with several attribute writes, and Select all would make it do that a thousand times
  // (about 20 ms on a desktop CPU, several times that on a phone); setting `checked` on each box
  // is a fraction of it. After every render, so rows that mount (the filter widened) start right.
  const listRef = useRef<HTMLUListElement>(null)
  // The sample whose row takes the focus once "Show all" has rendered it.
  const focusAfterShowAll = useRef<string | null>(null)

  // The page is live only some time after its paint (src/main.tsx). Boxes ticked, Select all
  // pressed or a filter typed before then are the person's: taken up when the page hydrates,
  // before the effect below would set the boxes back to what the page was rendered with. (On a
  // page React built itself they match, and nothing happens.)
  const filterRef = useRef<HTMLInputElement>(null)
  const takeUpEarlyInput = useEffectEvent(() => {
    const typed = filterRef.current?.value ?? filter
    if (typed !== filter) setFilter(typed)
    const all = selectAllRef.current
    if (all && !all.disabled && all.checked !== allVisibleChosen) {
      toggleAllVisible(all.checked)
      return
    }
    const early = new Map<string, boolean>()
    for (const box of listRef.current?.querySelectorAll('input') ?? []) {
      const id = box.dataset['id'] ?? ''
      if (box.checked !== chosen.has(id)) early.set(id, box.checked)
    }
    if (early.size > 0) choose((id) => early.get(id))
  })
  useLayoutEffect(() => takeUpEarlyInput(), [])

  useLayoutEffect(() => {
    if (selectAllRef.current) selectAllRef.current.indeterminate = visibleChosen > 0 && !allVisibleChosen
    const focusOn = focusAfterShowAll.current
    focusAfterShowAll.current = null
    for (const box of listRef.current?.querySelectorAll('input') ?? []) {
      const on = chosen.has(box.dataset['id'] ?? '')
      if (box.checked !== on) box.checked = on
      if (focusOn !== null && box.dataset['id'] === focusOn) box.focus()
    }
  })

  /** Reports the new selection, in the list's order whatever order the boxes were ticked in; `change` says what becomes of a sample, undefined for no change. */
  function choose(change: (id: string) => boolean | undefined) {
    onChange(biosamples.map((s) => s.biosample_id).filter((id) => change(id) ?? chosen.has(id)))
  }

  // One handler for every row, on the list: rows then take no callback, so nothing about a
  // selection change makes them render again.
  function toggle(event: ChangeEvent<HTMLUListElement>) {
    const box = event.target
    if (box instanceof HTMLInputElement) choose((id) => (id === box.dataset['id'] ? box.checked : undefined))
  }

  function toggleAllVisible(on: boolean) {
    const visibleIds = new Set(visible.map((s) => s.biosample_id))
    const next = biosamples.map((s) => s.biosample_id).filter((id) => (visibleIds.has(id) ? on : chosen.has(id)))
    setSelectedByAll(next)
    onChange(next)
  }

  // With script the list grows in place. Without it (or before hydration) this is a submit of the
  // form, which the server answers with the page again, every row shown and the boxes as posted.
  function showAll(event: MouseEvent<HTMLButtonElement>) {
    event.preventDefault()
    // The button goes; the focus goes to the first row it brings, where reading the list goes on.
    const shown = new Set(rows.map((s) => s.biosample_id))
    focusAfterShowAll.current = biosamples.find((s) => !shown.has(s.biosample_id))?.biosample_id ?? null
    setExpanded(true)
  }

  if (biosamples.length === 0) {
    return (
      <section className="rounded-xl border border-dashed border-slate-300 bg-white px-4 py-5 dark:border-slate-700 dark:bg-slate-900">
        <h2 className="text-lg font-semibold">{t('consent.samples.legend')}</h2>
        <p className="mt-1 text-slate-700 dark:text-slate-300">{t('consent.samples.none')}</p>
        {required ? <p className="mt-1 text-sm text-slate-700 dark:text-slate-300">{t('consent.samples.noneRequired')}</p> : null}
      </section>
    )
  }

  return (
    <fieldset aria-describedby={hintId} disabled={disabled} className="min-w-0">
      <legend className="text-lg font-semibold">{t('consent.samples.legend')}</legend>
      <p id={hintId} className="mt-1 text-sm text-slate-700 dark:text-slate-300">
        {required ? t('consent.samples.hintRequired') : t('consent.samples.hintOptional')}
      </p>

      {biosamples.length > FILTER_THRESHOLD ? (
        <div className="mt-3">
          <label htmlFor={filterId} className="block text-sm font-medium">
            {t('consent.samples.filter')}
          </label>
          <input
            ref={filterRef}
            id={filterId}
            type="search"
            value={filter}
            onChange={(event) => setFilter(event.target.value)}
            autoComplete="off"
            className="mt-1 block min-h-target w-full rounded-lg border border-slate-400 bg-white px-3 py-2 text-base text-slate-900 dark:border-slate-500 dark:bg-slate-900 dark:text-slate-100"
          />
        </div>
      ) : null}

      <div className="mt-3 flex flex-wrap items-center justify-between gap-x-4">
        <label className="inline-flex min-h-target cursor-pointer items-center gap-3 font-medium">
          <input
            ref={selectAllRef}
            type="checkbox"
            checked={allVisibleChosen}
            disabled={visible.length === 0}
            onChange={(event) => toggleAllVisible(event.target.checked)}
            className="size-5 shrink-0 accent-brand-600"
          />
          {t('consent.samples.selectAll')}
        </label>
        <p role="status" aria-live="polite" aria-atomic="true" className="text-sm text-slate-700 dark:text-slate-300">
          {t('consent.samples.count', { count: chosen.size, total: biosamples.length })}
        </p>
      </div>

      {visible.length === 0 ? (
        <p className="mt-2 text-sm text-slate-700 dark:text-slate-300">{t('consent.samples.noMatch', { filter: shownFilter.trim() })}</p>
      ) : (
        <ul ref={listRef} onChange={toggle} className="mt-2 grid gap-2">
          {rows.map((sample) => (
            <SampleRow
              key={sample.biosample_id}
              sample={sample}
              t={t}
              language={language}
              timeZone={timeZone}
              initiallyChecked={initial.has(sample.biosample_id)}
              required={requiredBox}
            />
          ))}
        </ul>
      )}

      {/* Nothing to show all of when every sample is chosen, and so shown, already. */}
      {collapsible && !needle && (expanded || rows.length < biosamples.length) ? (
        <div className="mt-3 flex flex-wrap items-center justify-between gap-x-4 gap-y-2">
          {/* A live region from the first render, so "Show all" is heard as well as seen. */}
          <p role="status" aria-live="polite" aria-atomic="true" className="text-sm text-slate-700 dark:text-slate-300">
            {expanded
              ? t('consent.samples.shownAll', { total: biosamples.length })
              : t('consent.samples.shown', { shown: rows.length, total: biosamples.length })}
          </p>
          {expanded ? null : (
            <Button
              type="submit"
              name={CONSENT_FIELDS.samplesShown}
              value={SAMPLES_SHOWN_ALL}
              // Not a decision: the form's constraints (a required sample, the genetic step) are for Authorize.
              formNoValidate
              variant="secondary"
              className="w-full sm:w-auto"
              onClick={showAll}
            >
              {t('consent.samples.showAll', { total: biosamples.length })}
            </Button>
          )}
        </div>
      ) : null}
    </fieldset>
  )
}

interface SampleRowProps {
  sample: Biosample
  t: typeof translate
  language: Language
  /** The zone its date is shown in (src/lib/clock.tsx). */
  timeZone: string
  /** Checked in the markup: the page's starting selection. */
  initiallyChecked: boolean
  required: boolean
}

// `content-visibility: auto`: the browser skips style, layout and paint of rows off screen, so
// ticking a thousand boxes restyles only the few in view; unlike virtualisation every row stays
// in the page, for screen readers and find-in-page. The block size stands in for a row not yet
// drawn (`auto` then remembers its real one), so the scroll bar stays roughly right.
const ROW_CLASS = '[content-visibility:auto] [contain-intrinsic-block-size:auto_4.25rem]'

/**
 * One sample; its props change only with the sample, the language or the zone, so it renders about once.
 * Whether its box is checked is the picker's to set, and the list hears its changes (see there).
 */
const SampleRow = memo(function SampleRow({ sample, t, language, timeZone, initiallyChecked, required }: SampleRowProps) {
  const id = sample.biosample_id
  const date = formatDate(sample.sample_time, language, timeZone)
  return (
    <li className={ROW_CLASS}>
      <label className="grid min-h-target cursor-pointer grid-cols-[auto_minmax(0,1fr)] items-start gap-x-3 rounded-lg border border-slate-200 bg-white px-3 py-3 has-checked:border-brand-600 has-checked:bg-brand-50 dark:border-slate-700 dark:bg-slate-900 dark:has-checked:border-brand-100 dark:has-checked:bg-slate-800">
        <input
          type="checkbox"
          // Posted by the consent form without script: the platform needs the sample's id and type.
          name={CONSENT_FIELDS.biosample}
          value={biosampleFieldValue(sample)}
          data-id={id}
          defaultChecked={initiallyChecked}
          required={required}
          className="row-span-2 mt-0.5 size-5 shrink-0 accent-brand-600"
        />
        <span className="font-mono text-sm font-medium break-all">{id}</span>{' '}
        <span className="text-sm text-slate-700 dark:text-slate-300">
          {[sample.type, t('consent.samples.statusUnknown', { status: sample.status }), date ? t('consent.samples.sampledOn', { date }) : '']
            .filter(Boolean)
            .join(' · ')}
          {sample.project_name ? (
            <>
              {' · '}
              <UpstreamText>{sample.project_name}</UpstreamText>
            </>
          ) : null}
        </span>
      </label>
    </li>
  )
})
