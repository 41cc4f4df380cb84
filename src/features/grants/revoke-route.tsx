// `/grants/:clientId/revoke`: revoking without JavaScript (SPEC.md "Grants page"). The page names
// the app and what it loses, as the grants page's dialog does, and its form posts to itself; the
// server's action (src/lib/form-action.ts → server/consent/form-actions.ts) revokes and answers
// 303 back to the grants page, which says how it went. With script the grants page's dialog asks
// instead, and this page is reached only by a link.
import type { QueryClient } from '@tanstack/react-query'
import { useSuspenseQuery } from '@tanstack/react-query'
import { Link, redirect, useParams, type LoaderFunctionArgs } from 'react-router'
import { useTranslation } from '@/lib/i18n'
import { buttonClassName, Button } from '@/components/ui/button'
import { Page } from '@/components/ui/page'
import { UpstreamMessage } from '@/components/ui/upstream-text'
import { PAGE_ROUTES } from '@/contract/routes'
import { isUnauthenticated } from '@/lib/failure'
import { signInRedirect, type SignInSettings } from '@/lib/session'
import { grantQueries } from './api'
import { RevokeConsequences } from './revoke-consequences'

export function route(queryClient: QueryClient, signIn: SignInSettings) {
  return {
    Component: RevokePage,
    loader: async ({ request, params }: LoaderFunctionArgs) => {
      try {
        const { grants } = await queryClient.ensureQueryData(grantQueries.list())
        // Nothing to revoke (already revoked, or never granted): the grants page says what there is.
        if (!grants.some((grant) => grant.client_id === params['clientId'])) return redirect(PAGE_ROUTES.grants.path)
      } catch (error) {
        if (isUnauthenticated(error)) throw signInRedirect(new URL(request.url).pathname, signIn)
        throw error
      }
      return null
    },
  }
}

function RevokePage() {
  const { t } = useTranslation()
  const { clientId } = useParams()
  const { data } = useSuspenseQuery(grantQueries.list())
  const grant = data.grants.find((candidate) => candidate.client_id === clientId)
  // The loader redirects first; a grant gone since (another tab) shows the way back.
  if (!grant) {
    return (
      <Page>
        <Link to={PAGE_ROUTES.grants.path} className="font-medium underline underline-offset-4">
          {t('common.titles.grants')}
        </Link>
      </Page>
    )
  }
  return (
    <Page>
      <h1 className="text-2xl font-semibold tracking-tight">
        <UpstreamMessage message={(values) => t('grants.dialog.title', values)} texts={{ name: grant.name }} />
      </h1>
      <div className="mt-4 text-slate-700 dark:text-slate-300">
        <RevokeConsequences grant={grant} />
      </div>
      <form method="post" className="mt-6 flex flex-wrap gap-3 sm:justify-end">
        <Link to={PAGE_ROUTES.grants.path} className={buttonClassName('secondary')}>
          {t('grants.dialog.cancel')}
        </Link>
        <Button type="submit" variant="danger" aria-label={t('grants.revokeApp', { name: grant.name })}>
          {t('grants.dialog.confirm')}
        </Button>
      </form>
    </Page>
  )
}
