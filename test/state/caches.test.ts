import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  CacheClearError,
  CleanupError,
  createScope,
  defer,
  DisposeError,
  NoActiveScopeError,
  ScopeClosedError,
  trackCache,
} from 'cleanroom'
import { installCleanroom } from 'cleanroom/hooks'
import { fakeRunner } from '../helpers/fake-runner.ts'
import { thrown } from '../helpers/thrown.ts'
import { installedRuntime } from '../helpers/process-values.ts'

const sitePattern = 'test/state/caches\\.test\\.ts:\\d+:\\d+'

describe('trackCache before cleanroom is installed', () => {
  it('throws NoActiveScopeError when no scope is given', () => {
    const error = thrown(() => trackCache(new Map()))
    expect(error).toBeInstanceOf(NoActiveScopeError)
    expect((error as NoActiveScopeError).code).toBe('ERR_CLEANROOM_NO_ACTIVE_SCOPE')
    expect((error as Error).message).toMatch(
      /^trackCache\(\) was called, but cleanroom is not installed in this process/,
    )
  })

  it('rejects bad input with a TypeError naming it and the value', () => {
    const register = trackCache as (cache: unknown, options?: unknown) => unknown
    const scope = createScope()
    expect(() => register(null)).toThrow(
      new TypeError('trackCache: expected `cache` to be an object with a clear() method, got null'),
    )
    expect(() => register({ clean: () => undefined })).toThrow(
      new TypeError(
        'trackCache: expected `cache` to be an object with a clear() method, got an object',
      ),
    )
    expect(() => register(new Map(), 42)).toThrow(
      new TypeError('trackCache: expected `options` to be an object, got 42'),
    )
    expect(() => register(new Map(), { label: 1, scope })).toThrow(
      new TypeError('trackCache: expected `label` to be a string, got 1'),
    )
    expect(() => register(new Map(), { scope, timeout: 0 })).toThrow(
      new TypeError(
        'trackCache: expected `timeout` to be a positive number of milliseconds, got 0',
      ),
    )
    expect(() => register(new Map(), { scope, lable: 'x' })).toThrow(
      new TypeError(
        'trackCache: unknown option `lable`. Known options: `label`, `scope`, `timeout`',
      ),
    )
    expect(() => register(new Map(), { scope: 'file' })).toThrow(
      new TypeError(
        'trackCache: expected `scope` to be a Scope (from createScope() or currentScope()), got "file"',
      ),
    )
  })

  it('refuses a cache registered already, naming its label', async () => {
    const scope = createScope()
    const cache = trackCache(new Set<string>(), { label: 'seen ids', scope })
    expect(() => trackCache(cache, { scope })).toThrow(
      new TypeError(
        'trackCache: a Set is registered already, as "seen ids". Register a cache once.',
      ),
    )
    await scope.dispose()
  })

  it('clears the cache and unregisters it when its scope ends', async () => {
    const scope = createScope({ name: 'explicit' })
    const cache = trackCache(new Map([['a', 1]]), { scope, label: 'letters' })
    const report = await scope.dispose()
    expect(cache.size).toBe(0)
    expect(report.entries).toMatchObject([
      {
        label: 'cache letters',
        outcome: 'ok',
        created: expect.stringMatching(sitePattern) as unknown,
      },
    ])
    // Unregistered: it can be registered again.
    const again = createScope()
    trackCache(cache, { scope: again })
    await again.dispose()
  })

  it('reports a clear() that throws when its scope ends', async () => {
    const scope = createScope({ name: 'explicit' })
    const boom = new Error('clear failed')
    trackCache(
      {
        clear() {
          throw boom
        },
      },
      { scope, label: 'broken' },
    )
    const error = await scope.dispose().catch((error: unknown) => error)
    expect(error).toBeInstanceOf(CleanupError)
    const failure = (error as CleanupError).errors[0]
    expect(failure).toBeInstanceOf(DisposeError)
    expect(failure?.cause).toBe(boom)
    expect(failure?.message).toMatch(
      new RegExp(
        `^Cleanup of "cache broken" \\(created at ${sitePattern}\\) in scope "explicit" failed: Error: clear failed$`,
      ),
    )
  })

  it('throws ScopeClosedError on a disposed scope', async () => {
    const scope = createScope({ name: 'gone' })
    await scope.dispose()
    const error = thrown(() => trackCache(new Map(), { scope, label: 'late' }))
    expect(error).toBeInstanceOf(ScopeClosedError)
    expect((error as ScopeClosedError).code).toBe('ERR_CLEANROOM_SCOPE_CLOSED')
    expect((error as Error).message).toBe(
      'Cannot track "cache late": scope "gone" is disposed. Create resources before the scope is disposed, or track them in a scope that is still open.',
    )
  })
})

describe('trackCache with cleanroom installed', () => {
  const { runner, run, test } = fakeRunner()
  beforeAll(() => {
    installCleanroom(runner, { leaks: 'off' })
  })

  afterAll(async () => {
    // Leave the process as this file found it: no runtime installed.
    const holder = installedRuntime()
    await holder.runtime?.endWorker()
    holder.runtime = undefined
  })

  it('clears a cache registered in the file scope after every test of the file, and once more when the file ends', async () => {
    await run('beforeAll')
    const clears: string[] = []
    const cache = new Map<string, number>()
    trackCache(
      {
        clear() {
          clears.push([...cache.keys()].join(','))
          cache.clear()
        },
      },
      'file cache',
    )
    expect(
      await test('first', () => {
        cache.set('first', 1)
        // The test's own cleanups run first: what they put in the cache is cleared too.
        defer(() => void cache.set('cleanup', 1))
      }),
    ).toBeUndefined()
    expect(cache.size).toBe(0)
    expect(await test('second', () => void cache.set('second', 2))).toBeUndefined()
    expect(cache.size).toBe(0)
    expect(clears).toEqual(['first,cleanup', 'second'])
    await run('afterAll')
    expect(clears).toEqual(['first,cleanup', 'second', ''])
    // Unregistered with the file's scope: the next file's tests leave it alone.
    await run('beforeAll')
    cache.set('kept', 3)
    expect(await test('next file', () => undefined)).toBeUndefined()
    expect(cache.get('kept')).toBe(3)
    await run('afterAll')
  })

  it('clears a cache registered in a test when that test ends, and not after the next one', async () => {
    await run('beforeAll')
    const cache = new Map<string, number>()
    expect(
      await test('registers', () => {
        trackCache(cache, 'test cache')
        cache.set('a', 1)
      }),
    ).toBeUndefined()
    expect(cache.size).toBe(0)
    cache.set('b', 2)
    expect(await test('later', () => undefined)).toBeUndefined()
    expect(cache.get('b')).toBe(2)
    await run('afterAll')
  })

  it('fails the test after which clear() throws, keeps the cache registered, and clears it again after the next test', async () => {
    await run('beforeAll')
    let fail = true
    const cache = new Map<string, number>()
    const boom = new Error('eviction failed')
    trackCache(
      {
        clear() {
          if (fail) throw boom
          cache.clear()
        },
      },
      'flaky cache',
    )
    const error = await test('first', () => void cache.set('x', 1))
    expect(error).toBeInstanceOf(CacheClearError)
    const failure = error as CacheClearError
    expect(failure.code).toBe('ERR_CLEANROOM_CACHE_CLEAR')
    expect(failure.label).toBe('flaky cache')
    expect(failure.cause).toBe(boom)
    expect(failure.message).toMatch(
      new RegExp(
        `^Clearing cache "flaky cache" \\(registered at ${sitePattern}\\) after the test failed: its clear\\(\\) failed: Error: eviction failed\\. The cache stays registered and is cleared again after the next test: make its clear\\(\\) succeed\\.$`,
      ),
    )
    fail = false
    expect(await test('second', () => undefined)).toBeUndefined()
    expect(cache.size).toBe(0)
    await run('afterAll')
  })

  it('reports a clear() that rejects, or that does not settle within its timeout', async () => {
    await run('beforeAll')
    trackCache(
      { clear: () => Promise.reject(new Error('async clear failed')) },
      { label: 'rejecting' },
    )
    let release: (() => void) | undefined
    trackCache(
      { clear: () => new Promise<void>((resolve) => (release = resolve)) },
      { label: 'hanging', timeout: 50 },
    )
    const error = await test('both', () => undefined)
    expect(error).toBeInstanceOf(AggregateError)
    const [rejecting, hanging] = (error as AggregateError).errors as CacheClearError[]
    expect(rejecting).toBeInstanceOf(CacheClearError)
    expect(rejecting?.message).toContain(
      'Clearing cache "rejecting" (registered at test/state/caches.test.ts:',
    )
    expect(rejecting?.message).toContain(
      'after the test failed: its clear() failed: Error: async clear failed.',
    )
    expect(hanging).toBeInstanceOf(CacheClearError)
    expect(hanging?.code).toBe('ERR_CLEANROOM_CACHE_CLEAR')
    expect(hanging?.message).toContain(
      'after the test failed: its clear() did not settle within 50 ms. The cache stays registered',
    )
    release?.()
    // The file's end clears them once more, through their scope entries: the same failures
    // (the new clear() of the hanging one never settles).
    const fileError = await run('afterAll').catch((error: unknown) => error)
    expect(fileError).toBeInstanceOf(CleanupError)
    expect((fileError as CleanupError).errors.map((failure) => failure.resource.label)).toEqual([
      'cache hanging',
      'cache rejecting',
    ])
  })

  it('reports a failed clear() together with the failed cleanup of the test scope', async () => {
    await run('beforeAll')
    trackCache(
      {
        clear() {
          throw new Error('cache broke')
        },
      },
      'broken cache',
    )
    const error = await test('two failures', () => {
      defer(
        () => {
          throw new Error('cleanup broke')
        },
        { label: 'failing cleanup' },
      )
    })
    expect(error).toBeInstanceOf(AggregateError)
    const [cleanup, cache] = (error as AggregateError).errors as [DisposeError, CacheClearError]
    expect(cleanup).toBeInstanceOf(DisposeError)
    expect(cleanup.resource.label).toBe('failing cleanup')
    expect(cache).toBeInstanceOf(CacheClearError)
    expect(cache.label).toBe('broken cache')
    expect((error as Error).message).toMatch(/^cleanroom: cleanups failed in 2 scopes:\n/)
    await run('afterAll').catch(() => undefined)
  })
})
