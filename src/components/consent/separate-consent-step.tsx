import { useId, type Ref } from 'react'
import { useTranslation } from '@/lib/i18n'
import { useScopeText } from './scope-text'
import type { Scope } from '@/contract/api'
import { CONSENT_FIELDS, SEPARATE_CONSENT_AGREE } from '@/contract/page-forms'
import { needsSeparateConsent, separateConsentLines } from '@/contract/separate-consent'
import { UpstreamMessage } from '@/components/ui/upstream-text'

/** Whether a decision on `scopes` needs the separate consent for genetic data. */
export function needsSeparateStep(scopes: readonly Scope[]): boolean {
  return scopes.some((scope) => needsSeparateConsent(scope.scope))
}

interface SeparateConsentStepProps {
  app: { name: string; description: string }
  /** What a decision grants; the step shows only when one of them is genetic. */
  scopes: readonly Scope[]
  /** The checkbox, for the form to read and focus (it is never controlled: see ConsentView). */
  boxRef: Ref<HTMLInputElement>
  /** Authorize was pressed without it: the box says so and is marked invalid. */
  refused: boolean
  onChange: (agreed: boolean) => void
  disabled?: boolean
}

/**
 * The separate consent for genetic data (PIPL Art. 29; src/contract/separate-consent.ts): a
 * fieldset of its own with the five notice items and an unticked, `required` checkbox, which
 * without script the browser and the server enforce, and with it the page. Its words are exactly
 * the ones the BFF recomputes and records; the app's texts inside them render isolated.
 */
export function SeparateConsentStep({ app, scopes, boxRef, refused, onChange, disabled = false }: SeparateConsentStepProps) {
  const { t } = useTranslation()
  const textOf = useScopeText()
  const headingId = useId()
  const itemsId = useId()
  const errorId = useId()
  if (!needsSeparateStep(scopes)) return null
  const geneticScopes = scopes.filter((scope) => needsSeparateConsent(scope.scope)).map(textOf)
  const [agree, ...items] = separateConsentLines({ appName: app.name, appDescription: app.description, geneticScopes }, t)
  const render = (line: NonNullable<typeof agree>) => <UpstreamMessage message={(values) => t(line.key, values)} texts={line.values} />
  return (
    <fieldset aria-labelledby={headingId} disabled={disabled} className="min-w-0 rounded-xl border border-l-4 border-slate-200 border-l-violet-500 bg-white dark:border-slate-800 dark:border-l-violet-400 dark:bg-slate-900">
      {/* A heading inside the box, not a <legend>, which browsers draw across the border. */}
      <div className="rounded-tr-xl bg-violet-50 px-4 py-3 dark:bg-violet-950/60">
        <h2 id={headingId} className="text-lg font-semibold">
          {t('separateConsent.heading')}
        </h2>
        <p className="mt-1 text-sm text-slate-700 dark:text-slate-300">{t('separateConsent.intro')}</p>
      </div>
      <ol id={itemsId} className="grid list-decimal gap-2 border-t border-slate-200 py-3 pr-4 pl-9 text-sm break-words text-slate-800 dark:border-slate-800 dark:text-slate-200">
        {items.map((line) => (
          <li key={line.key}>{render(line)}</li>
        ))}
      </ol>
      {/* Refused, the box's row turns amber too: focus alone shows no ring after a pointer press. */}
      <div className={`rounded-br-xl border-t border-slate-200 px-4 py-2 dark:border-slate-800 ${refused ? 'bg-amber-50 dark:bg-amber-950/40' : ''}`}>
        <label className="flex min-h-target cursor-pointer items-center gap-3 font-medium break-words">
          <input
            ref={boxRef}
            type="checkbox"
            name={CONSENT_FIELDS.separateConsent}
            value={SEPARATE_CONSENT_AGREE}
            // Never checked by the page: not by default, not restored, not on re-consent (PIPL Art. 29).
            required
            aria-invalid={refused || undefined}
            aria-describedby={refused ? `${errorId} ${itemsId}` : itemsId}
            onChange={(event) => onChange(event.target.checked)}
            className="mt-0.5 size-5 shrink-0 accent-brand-600"
          />
          {agree ? <span>{render(agree)}</span> : null}
        </label>
        {refused ? (
          <p id={errorId} className="mb-1 text-sm font-medium text-amber-900 dark:text-amber-200">
            {t('separateConsent.required')}
          </p>
        ) : null}
      </div>
    </fieldset>
  )
}
