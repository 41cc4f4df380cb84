import { useEffect, useId, useRef, useState, type FormEvent } from 'react'
import { Button } from '@/components/ui/button'
import { PAGE_ROUTES } from '@/contract/routes'
import { useTranslation, type MessageKey } from '@/lib/i18n'

/** The form's fields, as text; an empty scope or state means the parameter is left out. */
export interface PreviewFields {
  clientId: string
  redirectUri: string
  scope: string
  state: string
}

type FieldName = keyof PreviewFields

interface PreviewFormProps {
  /** What the URL says now; the form follows it when it changes (Back, a shared link). */
  values: PreviewFields
  onSubmit: (fields: PreviewFields) => void
}

/** Each field's name in the URL: without JavaScript the form is a GET to the preview itself. */
const PARAM: Record<FieldName, string> = { clientId: 'client_id', redirectUri: 'redirect_uri', scope: 'scope', state: 'state' }

const REQUIRED: Partial<Record<FieldName, MessageKey>> = {
  clientId: 'preview.form.clientIdRequired',
  redirectUri: 'preview.form.redirectUriRequired',
}

/** Client id, redirect URI, scopes and state; submitting writes them to the URL (the caller's job). */
export function PreviewForm({ values, onSubmit }: PreviewFormProps) {
  const { t } = useTranslation()
  const headingId = useId()
  const [draft, setDraft] = useState(values)
  const [shown, setShown] = useState(values)
  const [errors, setErrors] = useState<Partial<Record<FieldName, MessageKey>>>({})
  const inputs = useRef<Partial<Record<FieldName, HTMLInputElement | null>>>({})
  const formRef = useRef<HTMLFormElement>(null)

  // With script the page checks the fields and says why beside each; without it, `required` stands
  // and the browser checks before the GET.
  useEffect(() => {
    if (formRef.current) formRef.current.noValidate = true
  }, [])

  // The URL changed under the form (Back, or a link): show what it says now.
  if (!sameFields(shown, values)) {
    setShown(values)
    setDraft(values)
    setErrors({})
  }

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault()
    const found: Partial<Record<FieldName, MessageKey>> = {}
    for (const [name, message] of Object.entries(REQUIRED) as [FieldName, MessageKey][]) {
      if (draft[name].trim() === '') found[name] = message
    }
    setErrors(found)
    const firstInvalid = (Object.keys(REQUIRED) as FieldName[]).find((name) => found[name])
    if (firstInvalid) {
      inputs.current[firstInvalid]?.focus()
      return
    }
    // Client id and redirect URI are compared as exact strings upstream; only stray spaces at the
    // ends are dropped. Scope and state go as typed: state comes back byte for byte.
    onSubmit({ ...draft, clientId: draft.clientId.trim(), redirectUri: draft.redirectUri.trim() })
  }

  function field(name: FieldName, label: MessageKey, hint?: MessageKey) {
    return (
      <Field
        name={name}
        label={t(label)}
        hint={hint ? t(hint) : undefined}
        error={errors[name] ? t(errors[name]) : undefined}
        required={name in REQUIRED}
        value={draft[name]}
        onChange={(value) => {
          setDraft((current) => ({ ...current, [name]: value }))
          if (errors[name] && value.trim() !== '') setErrors((current) => ({ ...current, [name]: undefined }))
        }}
        inputRef={(element) => {
          inputs.current[name] = element
        }}
      />
    )
  }

  return (
    <section aria-labelledby={headingId}>
      <h2 id={headingId} className="text-lg font-semibold">
        {t('preview.form.heading')}
      </h2>
      <form ref={formRef} method="get" action={PAGE_ROUTES.preview.path} onSubmit={submit} className="mt-3 grid gap-4">
        {field('clientId', 'preview.form.clientId')}
        {field('redirectUri', 'preview.form.redirectUri', 'preview.form.redirectUriHint')}
        {field('scope', 'preview.form.scope', 'preview.form.scopeHint')}
        {field('state', 'preview.form.state', 'preview.form.stateHint')}
        <div>
          <Button type="submit">{t('preview.form.submit')}</Button>
        </div>
      </form>
    </section>
  )
}

function sameFields(a: PreviewFields, b: PreviewFields): boolean {
  return a.clientId === b.clientId && a.redirectUri === b.redirectUri && a.scope === b.scope && a.state === b.state
}

interface FieldProps {
  name: FieldName
  label: string
  hint: string | undefined
  error: string | undefined
  required: boolean
  value: string
  onChange: (value: string) => void
  inputRef: (element: HTMLInputElement | null) => void
}

function Field({ name, label, hint, error, required, value, onChange, inputRef }: FieldProps) {
  const id = useId()
  const hintId = `${id}-hint`
  const errorId = `${id}-error`
  const describedBy = [error ? errorId : '', hint ? hintId : ''].filter(Boolean).join(' ')
  return (
    <div>
      <label htmlFor={id} className="block font-medium">
        {label}
      </label>
      {hint ? (
        <p id={hintId} className="mt-0.5 text-sm text-slate-700 dark:text-slate-300">
          {hint}
        </p>
      ) : null}
      <input
        ref={inputRef}
        id={id}
        name={PARAM[name]}
        type="text"
        inputMode={name === 'redirectUri' ? 'url' : 'text'}
        autoComplete="off"
        autoCapitalize="off"
        spellCheck={false}
        required={required}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy || undefined}
        value={value}
        onChange={(event) => onChange(event.target.value)}
        className="mt-1 block min-h-target w-full rounded-lg border border-slate-400 bg-white px-3 py-2 font-mono text-base text-slate-900 aria-invalid:border-red-700 dark:border-slate-500 dark:bg-slate-900 dark:text-slate-100 dark:aria-invalid:border-red-400"
      />
      {error ? (
        <p id={errorId} className="mt-1 flex items-center gap-1.5 text-sm font-medium text-red-800 dark:text-red-300">
          <svg aria-hidden="true" viewBox="0 0 20 20" fill="currentColor" className="size-4 shrink-0">
            <path d="M10 1.5a8.5 8.5 0 1 0 0 17 8.5 8.5 0 0 0 0-17Zm-.9 4.5h1.8v5.5H9.1V6Zm.9 9a1.1 1.1 0 1 1 0-2.2 1.1 1.1 0 0 1 0 2.2Z" />
          </svg>
          {error}
        </p>
      ) : null}
    </div>
  )
}
