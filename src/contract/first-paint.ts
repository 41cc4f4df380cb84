// What the BFF's first paint (server/pages/page-data.ts, server/pages/spa.ts) and the SPA's entry (src/main.tsx)
// agree on. Import-free and browser-safe: the entry loads it before the app, and it must not bring
// the app's shared chunk with it (vite.config.ts keeps it out of that chunk).

/** The element holding the page the BFF painted from its answers (src/prepaint.tsx). */
export const PREPAINT_ID = 'bge-first-paint'

/**
 * A `<template>` in the head of a page that may come painted, holding the app's `modulepreload`
 * links: inert until the entry has let the first paint reach the screen, so on a slow network the
 * 130 KB of JavaScript do not share the connection with the page being painted, and on a slow
 * phone with the code cached its evaluation does not hold that paint back.
 */
export const APP_PRELOADS_ID = 'bge-app-preloads'

/**
 * How long the entry of such a page waits for the first paint before it loads the app anyway (an
 * upstream slower than this gets the SPA's loading state and "still waiting" line instead).
 */
export const PREPAINT_WAIT_MS = 300

/** Marks the app's own `modulepreload` link (src/app/start.tsx), which the entry imports by its URL. */
export const APP_LINK_ATTRIBUTE = 'data-bge-app'
