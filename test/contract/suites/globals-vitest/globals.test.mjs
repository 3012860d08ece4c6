import { createRequire } from 'node:module'
import { describe, test, vi } from 'vitest'

const { cases } = createRequire(import.meta.url)('./corpus.cjs')

for (const { name, run } of cases) test(name, run)

describe("Vitest's own restoring", () => {
  test('stubs an env var and a global for Vitest to restore', () => {
    vi.stubEnv('STUBBED_API_URL', 'http://127.0.0.1:4011')
    vi.stubGlobal('appConfig', { region: 'test' })
  })

  test('spies on fetch for Vitest to restore', () => {
    vi.spyOn(globalThis, 'fetch')
  })

  test('uses fake timers and goes back to real ones', () => {
    vi.useFakeTimers()
    vi.advanceTimersByTime(1_000)
    vi.useRealTimers()
  })
})
