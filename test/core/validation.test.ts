import { describe, expect, it } from 'vitest'
import { createRegistry, createScope, defineFixture, defineKind } from 'cleanroom'

/** Calls `fn` with arguments the types forbid, as JavaScript callers can. */
function loosely(fn: (...args: never[]) => unknown, ...args: unknown[]): () => unknown {
  return () => (fn as (...args: unknown[]) => unknown)(...args)
}

describe('bad input is refused at the call, naming the option and the value', () => {
  it.each([
    [
      { timeout: -1 },
      'createScope: expected `timeout` to be a positive number of milliseconds, got -1',
    ],
    [
      { timeout: 0 },
      'createScope: expected `timeout` to be a positive number of milliseconds, got 0',
    ],
    [
      { timeout: '5s' },
      'createScope: expected `timeout` to be a positive number of milliseconds, got "5s"',
    ],
    [
      { budget: Number.NaN },
      'createScope: expected `budget` to be a positive number of milliseconds, got NaN',
    ],
    [{ concurrency: 0 }, 'createScope: expected `concurrency` to be a positive integer, got 0'],
    [{ concurrency: 1.5 }, 'createScope: expected `concurrency` to be a positive integer, got 1.5'],
    [
      { order: 'fifo' },
      "createScope: expected `order` to be one of 'lifo', 'dependencies', got \"fifo\"",
    ],
    [
      { level: 'suite' },
      "createScope: expected `level` to be one of 'worker', 'file', 'test', got \"suite\"",
    ],
    [{ name: 42 }, 'createScope: expected `name` to be a string, got 42'],
    [
      { registry: {} },
      'createScope: expected `registry` to be a registry from createRegistry(), got an object',
    ],
    [
      { timeuot: 5 },
      'createScope: unknown option `timeuot`. Known options: `name`, `level`, `registry`, `timeout`, `budget`, `order`, `concurrency`',
    ],
  ])('createScope(%o)', (options, message) => {
    const call = loosely(createScope, options)
    expect(call).toThrow(TypeError)
    expect(call).toThrow(message)
  })

  it('refuses options that are not an object', () => {
    expect(loosely(createScope, 'fast')).toThrow(
      'createScope: expected `options` to be an object, got "fast"',
    )
  })

  it('refuses bad child scope names and options', async () => {
    const scope = createScope()
    expect(loosely(scope.child.bind(scope), '')).toThrow(
      'scope.child: expected `name` to be a non-empty string, got ""',
    )
    expect(loosely(scope.child.bind(scope), 'c', { concurrency: -2 })).toThrow(
      'scope.child: expected `concurrency` to be a positive integer, got -2',
    )
    await scope.dispose()
  })

  it('refuses to track nothing', () => {
    const scope = createScope()
    expect(loosely(scope.track.bind(scope), undefined)).toThrow(
      'scope.track: expected a value to track, got undefined',
    )
    expect(loosely(scope.track.bind(scope), null)).toThrow(
      'scope.track: expected a value to track, got null',
    )
  })

  it('refuses bad track options', () => {
    const scope = createScope()
    const track = scope.track.bind(scope)
    expect(loosely(track, {}, { dispose: 'close' })).toThrow(
      'scope.track: expected `dispose` to be a function, got "close"',
    )
    expect(loosely(track, {}, { dispose: () => undefined, timeout: -5 })).toThrow(
      'scope.track: expected `timeout` to be a positive number of milliseconds, got -5',
    )
    expect(loosely(track, {}, { dispose: () => undefined, dependOn: [] })).toThrow(
      'scope.track: unknown option `dependOn`. Known options: `kind`, `dispose`, `label`, `dependsOn`, `timeout`',
    )
    expect(loosely(track, {}, { dispose: () => undefined, dependsOn: {} })).toThrow(
      'scope.track: expected `dependsOn` to be an array of tracked values, got an object',
    )
    expect(loosely(track, new AbortController(), { kind: 'redis' })).toThrow(
      /^scope\.track: unknown kind "redis"\. Registered kinds: "disposable", "stream", "server", .*\. Register it with registry\.register\(defineKind\(…\)\)\.$/,
    )
    expect(loosely(track, new AbortController(), { kind: 'socket' })).toThrow(
      'scope.track: an AbortController is not a "socket": the kind\'s match() rejects it',
    )
  })

  it('refuses bad defer calls', () => {
    const scope = createScope()
    const defer = scope.defer.bind(scope)
    expect(loosely(defer, 'cleanup')).toThrow(
      'scope.defer: expected `cleanup` to be a function, got "cleanup"',
    )
    expect(loosely(defer, () => undefined, { label: 7 })).toThrow(
      'scope.defer: expected `label` to be a string, got 7',
    )
  })

  it('refuses malformed kinds', () => {
    expect(loosely(defineKind, { name: 'pool', dispose: () => undefined })).toThrow(
      'defineKind("pool"): expected `match` to be a function, got undefined',
    )
    expect(loosely(defineKind, { match: () => true, dispose: () => undefined })).toThrow(
      'defineKind: expected `name` to be a non-empty string, got undefined',
    )
    expect(loosely(defineKind, { name: 'pool', match: () => true })).toThrow(
      'defineKind("pool"): expected `dispose` to be a function, got undefined',
    )
    expect(
      loosely(defineKind, {
        name: 'pool',
        match: () => true,
        dispose: () => undefined,
        timeout: 0,
      }),
    ).toThrow(
      'defineKind("pool"): expected `timeout` to be a positive number of milliseconds, got 0',
    )
    expect(loosely(createRegistry().register.bind(createRegistry()), { name: 'x' })).toThrow(
      'registry.register: expected a kind from defineKind(), got an object',
    )
  })

  it('refuses malformed fixtures', async () => {
    expect(loosely(defineFixture, { name: 'db' })).toThrow(
      'defineFixture("db"): expected `setup` to be a function, got undefined',
    )
    expect(loosely(defineFixture, { name: 'db', setup: () => 1, level: 'suite' })).toThrow(
      "defineFixture(\"db\"): expected `level` to be one of 'worker', 'file', 'test', got \"suite\"",
    )
    expect(loosely(defineFixture, { name: 'db', setup: () => 1, deps: { pool: {} } })).toThrow(
      'defineFixture("db"): expected `deps.pool` to be a fixture from defineFixture(), got an object',
    )
    const scope = createScope()
    await expect(
      loosely(scope.use.bind(scope), { name: 'fake' })() as Promise<unknown>,
    ).rejects.toThrow('scope.use: expected a fixture from defineFixture(), got an object')
    await scope.dispose()
  })
})
