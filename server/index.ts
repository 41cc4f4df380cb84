// Node entry (`npm start`): the portal (server/portal.ts) with the build's pages.
import { startPortal } from './portal'

await startPortal()
