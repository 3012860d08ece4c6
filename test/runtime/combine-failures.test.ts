import { describe, expect, it } from 'vitest'
import { createScope, CleanupError, DisposeError } from 'cleanroom'
// Internal: how the runtime reports several scopes failing at once.
import { combineFailures } from '../../src/runtime/runtime.ts'

async function failedCleanup(scope: string, label: string): Promise<CleanupError> {
  const s = createScope({ name: scope })
  s.defer(
    () => {
      throw new Error(`${label} failed`)
    },
    { label },
  )
  return (await s.dispose().catch((error: unknown) => error)) as CleanupError
}

describe('combineFailures', () => {
  it('returns nothing when nothing failed, and the only failure as it is', async () => {
    expect(combineFailures([undefined, undefined])).toBeUndefined()
    const only = await failedCleanup('file', 'drop schema')
    expect(combineFailures([undefined, only])).toBe(only)
  })

  it('keeps every failure when several scopes failed, in the order they ended', async () => {
    const file = await failedCleanup('file', 'drop schema')
    const worker = await failedCleanup('worker', 'stop server')
    const combined = combineFailures([file, worker])
    expect(combined).toBeInstanceOf(AggregateError)
    const errors = (combined as AggregateError).errors as DisposeError[]
    expect(errors.map((error) => error.resource.label)).toEqual(['drop schema', 'stop server'])
    expect(errors[0]).toBeInstanceOf(DisposeError)
    expect(combined?.message).toMatch(
      /^cleanroom: cleanups failed in 2 scopes:\n1 of 1 cleanup failed in scope "file":[\s\S]*1 of 1 cleanup failed in scope "worker":/,
    )
  })
})
