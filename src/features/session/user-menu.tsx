import { useMutation, useQuery } from '@tanstack/react-query'
import { useTranslation } from '@/lib/i18n'
import { useLocation } from 'react-router'
import { Button, buttonClassName } from '@/components/ui/button'
import { Skeleton } from '@/components/ui/skeleton'
import { VisuallyHidden } from '@/components/ui/visually-hidden'
import { PAGE_ROUTES } from '@/contract/routes'
import { isUnauthenticated } from '@/lib/failure'
import { DEFAULT_RETURN_PATH, sessionMutations, sessionQueries, useSignInHref } from '@/lib/session'
import { UpstreamText } from '@/components/ui/upstream-text'

/**
 * The header's account corner: who is signed in and "Sign out", or "Sign in". Reads the session
 * without suspense so a 401 (or any failure) never takes the page down with it.
 */
export function UserMenu() {
  const { t } = useTranslation()
  const location = useLocation()
  const signInHref = useSignInHref()
  // On the sign-in page nobody is signed in by definition; asking would only log a 401.
  const onSignInPage = location.pathname === PAGE_ROUTES.signin.path
  const session = useQuery({
    ...sessionQueries.current(),
    enabled: !onSignInPage,
    // The first-load fallback's header already asked; a 401 will not change by asking again.
    retryOnMount: false,
  })
  const signOut = useMutation(sessionMutations.signOut(DEFAULT_RETURN_PATH))

  if (onSignInPage) return null
  if (session.isPending) return <Skeleton className="h-5 w-24" />

  if (session.isError) {
    // Only "nobody is signed in" earns a sign-in link; other failures are the page's to show.
    if (!isUnauthenticated(session.error)) return null
    // A consent link that is fine sends a signed-out person to sign-in before anything shows; one
    // still on screen is a link the portal refused, so signing in returns to the grants instead of
    // to it (and the page carries nothing of its query, hostile or not).
    const onConsentPage = location.pathname === PAGE_ROUTES.consent.path
    return (
      <a href={signInHref(onConsentPage ? DEFAULT_RETURN_PATH : location.pathname + location.search)} className={buttonClassName('ghost', 'px-3')}>
        {t('header.signIn')}
      </a>
    )
  }

  return (
    // One line whatever the name's length: it is cut short, never wrapped under the language switch.
    <div className="flex min-w-0 flex-col items-end">
      <div className="flex min-w-0 max-w-full items-center gap-x-1">
        <p className="min-w-0 truncate text-sm text-slate-700 dark:text-slate-300">
          <VisuallyHidden>{t('header.signedInAs')} </VisuallyHidden>
          <span className="font-medium text-slate-900 dark:text-slate-100"><UpstreamText>{session.data.user.name}</UpstreamText></span>
        </p>
        <Button
          variant="ghost"
          className="shrink-0 px-3 text-sm"
          // Still busy once signed out: the sign-in page is on its way.
          busy={signOut.isPending || signOut.isSuccess}
          onClick={() => signOut.mutate()}
        >
          {t('header.signOut')}
        </Button>
      </div>
      {signOut.isError ? (
        <p role="alert" className="text-right text-sm text-red-700 dark:text-red-300">
          {t('header.signOutFailed')}
        </p>
      ) : null}
    </div>
  )
}
