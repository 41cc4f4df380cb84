import { act } from '@testing-library/react'
import type { ReactElement } from 'react'
import { hydrateRoot } from 'react-dom/client'
import { renderToString } from 'react-dom/server'
import { afterEach, beforeEach, expect, test } from 'vitest'
import { ClockProvider, RememberTimeZone, useNow, useTimeZone } from './clock'
import { formatDate, formatRelative } from './format'

// 00:30 on March 20 in Shanghai; still March 19 in New York.
const TAKEN = '2024-03-19T16:30:00Z'
const NOW = Date.parse('2024-03-22T18:00:00Z')

function SampleDate() {
  const timeZone = useTimeZone()
  const now = useNow()
  return <p>{`${formatDate(TAKEN, 'en', timeZone)} · ${formatRelative(TAKEN, 'en', now)}`}</p>
}

function Page({ timeZone }: { timeZone: string }) {
  return (
    <ClockProvider value={{ now: NOW, timeZone }}>
      <RememberTimeZone />
      <SampleDate />
    </ClockProvider>
  )
}

let savedZone: string | undefined
beforeEach(() => {
  // The browser's zone (Intl's default follows TZ in Node), whatever the machine's.
  savedZone = process.env.TZ
  process.env.TZ = 'America/New_York'
  document.cookie = 'bge_tz=; Path=/; Max-Age=0'
})
afterEach(() => {
  if (savedZone === undefined) delete process.env.TZ
  else process.env.TZ = savedZone
})

async function hydrate(html: string, page: ReactElement) {
  const container = document.createElement('div')
  container.innerHTML = html
  document.body.append(container)
  const mismatches: unknown[] = []
  await act(async () => {
    hydrateRoot(container, page, { onRecoverableError: (error) => mismatches.push(error) })
  })
  return { container, mismatches }
}

test('a page rendered in another zone hydrates as rendered, then shows the browser’s zone and remembers it', async () => {
  const page = <Page timeZone="Asia/Shanghai" />
  const html = renderToString(page)
  expect(html).toContain('Mar 20, 2024 · 3 days ago')

  const { container, mismatches } = await hydrate(html, page)
  expect(mismatches).toEqual([])
  expect(container.textContent).toBe('Mar 19, 2024 · 3 days ago')
  expect(document.cookie).toContain('bge_tz=America%2FNew_York')
  container.remove()
})

test('a page rendered in the browser’s own zone stays as it is and writes nothing', async () => {
  const page = <Page timeZone="America/New_York" />
  const { container, mismatches } = await hydrate(renderToString(page), page)
  expect(mismatches).toEqual([])
  expect(container.textContent).toBe('Mar 19, 2024 · 3 days ago')
  expect(document.cookie).not.toContain('bge_tz')
  container.remove()
})

test('dates outside a ClockProvider are a bug, not the machine’s clock', () => {
  expect(() => renderToString(<SampleDate />)).toThrow(/ClockProvider/)
})
