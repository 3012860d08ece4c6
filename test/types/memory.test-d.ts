import { describe, expectTypeOf, it } from 'vitest'
import { expectCollected, type CleanroomOptions, type MemoryOptions } from 'cleanroom'

describe('the memory option', () => {
  it('takes false, or sizes as bytes or strings, every and trend', () => {
    const off: CleanroomOptions = { memory: false }
    const on: CleanroomOptions = {
      memory: { every: 10, warnAbove: '10 MB', failAbove: 50_000_000, trend: true },
    }
    expectTypeOf(off).toExtend<CleanroomOptions>()
    expectTypeOf(on.memory).toEqualTypeOf<false | MemoryOptions | undefined>()
  })

  it('refuses true, unknown keys and a boolean size', () => {
    // @ts-expect-error -- {} turns the checks on, not true
    const on: CleanroomOptions = { memory: true }
    // @ts-expect-error -- no such option
    const typo: CleanroomOptions = { memory: { warnabove: '1 MB' } }
    // @ts-expect-error -- a size is a number or a string
    const size: CleanroomOptions = { memory: { failAbove: true } }
    expectTypeOf([on, typo, size]).toBeArray()
  })
})

describe('expectCollected', () => {
  it('takes an object and an optional label, and returns nothing', () => {
    expectTypeOf(expectCollected).toEqualTypeOf<(value: object, label?: string) => void>()
  })

  it('refuses a primitive and a label that is not a string', () => {
    // @ts-expect-error -- a primitive is never collected
    expectCollected('session')
    // @ts-expect-error -- a label is a string
    expectCollected({}, 1)
  })
})
