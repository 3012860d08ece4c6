import 'reflect-metadata'
import { createRequire } from 'node:module'
import {
  container as globalContainer,
  inject,
  injectable,
  instanceCachingFactory,
  Lifecycle,
  type DependencyContainer,
} from 'tsyringe'
import { describe, expect, it } from 'vitest'
import {
  CleanupError,
  ContainerDisposedError,
  createScope,
  defaultRegistry,
  DisposeError,
  DisposeTimeoutError,
  type Scope,
} from 'cleanroom'
import { createTestContainer, tsyringeContainerKind } from 'cleanroom/tsyringe'

const thisFile = 'test/integrations/tsyringe.test.ts'

/**
 * Gives `target` explicit constructor tokens, as `@injectable()` with `@inject(token)` on each
 * parameter would: no decorator metadata is emitted here, so nothing is left to inference.
 */
function injects(target: abstract new (...args: never[]) => unknown, ...tokens: unknown[]): void {
  tokens.forEach((token, index) => {
    inject(token as string)(target, undefined, index)
  })
  injectable()(target as new (...args: never[]) => unknown)
}

/** What each disposal did, in order. */
type Log = string[]

/**
 * A graph of three services with explicit tokens (no decorator metadata is emitted here):
 * UsersService -> UsersRepository -> 'Db', each with a dispose() that logs.
 */
function defineGraph(log: Log, failing: readonly string[] = []) {
  const done = (name: string) => {
    log.push(name)
    if (failing.includes(name)) throw new Error(`${name} failed to close`)
  }
  class Db {
    dispose(): Promise<void> {
      return Promise.resolve().then(() => {
        done('Db')
      })
    }
  }
  class UsersRepository {
    constructor(readonly db: Db) {}
    async dispose(): Promise<void> {
      await Promise.resolve()
      done('UsersRepository')
    }
  }
  class UsersService {
    constructor(readonly repository: UsersRepository) {}
    dispose(): void {
      done('UsersService')
    }
  }
  injects(UsersRepository, 'Db')
  injects(UsersService, UsersRepository)
  return { Db, UsersRepository, UsersService }
}

/** A parent container of its own, so tests never share tsyringe's global one. */
function parentWith(register: (parent: DependencyContainer) => void): DependencyContainer {
  const parent = globalContainer.createChildContainer()
  register(parent)
  return parent
}

async function failureOf(scope: Scope): Promise<CleanupError> {
  const error = await scope.dispose().then(
    () => undefined,
    (error: unknown) => error,
  )
  expect(error).toBeInstanceOf(CleanupError)
  return error as CleanupError
}

describe('createTestContainer', () => {
  it('disposes dependents before their dependencies: the reverse of the order they were built', async () => {
    const log: Log = []
    const { Db, UsersService } = defineGraph(log)
    const parent = parentWith((p) => p.register('Db', { useClass: Db }))
    const scope = createScope({ name: 'test' })
    const container = createTestContainer(parent, { scope })
    const users = container.resolve(UsersService)
    expect(users.repository.db).toBeInstanceOf(Db)
    const report = await scope.dispose()
    expect(log).toEqual(['UsersService', 'UsersRepository', 'Db'])
    expect(report.entries.map((e) => [e.label, e.kind, e.outcome])).toEqual([
      ['UsersService', 'custom', 'ok'],
      ['UsersRepository', 'custom', 'ok'],
      ['Db', 'custom', 'ok'],
      ['tsyringe container', 'tsyringe-container', 'ok'],
    ])
    // Each entry points at the line that resolved it, not into tsyringe or cleanroom.
    expect(report.entries[0]?.created).toMatch(new RegExp(`^${thisFile}:\\d+:\\d+$`))
    expect(report.entries[3]?.created).toMatch(new RegExp(`^${thisFile}:\\d+:\\d+$`))
  })

  it("keeps that order in a scope whose order is 'dependencies'", async () => {
    const log: Log = []
    class Pool {
      dispose(): void {
        log.push('Pool')
      }
    }
    class Slow {
      constructor(readonly pool: Pool) {}
      async dispose(): Promise<void> {
        // Slow enough that the pool, if it did not wait, would be closed first.
        await new Promise((resolve) => setTimeout(resolve, 20))
        log.push('Slow')
      }
    }
    injects(Slow, Pool)
    const scope = createScope({ order: 'dependencies', concurrency: 8 })
    createTestContainer({ scope }).resolve(Slow)
    await scope.dispose()
    expect(log).toEqual(['Slow', 'Pool'])
  })

  it('runs every disposer when two of three fail, and names both failing services', async () => {
    const log: Log = []
    const { Db, UsersService } = defineGraph(log, ['UsersService', 'Db'])
    const scope = createScope({ name: 'test' })
    const container = createTestContainer(globalContainer, {
      scope,
      overrides: [{ token: 'Db', useClass: Db }],
    })
    container.resolve(UsersService)
    const error = await failureOf(scope)
    expect(log).toEqual(['UsersService', 'UsersRepository', 'Db'])
    expect(error.errors).toHaveLength(2)
    expect(error.errors.map((e) => [e.constructor.name, e.code, e.resource.label])).toEqual([
      ['DisposeError', 'ERR_CLEANROOM_DISPOSE', 'UsersService'],
      ['DisposeError', 'ERR_CLEANROOM_DISPOSE', 'Db'],
    ])
    expect(error.errors[0]).toBeInstanceOf(DisposeError)
    expect((error.errors[0]?.cause as Error).message).toBe('UsersService failed to close')
    expect(error.message).toMatch(
      new RegExp(
        `^2 of 4 cleanups failed in scope "test":\\n` +
          `  - "UsersService" \\(created at ${thisFile}:\\d+:\\d+\\): Error: UsersService failed to close\\n` +
          `  - "Db" \\(created at ${thisFile}:\\d+:\\d+\\): Error: Db failed to close\\n` +
          'Every other cleanup ran\\.',
      ),
    )
  })

  it('gives each instance its deadline: one that hangs is reported, the others still disposed', async () => {
    const log: Log = []
    class Hangs {
      dispose(): Promise<void> {
        log.push('Hangs')
        return new Promise(() => {})
      }
    }
    class Uses {
      constructor(readonly hangs: Hangs) {}
      dispose(): void {
        log.push('Uses')
      }
    }
    class First {
      dispose(): void {
        log.push('First')
      }
    }
    injects(Uses, Hangs)
    const scope = createScope({ name: 'test' })
    const container = createTestContainer({ scope, timeout: 50 })
    container.resolve(First)
    container.resolve(Uses)
    const started = performance.now()
    const error = await failureOf(scope)
    expect(performance.now() - started).toBeLessThan(1_000)
    expect(log).toEqual(['Uses', 'Hangs', 'First'])
    expect(error.errors).toHaveLength(1)
    const timeout = error.errors[0] as DisposeTimeoutError
    expect(timeout).toBeInstanceOf(DisposeTimeoutError)
    expect(timeout.code).toBe('ERR_CLEANROOM_DISPOSE_TIMEOUT')
    expect(timeout.timeout).toBe(50)
    expect(timeout.message).toMatch(
      /^Cleanup of "Hangs" \(created at .*\) in scope "test › tsyringe container" timed out: it did not settle within its 50 ms timeout\./,
    )
  })

  it('disposes instances with Symbol.asyncDispose or Symbol.dispose', async () => {
    const log: Log = []
    class AsyncOne {
      async [Symbol.asyncDispose](): Promise<void> {
        await Promise.resolve()
        log.push('async')
      }
    }
    class SyncOne {
      constructor(readonly inner: AsyncOne) {}
      [Symbol.dispose](): void {
        log.push('sync')
      }
    }
    injects(SyncOne, AsyncOne)
    const scope = createScope()
    createTestContainer({ scope }).resolve(SyncOne)
    await scope.dispose()
    expect(log).toEqual(['sync', 'async'])
  })

  it("never disposes a parent's singleton, even one first built through the test container", async () => {
    const log: Log = []
    class Shared {
      dispose(): void {
        log.push('Shared')
      }
    }
    class Helper {
      dispose(): void {
        log.push('Helper')
      }
    }
    class UsesShared {
      constructor(readonly shared: Shared) {}
      dispose(): void {
        log.push('UsesShared')
      }
    }
    // The singleton depends on a class nobody registered: built for it, it is part of it.
    injects(Shared, Helper)
    injects(UsesShared, 'Shared')
    const parent = parentWith((p) =>
      p.register('Shared', { useClass: Shared }, { lifecycle: Lifecycle.Singleton }),
    )
    const scope = createScope()
    const container = createTestContainer(parent, { scope })
    const uses = container.resolve(UsesShared)
    await scope.dispose()
    expect(log).toEqual(['UsesShared'])
    expect(parent.resolve('Shared')).toBe(uses.shared)
  })

  it("disposes the test container's own singletons and container-scoped instances once", async () => {
    const log: Log = []
    class PerContainer {
      dispose(): void {
        log.push('PerContainer')
      }
    }
    class Once {
      dispose(): void {
        log.push('Once')
      }
    }
    const parent = parentWith((p) =>
      p.register(PerContainer, PerContainer, { lifecycle: Lifecycle.ContainerScoped }),
    )
    const scope = createScope()
    const container = createTestContainer(parent, {
      scope,
      overrides: [{ token: 'Once', useClass: Once, lifecycle: Lifecycle.Singleton }],
    })
    expect(container.resolve(PerContainer)).toBe(container.resolve(PerContainer))
    expect(container.resolve('Once')).toBe(container.resolve('Once'))
    await scope.dispose()
    expect(log).toEqual(['Once', 'PerContainer'])
  })

  it('leaves a useValue override alone, and disposes it, after its dependents, when it says dispose: true', async () => {
    const log: Log = []
    const trx = {
      rollback: () => log.push('trx'),
      dispose: () => log.push('trx.dispose'),
    }
    class Repository {
      constructor(readonly db: typeof trx) {}
      dispose(): void {
        log.push('Repository')
      }
    }
    injects(Repository, 'Db')
    const scope = createScope()
    const kept = createTestContainer({ scope, overrides: [{ token: 'Db', useValue: trx }] })
    expect(kept.resolve(Repository).db).toBe(trx)
    await scope.dispose()
    expect(log).toEqual(['Repository'])

    log.length = 0
    const owning = createScope()
    const disposing = createTestContainer({
      scope: owning,
      overrides: [{ token: 'Db', useValue: trx, dispose: true }],
    })
    disposing.resolve(Repository)
    const report = await owning.dispose()
    expect(log).toEqual(['Repository', 'trx.dispose'])
    // Once disposed, it holds nothing of the test's: its registrations are dropped.
    expect(disposing.isRegistered('Db')).toBe(false)
    expect(report.entries.map((e) => e.label)).toContain('"Db" (a value)')
  })

  it('disposes a dispose: true value with no dispose method through the registry, else refuses it', async () => {
    const controller = new AbortController()
    const scope = createScope()
    createTestContainer({
      scope,
      overrides: [{ token: 'Signal', useValue: controller, dispose: true }],
    })
    await scope.dispose()
    expect(controller.signal.aborted).toBe(true)

    let error: unknown
    try {
      createTestContainer({
        scope: createScope(),
        overrides: [{ token: 'Config', useValue: { port: 1 }, dispose: true }],
      })
    } catch (caught) {
      error = caught
    }
    expect(error).toMatchObject({
      name: 'UnknownResourceError',
      code: 'ERR_CLEANROOM_UNKNOWN_RESOURCE',
      message: expect.stringMatching(
        /^Cannot track an object in scope "[^"]*tsyringe container"/,
      ) as unknown,
    })
  })

  it('tracks what was built before a constructor threw, and rethrows its error', async () => {
    const log: Log = []
    class Built {
      dispose(): void {
        log.push('Built')
      }
    }
    class Throws {
      constructor(readonly built: Built) {
        throw new Error('cannot start')
      }
    }
    injects(Throws, Built)
    const scope = createScope()
    const container = createTestContainer({ scope })
    expect(() => container.resolve(Throws)).toThrow('cannot start')
    await scope.dispose()
    expect(log).toEqual(['Built'])
  })

  it('disposes what a factory returns only when its override says dispose: true', async () => {
    const log: Log = []
    class Made {
      dispose(): void {
        log.push('Made')
      }
    }
    class Built {
      dispose(): void {
        log.push('Built')
      }
    }
    const scope = createScope()
    const container = createTestContainer({
      scope,
      overrides: [
        { token: 'Kept', useFactory: (c) => ({ built: c.resolve(Built), made: new Made() }) },
        { token: 'Disposed', useFactory: () => new Made(), dispose: true },
        // A caching factory returns one value: it is disposed once.
        { token: 'Cached', useFactory: instanceCachingFactory(() => new Made()), dispose: true },
      ],
    })
    container.resolve('Kept')
    container.resolve('Disposed')
    container.resolve('Cached')
    container.resolve('Cached')
    const report = await scope.dispose()
    expect(log).toEqual(['Made', 'Made'])
    expect(report.entries.map((e) => e.label)).toEqual([
      '"Cached" (from its factory)',
      '"Disposed" (from its factory)',
      'tsyringe container',
    ])
  })

  it("leaves alone what a parent's factory returns and builds", async () => {
    const log: Log = []
    class Built {
      dispose(): void {
        log.push('Built')
      }
    }
    const parent = parentWith((p) => p.register('Thing', { useFactory: (c) => c.resolve(Built) }))
    const scope = createScope()
    createTestContainer(parent, { scope }).resolve('Thing')
    await scope.dispose()
    expect(log).toEqual([])
  })

  it('leaves alone what a useClass override builds when it says dispose: false', async () => {
    const log: Log = []
    class Shared {
      dispose(): void {
        log.push('Shared')
      }
    }
    const scope = createScope()
    createTestContainer({
      scope,
      overrides: [{ token: 'Shared', useClass: Shared, dispose: false }],
    }).resolve('Shared')
    await scope.dispose()
    expect(log).toEqual([])
  })

  it("registers overrides over the parent's registrations for the same token", async () => {
    const parent = parentWith((p) => p.register('Clock', { useValue: { now: () => 1 } }))
    const scope = createScope()
    const container = createTestContainer(parent, {
      scope,
      overrides: [{ token: 'Clock', useValue: { now: () => 0 } }],
    })
    expect(container.resolve<{ now(): number }>('Clock').now()).toBe(0)
    expect(parent.resolve<{ now(): number }>('Clock').now()).toBe(1)
    // With no parent given, tsyringe's global container is the parent.
    globalContainer.register('GlobalClock', { useValue: { now: () => 2 } })
    const fromGlobal = createTestContainer(undefined, {
      scope,
      overrides: [{ token: 'Clock', useValue: { now: () => 3 } }],
    })
    expect(fromGlobal.resolve<{ now(): number }>('GlobalClock').now()).toBe(2)
    expect(fromGlobal.resolve<{ now(): number }>('Clock').now()).toBe(3)
    await scope.dispose()
  })

  it('follows useToken aliases and resolveAll', async () => {
    const log: Log = []
    class Impl {
      dispose(): void {
        log.push('Impl')
      }
    }
    const scope = createScope()
    const container = createTestContainer({
      scope,
      overrides: [
        { token: 'Alias', useToken: Impl },
        { token: 'Many', useClass: Impl },
        { token: 'Many', useClass: Impl },
      ],
    })
    container.resolve('Alias')
    expect(container.resolveAll('Many')).toHaveLength(2)
    const report = await scope.dispose()
    expect(log).toEqual(['Impl', 'Impl', 'Impl'])
    expect(report.entries.filter((e) => e.label === 'Impl')).toHaveLength(3)
  })

  it('refuses to resolve once disposed, with ContainerDisposedError', async () => {
    class Thing {
      readonly name = 'thing'
    }
    const scope = createScope({ name: 'test' })
    const container = createTestContainer({ scope, label: 'users container' })
    await scope.dispose()
    const attempts: [string, () => unknown][] = [
      ['resolve(Thing)', () => container.resolve(Thing)],
      ['resolve("Db")', () => container.resolve('Db')],
      ['resolveAll(Thing)', () => container.resolveAll(Thing)],
      ['register()', () => container.register('x', { useValue: 1 })],
      ['createChildContainer()', () => container.createChildContainer()],
    ]
    for (const [call, attempt] of attempts) {
      let error: unknown
      try {
        attempt()
      } catch (caught) {
        error = caught
      }
      expect(error).toBeInstanceOf(ContainerDisposedError)
      expect(error).toMatchObject({
        code: 'ERR_CLEANROOM_CONTAINER_DISPOSED',
        container: 'users container',
        state: 'disposed',
      })
      expect((error as Error).message).toMatch(
        new RegExp(
          `^Cannot ${call.replace(/[()]/g, '\\$&')}: test container "users container" \\(created at ${thisFile}:\\d+:\\d+\\) is disposed, and the instances it built were disposed with it\\.`,
        ),
      )
    }
    expect(() => createTestContainer(container, { scope: createScope() })).toThrow(
      ContainerDisposedError,
    )
  })

  it('refuses to resolve while its instances are being disposed', async () => {
    let seen: unknown
    class Late {
      constructor(readonly container: DependencyContainer) {}
      dispose(): void {
        try {
          this.container.resolve('anything')
        } catch (error) {
          seen = error
        }
      }
    }
    const scope = createScope()
    const container = createTestContainer({ scope })
    container.register(Late, { useFactory: (c) => new Late(c) })
    const late = container.resolve<Late>(Late)
    scope.track(late, {
      dispose: () => {
        late.dispose()
      },
    })
    await scope.dispose()
    expect(seen).toBeInstanceOf(ContainerDisposedError)
    expect(seen).toMatchObject({
      code: 'ERR_CLEANROOM_CONTAINER_DISPOSED',
      state: 'disposing',
      message: expect.stringMatching(
        /^Cannot resolve\("anything"\): test container "tsyringe container" \(created at [^)]+\) is disposing, and the instances it built are being disposed with it\./,
      ) as unknown,
    })
  })

  it('disposes early, the same way, with dispose() or await using, and never calls tsyringe’s', async () => {
    const log: Log = []
    const { Db, UsersService } = defineGraph(log)
    const scope = createScope()
    {
      await using container = createTestContainer({
        scope,
        overrides: [{ token: 'Db', useClass: Db }],
      })
      container.resolve(UsersService)
    }
    expect(log).toEqual(['UsersService', 'UsersRepository', 'Db'])
    const second = createTestContainer({ scope, overrides: [{ token: 'Db', useClass: Db }] })
    second.resolve(UsersService)
    await second.dispose()
    expect(log).toHaveLength(6)
    expect(scope.state).toBe('open')
    const report = await scope.dispose()
    expect(report.entries).toEqual([])
  })

  it('tracks in the current scope when no scope is given, and says when there is none', () => {
    let error: unknown
    try {
      createTestContainer()
    } catch (caught) {
      error = caught
    }
    expect(error).toMatchObject({
      code: 'ERR_CLEANROOM_NO_ACTIVE_SCOPE',
      message: expect.stringMatching(
        /^createTestContainer\(\) was called, but cleanroom is not installed/,
      ) as unknown,
    })
  })

  it('registers its kind into the default registry, matching test containers only', async () => {
    expect(defaultRegistry.get('tsyringe-container')).toBe(tsyringeContainerKind)
    const scope = createScope()
    expect(tsyringeContainerKind.match(createTestContainer({ scope }))).toBe(true)
    expect(tsyringeContainerKind.match(globalContainer.createChildContainer())).toBe(false)
    await scope.dispose()
  })

  it('recognises test containers made by the other build (ESM and CommonJS in one process)', async () => {
    const commonjs = createRequire(import.meta.url)(
      'cleanroom/tsyringe',
    ) as typeof import('cleanroom/tsyringe')
    expect(commonjs.createTestContainer).not.toBe(createTestContainer)
    const log: Log = []
    class Closes {
      dispose(): void {
        log.push('Closes')
      }
    }
    const scope = createScope()
    const container = commonjs.createTestContainer({ scope })
    container.resolve(Closes)
    expect(tsyringeContainerKind.match(container)).toBe(true)
    await scope.dispose()
    expect(log).toEqual(['Closes'])
  })

  it('rejects bad input at the call, naming the option and the value', () => {
    const scope = createScope()
    class Thing {
      readonly name = 'thing'
    }
    const cases: [() => unknown, string][] = [
      [
        () => createTestContainer(42 as never),
        'createTestContainer: expected `parent` to be a tsyringe container (or the options object), got 42',
      ],
      [
        () => createTestContainer({ scope, bogus: 1 } as never),
        'createTestContainer: unknown option `bogus`. Known options: `overrides`, `scope`, `label`, `timeout`',
      ],
      [
        () => createTestContainer({ scope, timeout: -1 }),
        'createTestContainer: expected `timeout` to be a positive number of milliseconds, got -1',
      ],
      [
        () => createTestContainer({ scope, label: 3 as never }),
        'createTestContainer: expected `label` to be a string, got 3',
      ],
      [
        () => createTestContainer({ scope: {} as never }),
        'createTestContainer: expected `scope` to be a scope from createScope(), got an object',
      ],
      [
        () => createTestContainer({ scope, overrides: {} as never }),
        'createTestContainer: expected `overrides` to be an array of { token, useClass | useValue | useFactory | useToken }, got an object',
      ],
      [
        () => createTestContainer({ scope, overrides: [{ token: '', useValue: 1 }] }),
        'createTestContainer: expected `overrides[0].token` to be a class, a non-empty string or a symbol, got ""',
      ],
      [
        () => createTestContainer({ scope, overrides: [{ token: 'x' } as never] }),
        'createTestContainer: expected `overrides[0]` to have exactly one of `useClass`, `useValue`, `useFactory` or `useToken`, got none',
      ],
      [
        () =>
          createTestContainer({
            scope,
            overrides: [{ token: 'x', useValue: 1, useClass: Thing }],
          }),
        'createTestContainer: expected `overrides[0]` to have exactly one of `useClass`, `useValue`, `useFactory` or `useToken`, got `useClass` and `useValue`',
      ],
      [
        () =>
          createTestContainer({ scope, overrides: [{ token: 'x', useClass: 'Thing' as never }] }),
        'createTestContainer: expected `overrides[0].useClass` to be a class, got "Thing"',
      ],
      [
        () =>
          createTestContainer({
            scope,
            overrides: [{ token: 'x', useValue: 1, lifecycle: Lifecycle.Singleton }],
          }),
        'createTestContainer: `overrides[0].lifecycle` applies to `useClass` and `useToken` only (tsyringe gives a value or a factory no lifecycle), got it with `useValue`',
      ],
      [
        () =>
          createTestContainer({
            scope,
            overrides: [{ token: 'x', useClass: Thing, lifecycle: 7 as never }],
          }),
        'createTestContainer: expected `overrides[0].lifecycle` to be a tsyringe Lifecycle (Transient, Singleton, ResolutionScoped or ContainerScoped), got 7',
      ],
      [
        () =>
          createTestContainer({
            scope,
            overrides: [{ token: 'x', useValue: 1, dispose: 'yes' as never }],
          }),
        'createTestContainer: expected `overrides[0].dispose` to be a boolean, got "yes"',
      ],
      [
        () =>
          createTestContainer({ scope, overrides: [{ token: 'x', useValue: 1, dispose: true }] }),
        'createTestContainer: `overrides[0].dispose` is true, but `overrides[0].useValue` is 1, which has nothing to dispose',
      ],
      [
        () =>
          createTestContainer({
            scope,
            overrides: [{ token: 'x', useToken: 'y', dispose: true }],
          }),
        "createTestContainer: `overrides[0].dispose` does not apply to `useToken`: what the other token resolves to is disposed (or not) as that token's registration says",
      ],
      [
        () =>
          createTestContainer({ scope, overrides: [{ token: 'x', useValue: 1, scope } as never] }),
        'createTestContainer: unknown field `overrides[0].scope`. Known fields: `token`, `useClass`, `useValue`, `useFactory`, `useToken`, `lifecycle`, `dispose`',
      ],
    ]
    for (const [call, message] of cases) {
      expect(call).toThrow(new TypeError(message))
    }
  })

  it('fails with a clear error when tsyringe lacks the internals it follows', () => {
    const scope = createScope()
    const fake = {
      resolve: () => undefined,
      register: () => fake,
      createChildContainer: () => ({ resolve: () => undefined, register: () => undefined }),
    }
    expect(() => createTestContainer(fake as never, { scope })).toThrow(
      /^cleanroom\/tsyringe cannot follow what this tsyringe container builds: its container has no `construct`, `resolveRegistration` or `_registry`/,
    )
  })
})
