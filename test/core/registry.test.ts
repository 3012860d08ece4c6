import { createRequire } from 'node:module'
import { describe, expect, it } from 'vitest'
import * as esm from 'cleanroom'
import {
  builtinKinds,
  CleanroomError,
  createRegistry,
  createScope,
  defaultRegistry,
  defineKind,
  DuplicateKindError,
} from 'cleanroom'

class Pool {
  ended = false
  constructor(readonly size: number) {}
  end(): Promise<void> {
    this.ended = true
    return Promise.resolve()
  }
}

declare module 'cleanroom' {
  interface ResourceKinds {
    pool: Pool
  }
}

const poolKind = defineKind({
  name: 'pool',
  match: (value): value is Pool => value instanceof Pool,
  dispose: (pool) => pool.end(),
  describe: (pool) => `pool of ${pool.size}`,
  timeout: 50,
})

describe('registry', () => {
  it('starts empty, or from the built-in kinds when given them', () => {
    expect(createRegistry().kinds).toEqual([])
    expect(createRegistry(builtinKinds).kinds.map((kind) => kind.name)).toEqual(
      builtinKinds.map((kind) => kind.name),
    )
  })

  it('disposes and describes values of a registered kind, under its timeout', async () => {
    const registry = createRegistry([...builtinKinds, poolKind])
    const scope = createScope({ registry, timeout: 10_000 })
    const pool = scope.track(new Pool(4))
    scope.track(
      new Pool(2),
      // The kind's timeout (50 ms) applies, not the scope's 10 s.
      { dispose: () => new Promise(() => undefined), kind: 'pool', label: 'stuck pool' },
    )
    const started = performance.now()
    const error = (await scope.dispose().catch((thrown: unknown) => thrown)) as esm.CleanupError
    expect(performance.now() - started).toBeLessThan(2_000)
    expect(pool.ended).toBe(true)
    expect(error.report.entries.map((e) => [e.label, e.kind, e.outcome])).toEqual([
      ['stuck pool', 'pool', 'timeout'],
      ['pool of 4', 'pool', 'ok'],
    ])
  })

  it('tries later kinds first, so your kind wins over a built-in that also matches', async () => {
    const log: string[] = []
    const special = defineKind({
      name: 'special-controller',
      match: (value): value is AbortController => value instanceof AbortController,
      dispose: () => void log.push('special'),
    })
    const scope = createScope({ registry: createRegistry([...builtinKinds, special]) })
    const controller = scope.track(new AbortController())
    await scope.dispose()
    expect(log).toEqual(['special'])
    expect(controller.signal.aborted).toBe(false)
  })

  it('refuses a second kind of the same name', () => {
    const registry = createRegistry([poolKind])
    expect(() => registry.register(poolKind)).toThrow(DuplicateKindError)
    expect(() => registry.register(poolKind)).toThrow(
      'A kind named "pool" is already registered. Give the new kind another name, or use the registered one (registry.get(name)).',
    )
    try {
      registry.register(poolKind)
    } catch (error) {
      expect((error as DuplicateKindError).code).toBe('ERR_CLEANROOM_DUPLICATE_KIND')
      expect(error).toBeInstanceOf(CleanroomError)
    }
    expect(() => createRegistry([poolKind, poolKind])).toThrow(DuplicateKindError)
  })
})

describe('one process, several copies of the library', () => {
  const require = createRequire(import.meta.url)
  const cjs = require('cleanroom') as typeof esm

  it('shares the default registry between the ESM and CommonJS builds', () => {
    expect(cjs.createScope).not.toBe(esm.createScope)
    expect(cjs.defaultRegistry).toBe(defaultRegistry)
  })

  it('recognises errors across builds with instanceof', async () => {
    const scope = cjs.createScope()
    scope.defer(() => {
      throw new Error('from the CommonJS copy')
    })
    const error = await scope.dispose().catch((thrown: unknown) => thrown)
    expect(error).toBeInstanceOf(esm.CleanupError)
    expect(error).toBeInstanceOf(esm.CleanroomError)
    expect((error as esm.CleanupError).errors[0]).toBeInstanceOf(esm.DisposeError)
    expect((error as esm.CleanupError).errors[0]).not.toBeInstanceOf(esm.DisposeTimeoutError)
  })
})
