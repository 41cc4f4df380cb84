// Handing a decision back to a WeChat mini program, one seam so component tests can stand in
// for WeChat, which is not there.
import { PAGE_META, WECHAT_BRIDGE_POLICY } from '@/contract/page-meta'

declare global {
  interface Window {
    __wxjs_environment?: string
    wx?: { miniProgram?: { redirectTo: (options: { url: string }) => void } }
  }
}

/** Inside a WeChat mini program's web-view (WeChat's documented checks). */
export function isMiniProgramWebView(): boolean {
  return window.__wxjs_environment === 'miniprogram' || /miniProgram/i.test(navigator.userAgent)
}

/** The bridge script's URL, which the BFF puts in a meta tag only when it is configured. */
function bridgeUrl(): string | null {
  return document.querySelector<HTMLMetaElement>(`meta[name="${PAGE_META.wechatBridge}"]`)?.content || null
}

/** The Trusted Types API where the browser has it (Chromium); lib.dom does not describe it yet. */
interface TrustedTypesFactory {
  createPolicy(name: string, rules: { createScriptURL: (input: string) => string }): { createScriptURL: (input: string) => unknown }
}

/**
 * The page's one Trusted Types policy (the CSP's `trusted-types bge-wechat-bridge`, set only when
 * the bridge is configured): it passes the URL the BFF configured and refuses any other, so no
 * other script can be loaded through it. Made once; a policy name can be created only once.
 */
let bridgePolicy: { createScriptURL: (input: string) => unknown } | undefined

function trustedBridgeUrl(src: string): unknown {
  const factory = (window as unknown as { trustedTypes?: TrustedTypesFactory }).trustedTypes
  // Browsers without Trusted Types take the plain string.
  if (!factory) return src
  bridgePolicy ??= factory.createPolicy(WECHAT_BRIDGE_POLICY, {
    createScriptURL: (input) => {
      if (input !== bridgeUrl()) throw new TypeError('Only the configured WeChat bridge may be loaded.')
      return input
    },
  })
  return bridgePolicy.createScriptURL(src)
}

function loadScript(src: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const script = document.createElement('script')
    // A TrustedScriptURL where Trusted Types are enforced; DOM typings know only strings.
    script.src = trustedBridgeUrl(src) as string
    script.async = true
    script.onload = () => resolve()
    script.onerror = () => reject(new Error('The WeChat bridge did not load.'))
    document.head.append(script)
  })
}

/**
 * Hands the decision back to the mini program through WeChat's bridge. Resolves false when that
 * is not possible here (a browser, or no bridge configured): the page then tells the user to
 * return to the mini program themselves.
 */
export async function handOffToMiniProgram(path: string): Promise<boolean> {
  if (!isMiniProgramWebView()) return false
  const src = bridgeUrl()
  if (!src) return false
  try {
    if (!window.wx?.miniProgram) await loadScript(src)
    const miniProgram = window.wx?.miniProgram
    if (!miniProgram) return false
    miniProgram.redirectTo({ url: path })
    return true
  } catch {
    return false
  }
}
