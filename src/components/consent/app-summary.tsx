import { useTranslation } from '@/lib/i18n'
import { AppLogo } from '@/components/ui/app-logo'
import { Button } from '@/components/ui/button'
import type { Application } from '@/contract/api'
import { UpstreamMessage, UpstreamText } from '@/components/ui/upstream-text'

/** Where the decision goes: a web (or native) app's host, or a WeChat mini program. */
export type ReturnTarget = { kind: 'web'; host: string } | { kind: 'miniProgram' }

/** Where this app's decisions go, as the consent page names it; a host that does not parse is left unnamed. */
export function returnTargetOf(application: Pick<Application, 'redirect_uri' | 'wxmp_app_id'>): ReturnTarget {
  if (application.wxmp_app_id) return { kind: 'miniProgram' }
  try {
    return { kind: 'web', host: new URL(application.redirect_uri).host }
  } catch {
    return { kind: 'web', host: '' }
  }
}

export interface ConsentAccount {
  name: string
  /** "Not you?": sign out and sign in as someone else. */
  onSwitch: () => void
  switching?: boolean
}

interface AppSummaryProps {
  name: string
  logo: string
  description: string
  returnTo: ReturnTarget
  account?: ConsentAccount | undefined
  headingId?: string
}

/** Who is asking, where the user will be sent, and who is answering. Upstream texts render as text only. */
export function AppSummary({ name, logo, description, returnTo, account, headingId }: AppSummaryProps) {
  const { t } = useTranslation()
  return (
    <div>
      <div className="flex items-start gap-4">
        <AppLogo name={name} logo={logo} size="lg" />
        <div className="min-w-0">
          <h1 id={headingId} className="text-xl font-semibold tracking-tight break-words sm:text-2xl">
            <UpstreamMessage message={(values) => t('consent.heading', values)} texts={{ name }} />
          </h1>
          <p className="mt-1 text-sm text-slate-700 dark:text-slate-300">
            {returnTo.kind === 'miniProgram'
              ? <UpstreamMessage message={(values) => t('consent.returnToMiniProgram', values)} texts={{ name }} />
              : returnTo.host
                ? t('consent.returnToHost', { host: returnTo.host })
                : <UpstreamMessage message={(values) => t('consent.returnToApp', values)} texts={{ name }} />}
          </p>
        </div>
      </div>
      {description ? <p className="mt-4 break-words text-slate-800 dark:text-slate-200"><UpstreamText>{description}</UpstreamText></p> : null}
      {account ? (
        <div className="mt-4 flex flex-wrap items-center gap-x-2 rounded-lg bg-slate-100 px-3 py-1 text-sm dark:bg-slate-800">
          <p className="min-w-0 break-words text-slate-700 dark:text-slate-300">
            {t('consent.signedInAs')} <span className="font-medium text-slate-900 dark:text-slate-100"><UpstreamText>{account.name}</UpstreamText></span>
          </p>
          <Button variant="ghost" className="ml-auto px-3 text-sm" busy={account.switching ?? false} onClick={account.onSwitch}>
            {t('consent.notYou')}
          </Button>
        </div>
      ) : null}
    </div>
  )
}
