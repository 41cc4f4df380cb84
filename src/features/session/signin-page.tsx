import { useSuspenseQuery } from '@tanstack/react-query'
import { useState } from 'react'
import { useTranslation } from '@/lib/i18n'
import { useSearchParams } from 'react-router'
import { Alert } from '@/components/ui/alert'
import { Button } from '@/components/ui/button'
import { Page } from '@/components/ui/page'
import { ApiError } from '@/lib/http'
import { assignLocation, safeNextPath } from '@/lib/login'
import { signIn, signInQueries } from './api'

/** `/signin?next=`: the sandbox's stand-in for the platform's sign-in (sandbox mode only). */
export function SignInPage() {
  const { t } = useTranslation()
  const [searchParams] = useSearchParams()
  const { data } = useSuspenseQuery(signInQueries.sandboxUsers())
  const [pendingUserId, setPendingUserId] = useState<string | null>(null)
  const [failure, setFailure] = useState<'offline' | 'other' | null>(null)

  async function signInAs(userId: string) {
    setPendingUserId(userId)
    setFailure(null)
    try {
      await signIn(userId)
      // A new document: everything the old one fetched belonged to somebody else.
      assignLocation(safeNextPath(searchParams.get('next')))
    } catch (error) {
      setFailure(error instanceof ApiError && error.code === 'network_error' ? 'offline' : 'other')
      setPendingUserId(null)
    }
  }

  return (
    <Page>
      <h1 className="text-2xl font-semibold tracking-tight sm:text-3xl">{t('signin.title')}</h1>
      <p className="mt-3 text-slate-700 dark:text-slate-300">{t('signin.intro')}</p>

      {failure ? (
        <Alert variant="error" className="mt-6">
          {failure === 'offline' ? t('signin.failedOffline') : t('signin.failed')}
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
                onClick={() => void signInAs(user.id)}
              >
                {t('signin.signInAs', { name: user.name })}
              </Button>
            </li>
          ))}
        </ul>
      )}
    </Page>
  )
}
