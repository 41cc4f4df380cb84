import { useTranslation } from '@/lib/i18n'
import { Link } from 'react-router'
import { buttonClassName } from '@/components/ui/button'
import { Page } from '@/components/ui/page'

/** Any path the portal does not have, and any 404 a page's data ends in. */
export function NotFoundPage() {
  const { t } = useTranslation()
  return (
    <Page>
      <h1 className="text-2xl font-semibold tracking-tight sm:text-3xl">{t('notFound.title')}</h1>
      <p className="mt-3 text-slate-700 dark:text-slate-300">{t('notFound.body')}</p>
      <Link to="/grants" className={buttonClassName('primary', 'mt-6')}>
        {t('common.toGrants')}
      </Link>
    </Page>
  )
}
