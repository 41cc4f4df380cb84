import { useMutation, useSuspenseQuery } from '@tanstack/react-query'
import { useTranslation } from '@/lib/i18n'
import { useSearchParams } from 'react-router'
import { Alert } from '@/components/ui/alert'
import { Button } from '@/components/ui/button'
import { Page } from '@/components/ui/page'
import { failureKind } from '@/lib/failure'
import { sessionMutations } from '@/lib/session'
import { signInQueries } from './api'
import { UpstreamMessage } from '@/components/ui/upstream-text'

/** `/signin?next=`: the sandbox's stand-in for the platform's sign-in (sandbox mode only). */
export function SignInPage() {
  const { t } = useTranslation()
  const [searchParams] = useSearchParams()
  const { data } = useSuspenseQuery(signInQueries.sandboxUsers())
  const signIn = useMutation(sessionMutations.signIn(searchParams.get('next')))
  // Signed in, the button stays busy while the next page loads.
  const pendingUserId = signIn.isPending || signIn.isSuccess ? (signIn.variables ?? null) : null

  return (
    <Page>
      <h1 className="text-2xl font-semibold tracking-tight sm:text-3xl">{t('signin.title')}</h1>
      <p className="mt-3 text-slate-700 dark:text-slate-300">{t('signin.intro')}</p>

      {signIn.isError ? (
        <Alert variant="error" className="mt-6">
          {failureKind(signIn.error) === 'network' ? t('signin.failedOffline') : t('signin.failed')}
        </Alert>
      ) : null}

      {data.users.length === 0 ? (
        <Alert variant="info" role="none" className="mt-6">
          {t('signin.noUsers')}
        </Alert>
      ) : (
        <ul aria-label={t('signin.usersLabel')} className="mt-6 grid gap-3">
          {data.users.map((user) => (
            <li key={user.id}>
              <Button
                variant="secondary"
                className="w-full justify-start text-left"
                busy={pendingUserId === user.id}
                disabled={pendingUserId !== null}
                onClick={() => signIn.mutate(user.id)}
              >
                <UpstreamMessage message={(values) => t('signin.signInAs', values)} texts={{ name: user.name }} />
              </Button>
            </li>
          ))}
        </ul>
      )}
    </Page>
  )
}
