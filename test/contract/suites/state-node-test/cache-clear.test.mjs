import { test } from 'node:test'
import { trackCache } from 'cleanroom'

const sessions = trackCache(
  {
    entries: new Map(),
    clear() {
      throw new Error('the session store is read-only')
    },
  },
  'sessions',
)

test('uses the session cache', () => {
  sessions.entries.set('abc', { user: 1 })
})
