import { describe, expectTypeOf, it } from 'vitest'
import {
  createAsyncRunner,
  createScope,
  createTempDir,
  purgeModules,
  trackCache,
  type AsyncRunner,
  type ModulePurge,
} from 'cleanroom'

const scope = createScope()

describe('createTempDir', () => {
  it('returns the path as a string', () => {
    expectTypeOf(createTempDir({ scope, prefix: 'a-' })).toEqualTypeOf<string>()
  })

  it('takes only its own options', () => {
    // @ts-expect-error -- no such option
    createTempDir({ scope, dir: '/srv' })
    // @ts-expect-error -- a prefix is a string
    createTempDir({ prefix: 1 })
  })
})

describe('trackCache', () => {
  it('returns the cache with its own type', () => {
    expectTypeOf(trackCache(new Map<string, number>(), 'm')).toEqualTypeOf<Map<string, number>>()
    expectTypeOf(trackCache(new Set<string>(), { scope, timeout: 10 })).toEqualTypeOf<Set<string>>()
  })

  it('refuses a value without clear()', () => {
    // @ts-expect-error -- nothing to clear
    trackCache({ size: 0 })
    // @ts-expect-error -- a label is a string
    trackCache(new Map(), 1)
  })
})

describe('purgeModules', () => {
  it('returns a handle listing paths', () => {
    expectTypeOf(purgeModules({ scope })).toEqualTypeOf<ModulePurge>()
    expectTypeOf(purgeModules({ scope }).modules).toEqualTypeOf<readonly string[]>()
  })

  it('takes a filter of paths', () => {
    purgeModules({ scope, filter: (path) => path.endsWith('.cjs'), nodeModules: true })
    // @ts-expect-error -- nodeModules is a boolean
    purgeModules({ scope, nodeModules: 'yes' })
  })
})

describe('createAsyncRunner', () => {
  const runner = createAsyncRunner({ scope, timeout: 100 })

  it('returns a runner whose run() gives the task result type, with the signal typed', () => {
    expectTypeOf(runner).toEqualTypeOf<AsyncRunner>()
    expectTypeOf(runner.run('n', () => Promise.resolve(42))).toEqualTypeOf<Promise<number>>()
    expectTypeOf(runner.run('s', (signal) => signal.aborted)).toEqualTypeOf<Promise<boolean>>()
    expectTypeOf(runner.active).toEqualTypeOf<readonly string[]>()
  })

  it('needs a task function', () => {
    // @ts-expect-error -- no task
    void runner.run('missing')
  })
})
