import { useEffect, useRef, type ReactNode, type Ref } from 'react'
import { useTranslation } from '@/lib/i18n'
import { Link, NavLink, Outlet, useLocation, useMatches, useNavigation, useRevalidator } from 'react-router'
import { Skeleton } from '@/components/ui/skeleton'
import { StillWaiting } from '@/components/ui/still-waiting'
import { UserMenu } from '@/features/session/user-menu'
import { RememberTimeZone } from '@/lib/clock'
import type en from '@/locales/en.json'
import { LanguageSwitch } from './language-switch'

export type PageTitleKey = keyof (typeof en)['common']['titles']

/** A route's `handle`: the page's name in the tab title. */
export interface PageHandle {
  title: PageTitleKey
}

function isPageHandle(handle: unknown): handle is PageHandle {
  return typeof handle === 'object' && handle !== null && 'title' in handle && typeof handle.title === 'string'
}

/** The layout route: header, navigation and the page in `<main>`. */
export function RootLayout() {
  const { t } = useTranslation()
  const matches = useMatches()
  const navigation = useNavigation()
  const revalidator = useRevalidator()
  const { pathname } = useLocation()
  const mainRef = useRef<HTMLElement>(null)
  const shownPath = useRef(pathname)

  const titleKey = matches.map((match) => match.handle).findLast(isPageHandle)?.title
  const pageTitle = titleKey ? t(`common.titles.${titleKey}`) : null
  const productName = t('common.productName')
  useEffect(() => {
    document.title = pageTitle ? `${pageTitle} · ${productName}` : productName
  }, [pageTitle, productName])

  // After moving to another page, start reading it from the top, as a full page load would:
  // screen readers otherwise stay on the link that was followed, in a page that is gone.
  useEffect(() => {
    if (shownPath.current === pathname) return
    shownPath.current = pathname
    document.documentElement.scrollTop = 0
    mainRef.current?.focus({ preventScroll: true })
  }, [pathname])

  // A page's data loading again (another page, an error screen's Retry) while this one stays shown.
  const busy = navigation.state !== 'idle' || revalidator.state !== 'idle'
  return (
    <AppShell mainRef={mainRef} busy={busy}>
      {busy ? (
        <div className="pointer-events-none fixed inset-x-0 top-2 z-40 flex justify-center px-4">
          <StillWaiting className="rounded-lg bg-white px-3 py-1 shadow empty:p-0 empty:shadow-none dark:bg-slate-900" />
        </div>
      ) : null}
      <Outlet />
      <RememberTimeZone />
    </AppShell>
  )
}

/** The first paint while the first page's code and data load: the real header, a sketch of a page. */
export function RootHydrateFallback() {
  const { t } = useTranslation()
  return (
    <AppShell busy>
      <div className="mx-auto w-full max-w-2xl px-4 py-6 sm:px-6 sm:py-10">
        <p role="status" className="sr-only">
          {t('common.loading')}
        </p>
        <StillWaiting since={0} className="mb-4 min-h-5" />
        <Skeleton className="h-8 w-2/3" />
        <Skeleton className="mt-4 h-4 w-full" />
        <Skeleton className="mt-2 h-4 w-5/6" />
        <Skeleton className="mt-8 h-24 w-full rounded-xl" />
        <Skeleton className="mt-4 h-24 w-full rounded-xl" />
      </div>
    </AppShell>
  )
}

function AppShell({ children, busy, mainRef }: { children: ReactNode; busy: boolean; mainRef?: Ref<HTMLElement> }) {
  const { t } = useTranslation()
  return (
    <div className="flex min-h-dvh flex-col">
      <a
        href="#main"
        className="sr-only z-50 rounded-lg bg-white px-4 py-3 font-medium text-brand-700 shadow-lg focus:not-sr-only focus:absolute focus:top-2 focus:left-2 dark:bg-slate-900 dark:text-brand-100"
      >
        {t('common.skipToContent')}
      </a>
      {busy ? <div aria-hidden="true" className="fixed inset-x-0 top-0 z-40 h-1 bg-brand-600 motion-safe:animate-pulse" /> : null}
      <header className="border-b border-slate-200 bg-white print:hidden dark:border-slate-800 dark:bg-slate-900">
        {/* Phone: two rows, each laid out on its own (product and account; navigation and language),
            so neither the navigation nor the person's name is squeezed by the other row. Wider: one
            row, in the order of the markup (which is also the order of Tab). */}
        <div className="mx-auto flex max-w-5xl flex-wrap items-center gap-x-2 px-4 py-1 sm:flex-nowrap sm:gap-x-4 sm:px-6">
          <Link
            to="/grants"
            className="order-1 flex min-h-target min-w-0 items-center gap-2 rounded-lg font-semibold text-slate-900 sm:order-none dark:text-white"
          >
            <ProductMark />
            <span className="truncate">{t('common.productName')}</span>
          </Link>
          <nav aria-label={t('header.navLabel')} className="order-4 -ml-2 flex sm:order-none sm:ml-0">
            <NavLink to="/grants" className={NAV_LINK}>
              {t('header.myAuthorizations')}
            </NavLink>
            {/* Also current on a receipt, which is part of the activity. */}
            <NavLink to="/activity" className={NAV_LINK}>
              {t('header.activity')}
            </NavLink>
          </nav>
          <div className="order-5 ml-auto sm:order-none">
            <LanguageSwitch />
          </div>
          {/* basis-0 and grow: on a phone the account always shares row one with the product and
              takes what is left of it, so a long name is cut short rather than wrapped below. */}
          <div className="order-2 flex min-w-0 grow basis-0 justify-end sm:order-none sm:grow-0 sm:basis-auto">
            <UserMenu />
          </div>
          <div aria-hidden="true" className="order-3 basis-full sm:hidden" />
        </div>
      </header>
      <main id="main" ref={mainRef} tabIndex={-1} className="flex-1">
        {children}
      </main>
    </div>
  )
}

const NAV_LINK =
  'inline-flex min-h-target items-center whitespace-nowrap rounded-lg px-2 text-sm font-medium text-slate-700 underline-offset-4 hover:text-slate-900 aria-[current=page]:text-brand-700 aria-[current=page]:underline dark:text-slate-300 dark:hover:text-white dark:aria-[current=page]:text-brand-100'

function ProductMark() {
  return (
    <svg aria-hidden="true" viewBox="0 0 32 32" className="size-7 shrink-0">
      <rect width="32" height="32" rx="8" className="fill-brand-600" />
      <path d="M9.5 16.5l4.5 4.5 8.5-9" fill="none" stroke="#fff" strokeWidth="3" strokeLinecap="round" strokeLinejoin="round" />
    </svg>
  )
}
