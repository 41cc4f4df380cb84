// Every page of the SPA (SPEC.md "SPA routes"), in one list: the router builds its routes from
// it and the BFF serves index.html (status 200, with the page's module preloads) for exactly these.
// Browser-safe: no Node imports.

/**
 * Catalogue sections a page fetches with its code, not with every page (src/lib/i18n.ts; vite.config.ts
 * builds each as its own chunk): their texts would otherwise cost every consent page load.
 */
export const LAZY_SECTIONS = ['preview', 'grants', 'activity', 'signin', 'problems', 'verify'] as const
export type LazySection = (typeof LAZY_SECTIONS)[number]

export interface PageRoute {
  /** The URL path, without a trailing slash; a segment `:name` matches any one non-empty segment. */
  path: string
  /** The lazy route module, as Vite's build manifest names it; none for a redirect-only path. */
  module?: string
  /** Catalogue sections the page needs besides `core` (src/lib/i18n.ts). */
  sections?: readonly LazySection[]
}

export const PAGE_ROUTES = {
  home: { path: '/' },
  consent: { path: '/oauth2/authorize', module: 'src/features/consent/consent-route.tsx' },
  grants: { path: '/grants', module: 'src/features/grants/grants-route.tsx', sections: ['grants'] },
  // The revoke confirmation that works without JavaScript (with it, the grants page's dialog asks).
  revoke: { path: '/grants/:clientId/revoke', module: 'src/features/grants/revoke-route.tsx', sections: ['grants'] },
  preview: { path: '/developer/preview', module: 'src/features/preview/preview-route.tsx', sections: ['preview'] },
  signin: { path: '/signin', module: 'src/features/session/signin-route.tsx', sections: ['signin'] },
  activity: { path: '/activity', module: 'src/features/activity/activity-route.tsx', sections: ['activity'] },
  receipt: { path: '/activity/:id', module: 'src/features/activity/receipt-route.tsx', sections: ['activity'] },
  // Signed out too: anyone holding a receipt may check it (issue 19).
  verify: { path: '/verify', module: 'src/features/verify/verify-route.tsx', sections: ['verify'] },
} as const satisfies Record<string, PageRoute>

export type PageName = keyof typeof PAGE_ROUTES

/** Whether `path` (normalized) is one of `pattern`'s paths, segment by segment, as react-router matches it. */
function matches(pattern: string, path: string): boolean {
  const want = pattern.split('/')
  const got = path.split('/')
  return want.length === got.length && want.every((segment, index) => (segment.startsWith(':') ? got[index] !== '' : segment === got[index]))
}

/** The page a path belongs to, or undefined for a path the SPA shows as not found. */
export function pageOfPath(path: string): PageRoute | undefined {
  const normalized = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path
  return Object.values(PAGE_ROUTES).find((route) => matches(route.path, normalized))
}
