// `npm run dev`: the BFF (restarted on change) and Vite with hot reload, which proxies /api and
// /sandbox to it. Ctrl-C stops both.
import { spawn } from 'node:child_process'

const bffPort = process.env.PORT ?? '3000'
const children = [
  spawn(process.execPath, ['--import', 'tsx', '--watch', 'server/index.ts'], {
    stdio: 'inherit',
    env: { ...process.env, PORT: bffPort },
  }),
  spawn(process.execPath, ['node_modules/vite/bin/vite.js'], {
    stdio: 'inherit',
    env: { ...process.env, BFF_PORT: bffPort },
  }),
]

function stop() {
  for (const child of children) child.kill('SIGTERM')
}
process.on('SIGINT', stop)
process.on('SIGTERM', stop)
for (const child of children) child.on('exit', stop)
