// What the BFF names in a page (server/pages/spa.ts) for the browser's entry (src/main.tsx) to start
// the app with once the page is painted. Imported by nothing else in the browser, so it is built into
// the entry's own file: the entry imports no chunk before the paint.
export const BOOT_META = {
  /** The app's module (src/start.tsx as built), imported once the page is painted. */
  app: 'bge-app',
  /** The modules the app and this page need (the app's chunks, the page's route and catalogue), space-separated: preloaded with it. */
  modules: 'bge-page-modules',
} as const
