// Makes sure the browser suite has a Chromium before it starts (SPEC.md "Commands"): installs
// Debian's package when running as root with apt, else Playwright's build; stops with the one
// command a person should run only when both fail.
import { execSync } from 'node:child_process'
import { findChromium } from './chromium-path.mjs'

function attempt(command) {
  try {
    console.log(`Chromium not found; running: ${command}`)
    execSync(command, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } })
    return true
  } catch {
    return false
  }
}

if (!findChromium()) {
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0
  let hasApt = false
  try {
    execSync('command -v apt-get', { stdio: 'ignore' })
    hasApt = true
  } catch {
    hasApt = false
  }
  if (isRoot && hasApt) attempt('apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium fonts-noto-cjk')
  if (!findChromium()) attempt('npx playwright-core install chromium')
  if (!findChromium()) {
    console.error(
      '\nThe browser tests need Chromium and none could be installed.\n' +
        (hasApt ? 'Run: sudo apt-get install chromium\n' : 'Run: npx playwright-core install chromium\n') +
        'or point CHROMIUM_PATH at a Chromium or Chrome binary.\n',
    )
    process.exit(1)
  }
}
