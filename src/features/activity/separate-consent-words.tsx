import type { Language } from '@/contract/languages'
import type { SeparateConsent } from '@/contract/records'
import { useTranslation } from '@/lib/i18n'
import { UpstreamText } from '@/components/ui/upstream-text'

/**
 * A receipt's separate consent for genetic data (issue 19): whether it was given, then its words
 * exactly as recorded, in the language they were shown in: the checkbox's label, then the five
 * notice items. Each word quotes the app's texts, so each is isolated as a whole.
 */
export function SeparateConsentWords({ consent, language }: { consent: SeparateConsent; language: Language }) {
  const { t } = useTranslation()
  const [label, ...items] = consent.words
  return (
    <div className="text-sm">
      <p className="font-medium">{consent.given ? t('activity.receipt.separateConsent.given') : t('activity.receipt.separateConsent.notGiven')}</p>
      <div lang={language} className="mt-1 border-l-2 border-slate-300 ps-3 dark:border-slate-600">
        {label !== undefined ? (
          <p className="font-medium break-words">
            <UpstreamText>{label}</UpstreamText>
          </p>
        ) : null}
        <ol className="mt-1 grid list-decimal gap-1 ps-5 break-words text-slate-700 dark:text-slate-300">
          {items.map((word, index) => (
            <li key={index}>
              <UpstreamText>{word}</UpstreamText>
            </li>
          ))}
        </ol>
      </div>
    </div>
  )
}
