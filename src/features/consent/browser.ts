// Handing a decision back to a WeChat mini program, one seam so component tests can stand in
// for WeChat, which is not there.

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
  return document.querySelector<HTMLMetaElement>('meta[name="bge-wechat-bridge"]')?.content || null
}

function loadScript(src: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const script = document.createElement('script')
    script.src = src
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
