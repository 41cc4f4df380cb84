import { useQuery, useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import { useTranslation } from '@/lib/i18n'
import { useLocation } from 'react-router'
import { Button, buttonClassName } from '@/components/ui/button'
import { Skeleton } from '@/components/ui/skeleton'
import { VisuallyHidden } from '@/components/ui/visually-hidden'
import { ApiError } from '@/lib/http'
import { assignLocation, DEFAULT_LOGIN_URL, DEFAULT_RETURN_PATH, loginHref } from '@/lib/login'
import { fetchLoginUrl, sessionQueries, signOut } from '@/lib/session'

/**
 * The header's account corner: who is signed in and "Sign out", or "Sign in". Reads the session
 * without suspense so a 401 (or any failure) never takes the page down with it.
 */
export function UserMenu() {
  const { t } = useTranslation()
  const queryClient = useQueryClient()
  const location = useLocation()
  // On the sign-in page nobody is signed in by definition; asking would only log a 401.
  const onSignInPage = location.pathname === '/signin'
  const session = useQuery({
    ...sessionQueries.current(),
    enabled: !onSignInPage,
    // The first-load fallback's header already asked; a 401 will not change by asking again.
    retryOnMount: false,
  })
  const [signingOut, setSigningOut] = useState(false)
  const [signOutFailed, setSignOutFailed] = useState(false)

  async function handleSignOut() {
    setSigningOut(true)
    setSignOutFailed(false)
    try {
      await signOut()
      queryClient.clear()
      assignLocation(loginHref(await fetchLoginUrl(), DEFAULT_RETURN_PATH))
    } catch {
      setSignOutFailed(true)
      setSigningOut(false)
    }
  }

  if (onSignInPage) return null
  if (session.isPending) return <Skeleton className="h-5 w-24" />

  if (session.isError) {
    const error = session.error
    // Only "nobody is signed in" earns a sign-in link; other failures are the page's to show.
    if (!(error instanceof ApiError) || error.status !== 401) return null
    const href = loginHref(error.loginUrl ?? DEFAULT_LOGIN_URL, location.pathname + location.search)
    return (
      <a href={href} className={buttonClassName('ghost', 'px-3')}>
        {t('header.signIn')}
      </a>
    )
  }

  return (
    <div className="flex min-w-0 flex-wrap items-center justify-end gap-x-1">
      <p className="min-w-0 truncate text-sm text-slate-700 dark:text-slate-300">
        <VisuallyHidden>{t('header.signedInAs')} </VisuallyHidden>
        <span className="font-medium text-slate-900 dark:text-slate-100">{session.data.user.name}</span>
      </p>
      <Button variant="ghost" className="shrink-0 px-3 text-sm" busy={signingOut} onClick={() => void handleSignOut()}>
        {t('header.signOut')}
      </Button>
      {signOutFailed ? (
        <p role="alert" className="basis-full text-right text-sm text-red-700 dark:text-red-300">
          {t('header.signOutFailed')}
        </p>
      ) : null}
    </div>
  )
}
