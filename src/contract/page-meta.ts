// Values the BFF writes into index.html as <meta> tags for the SPA to read, so they reach the page
// without an inline script (which the CSP forbids) or a request. Browser-safe: no Node imports.

export const PAGE_META = {
  /** The sign-in URL template; `{next}` in it stands for the encoded return path. */
  loginUrl: 'bge-login-url',
  /** WeChat's JS-SDK URL; present only when the bridge is configured. */
  wechatBridge: 'bge-wechat-bridge',
} as const

/**
 * The one Trusted Types policy the page may create (the CSP's `trusted-types`, only when the bridge
 * is configured): it turns the configured WeChat bridge URL, and nothing else, into a script URL.
 */
export const WECHAT_BRIDGE_POLICY = 'bge-wechat-bridge'
