// `?messages` imports: a catalogue compiled by the `localeMessages` plugin in vite.config.ts.
declare module '*.json?messages' {
  import type { Messages } from '@lingui/core'
  const messages: Messages
  export default messages
}

declare module '*.json?messages=preview' {
  import type { Messages } from '@lingui/core'
  const messages: Messages
  export default messages
}

declare module '*.json?messages=grants' {
  import type { Messages } from '@lingui/core'
  const messages: Messages
  export default messages
}

declare module '*.json?messages=activity' {
  import type { Messages } from '@lingui/core'
  const messages: Messages
  export default messages
}

declare module '*.json?messages=signin' {
  import type { Messages } from '@lingui/core'
  const messages: Messages
  export default messages
}

declare module '*.json?messages=problems' {
  import type { Messages } from '@lingui/core'
  const messages: Messages
  export default messages
}

declare module '*.json?messages=verify' {
  import type { Messages } from '@lingui/core'
  const messages: Messages
  export default messages
}
