// Where the browser suite finds Chromium: CHROMIUM_PATH, else a system Chromium or Chrome,
// else Playwright's own download. Shared by ensure-chromium.mjs and the suite's launcher.
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'

const SYSTEM_BROWSERS = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
]

export function findChromium() {
  if (process.env.CHROMIUM_PATH) return existsSync(process.env.CHROMIUM_PATH) ? process.env.CHROMIUM_PATH : undefined
  const system = SYSTEM_BROWSERS.find((path) => existsSync(path))
  if (system) return system
  try {
    const { chromium } = createRequire(import.meta.url)('playwright-core')
    const downloaded = chromium.executablePath()
    return downloaded && existsSync(downloaded) ? downloaded : undefined
  } catch {
    return undefined
  }
}
