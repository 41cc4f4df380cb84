import { useTranslation } from '@/lib/i18n'
import type { Grant } from '@/contract/api'
import { UpstreamMessage } from '@/components/ui/upstream-text'

/** What the app loses: its samples, by id and type. */
export function RevokeConsequences({ grant }: { grant: Grant }) {
  const { t } = useTranslation()
  const samples = grant.biosample_ids
  return (
    <>
      <p>
        {samples.length
          ? <UpstreamMessage message={(values) => t('grants.dialog.body', { ...values, count: samples.length })} texts={{ name: grant.name }} />
          : <UpstreamMessage message={(values) => t('grants.dialog.bodyNoSamples', values)} texts={{ name: grant.name }} />}
      </p>
      {samples.length ? (
        <ul className="mt-2 list-disc space-y-0.5 ps-5">
          {samples.map((sample) => (
            <li key={sample.biosample_id}>
              <span className="font-mono break-all">{sample.biosample_id}</span>
              {sample.type ? <span className="text-slate-600 dark:text-slate-400"> · {sample.type}</span> : null}
            </li>
          ))}
        </ul>
      ) : null}
      <p className="mt-3">{t('grants.dialog.copies')}</p>
      <p className="mt-3">{t('grants.dialog.after')}</p>
    </>
  )
}
