import { useTranslation } from '@/lib/i18n'
import { Page } from '@/components/ui/page'
import { Skeleton } from '@/components/ui/skeleton'
import { StillWaiting } from '@/components/ui/still-waiting'
import { ConsentErrorPage } from './consent-error-page'
import { ConsentPage } from './consent-page'

/** The consent page; its loader is `consent-loader.ts`, which the router holds eagerly. */
export function route() {
  return {
    Component: ConsentPage,
    HydrateFallback: ConsentSkeleton,
    ErrorBoundary: ConsentErrorPage,
  }
}

/** The page's shape while its data arrives: one sketch, not a cascade of spinners. */
function ConsentSkeleton() {
  const { t } = useTranslation()
  return (
    <Page>
      <p role="status" className="sr-only">
        {t('common.loading')}
      </p>
      <StillWaiting since={0} className="mb-4 min-h-5" />
      <div className="flex items-start gap-4">
        <Skeleton className="size-16 rounded-2xl" />
        <div className="flex-1">
          <Skeleton className="h-7 w-3/4" />
          <Skeleton className="mt-2 h-4 w-1/2" />
        </div>
      </div>
      <Skeleton className="mt-6 h-4 w-full" />
      <Skeleton className="mt-2 h-4 w-5/6" />
      <Skeleton className="mt-8 h-6 w-1/3" />
      <Skeleton className="mt-3 h-32 w-full rounded-xl" />
      <Skeleton className="mt-8 h-6 w-1/3" />
      <Skeleton className="mt-3 h-16 w-full rounded-lg" />
      <Skeleton className="mt-2 h-16 w-full rounded-lg" />
      <div className="mt-8 flex gap-3 sm:justify-end">
        <Skeleton className="h-11 flex-1 rounded-lg sm:w-28 sm:flex-none" />
        <Skeleton className="h-11 flex-1 rounded-lg sm:w-28 sm:flex-none" />
      </div>
    </Page>
  )
}
