import { useEffect, useId, useRef, useState } from 'react'
import { useTranslation } from '@/lib/i18n'
import type { Biosample } from '@/contract/api'
import { formatDate } from '@/lib/format'

/** A filter box appears once the list is longer than this. */
export const FILTER_THRESHOLD = 8

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
}

/** The user's biosamples as native checkboxes, with "Select all", a live count and, for long lists, a filter. */
export function BiosamplePicker({ biosamples, selected, onChange, required, disabled = false }: BiosamplePickerProps) {
  const { t, language } = useTranslation()
  const lang = language
  const [filter, setFilter] = useState('')
  const hintId = useId()
  const filterId = useId()
  const selectAllRef = useRef<HTMLInputElement>(null)

  const chosen = new Set(selected)
  const needle = filter.trim().toLocaleLowerCase()
  const visible =
    biosamples.length > FILTER_THRESHOLD && needle
      ? biosamples.filter((sample) =>
          [sample.biosample_id, sample.type, sample.project_name, statusText(sample.status)].some((field) =>
            field.toLocaleLowerCase().includes(needle),
          ),
        )
      : biosamples
  const visibleChosen = visible.filter((sample) => chosen.has(sample.biosample_id)).length
  const allVisibleChosen = visible.length > 0 && visibleChosen === visible.length

  useEffect(() => {
    if (selectAllRef.current) selectAllRef.current.indeterminate = visibleChosen > 0 && !allVisibleChosen
  }, [visibleChosen, allVisibleChosen])

  function statusText(status: number): string {
    return t('consent.samples.statusUnknown', { status })
  }

  function toggle(id: string, on: boolean) {
    // Keep the list's order, whatever order the boxes were ticked in.
    onChange(biosamples.map((s) => s.biosample_id).filter((candidate) => (candidate === id ? on : chosen.has(candidate))))
  }

  function toggleAllVisible(on: boolean) {
    const visibleIds = new Set(visible.map((s) => s.biosample_id))
    onChange(biosamples.map((s) => s.biosample_id).filter((id) => (visibleIds.has(id) ? on : chosen.has(id))))
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
        <p className="mt-2 text-sm text-slate-700 dark:text-slate-300">{t('consent.samples.noMatch', { filter: filter.trim() })}</p>
      ) : (
        <ul className="mt-2 grid gap-2">
          {visible.map((sample) => {
            const date = formatDate(sample.sample_time, lang)
            return (
              <li key={sample.biosample_id}>
                <label className="grid min-h-target cursor-pointer grid-cols-[auto_minmax(0,1fr)] items-start gap-x-3 rounded-lg border border-slate-200 bg-white px-3 py-3 has-checked:border-brand-600 has-checked:bg-brand-50 dark:border-slate-700 dark:bg-slate-900 dark:has-checked:border-brand-100 dark:has-checked:bg-slate-800">
                  <input
                    type="checkbox"
                    checked={chosen.has(sample.biosample_id)}
                    onChange={(event) => toggle(sample.biosample_id, event.target.checked)}
                    className="row-span-2 mt-0.5 size-5 shrink-0 accent-brand-600"
                  />
                  <span className="font-mono text-sm font-medium break-all">{sample.biosample_id}</span>{' '}
                  <span className="text-sm text-slate-700 dark:text-slate-300">
                    {[sample.type, statusText(sample.status), date ? t('consent.samples.sampledOn', { date }) : '', sample.project_name]
                      .filter(Boolean)
                      .join(' · ')}
                  </span>
                </label>
              </li>
            )
          })}
        </ul>
      )}
    </fieldset>
  )
}
