import { runInNewContext } from 'node:vm'
import { describe, expect, it } from 'vitest'
import {
  CleanroomError,
  CleanupError,
  DependencyCycleError,
  createScope,
  DisposeError,
  DisposeTimeoutError,
  ScopeClosedError,
  UnknownDependencyError,
  UnknownResourceError,
} from 'cleanroom'
import { never } from '../helpers/timing.ts'

const thisFile = 'test/core/errors.test.ts'

describe('collecting failures', () => {
  it('runs every disposer when others throw, reject or hang, and reports each failure', async () => {
    const scope = createScope({ name: 'suite', timeout: 50 })
    const ran: string[] = []
    scope.defer(() => void ran.push('first'), { label: 'first' })
    scope.defer(
      () => {
        ran.push('throws')
        throw new Error('sync failure')
      },
      { label: 'throws' },
    )
    scope.defer(
      async () => {
        ran.push('rejects')
        await Promise.resolve()
        throw new TypeError('async failure')
      },
      { label: 'rejects' },
    )
    scope.defer(
      () => {
        ran.push('hangs')
        return never()
      },
      { label: 'hangs' },
    )
    scope.defer(() => void ran.push('last'), { label: 'last' })

    const error = await scope.dispose().then(
      () => undefined,
      (thrown: unknown) => thrown,
    )
    expect(ran).toEqual(['last', 'hangs', 'rejects', 'throws', 'first'])
    expect(error).toBeInstanceOf(CleanupError)
    expect(error).toBeInstanceOf(AggregateError)
    expect(error).toBeInstanceOf(CleanroomError)
    const cleanup = error as CleanupError
    expect(cleanup.code).toBe('ERR_CLEANROOM_CLEANUP')
    expect(cleanup.errors.map((failure) => failure.resource.label)).toEqual([
      'hangs',
      'rejects',
      'throws',
    ])
    const [hang, reject, thrown] = cleanup.errors
    expect(hang).toBeInstanceOf(DisposeTimeoutError)
    expect(hang?.code).toBe('ERR_CLEANROOM_DISPOSE_TIMEOUT')
    expect(reject).toBeInstanceOf(DisposeError)
    expect(reject).not.toBeInstanceOf(DisposeTimeoutError)
    expect(reject?.code).toBe('ERR_CLEANROOM_DISPOSE')
    expect((reject?.cause as Error).message).toBe('async failure')
    expect((thrown?.cause as Error).message).toBe('sync failure')
    for (const failure of cleanup.errors) {
      expect(failure.resource.created).toMatch(new RegExp(`^${thisFile}:\\d+:\\d+$`))
      expect(failure.resource.scope).toBe('suite')
    }
    expect(cleanup.message).toMatch(
      new RegExp(
        [
          '^3 of 5 cleanups failed in scope "suite":',
          `  - "hangs" \\(created at ${thisFile}:\\d+:\\d+\\): timed out after 50 ms`,
          `  - "rejects" \\(created at ${thisFile}:\\d+:\\d+\\): TypeError: async failure`,
          `  - "throws" \\(created at ${thisFile}:\\d+:\\d+\\): Error: sync failure`,
          'Every other cleanup ran\\.',
        ].join('\\n'),
      ),
    )
    expect(cleanup.report.totals).toMatchObject({ entries: 5, ok: 2, error: 2, timeout: 1 })
    expect(cleanup.report.entries.map((entry) => entry.outcome)).toEqual([
      'ok',
      'timeout',
      'error',
      'error',
      'ok',
    ])
  })

  it('names the failed resource, where it was tracked, and the cause in each DisposeError', async () => {
    const scope = createScope({ name: 'db' })
    scope.track(
      { close: () => undefined },
      {
        label: 'connection pool',
        dispose: () => {
          throw new Error('pool is draining')
        },
      },
    )
    const error = (await scope.dispose().catch((thrown: unknown) => thrown)) as CleanupError
    const [failure] = error.errors
    expect(failure?.message).toMatch(
      new RegExp(
        `^Cleanup of "connection pool" \\(created at ${thisFile}:\\d+:\\d+\\) in scope "db" failed: Error: pool is draining$`,
      ),
    )
    expect(failure?.resource).toMatchObject({ label: 'connection pool', kind: 'custom' })
  })

  it('reports a non-error thrown value without losing it', async () => {
    const scope = createScope()
    scope.defer(() => {
      // eslint-disable-next-line @typescript-eslint/only-throw-error -- the case under test
      throw 'a string'
    })
    const error = (await scope.dispose().catch((thrown: unknown) => thrown)) as CleanupError
    expect(error.errors[0]?.cause).toBe('a string')
    expect(error.errors[0]?.message).toContain('threw a non-error value: a string')
  })

  it('names an error of another realm by its name and message (as Node’s are under Jest)', async () => {
    const foreign = runInNewContext('new TypeError("busy executing a query")') as Error
    expect(foreign instanceof Error).toBe(false)
    const scope = createScope()
    scope.defer(() => {
      throw foreign
    })
    const error = (await scope.dispose().catch((thrown: unknown) => thrown)) as CleanupError
    expect(error.errors[0]?.cause).toBe(foreign)
    expect(error.errors[0]?.message).toContain('failed: TypeError: busy executing a query')
  })

  it('rejects from Symbol.asyncDispose, so `await using` surfaces failures', async () => {
    const scope = createScope()
    scope.defer(() => {
      throw new Error('boom')
    })
    await expect(scope[Symbol.asyncDispose]()).rejects.toBeInstanceOf(CleanupError)
  })
})

describe('idempotent dispose', () => {
  it('returns the first call’s result and runs each disposer once', async () => {
    const scope = createScope()
    let calls = 0
    scope.defer(() => {
      calls++
    })
    const first = scope.dispose()
    const second = scope.dispose()
    expect(second).toBe(first)
    expect(scope.state).toBe('disposing')
    const report = await first
    expect(await scope.dispose()).toBe(report)
    expect(calls).toBe(1)
    expect(scope.state).toBe('disposed')
  })

  it('returns the same CleanupError to every caller', async () => {
    const scope = createScope()
    scope.defer(() => {
      throw new Error('once')
    })
    const first = await scope.dispose().catch((thrown: unknown) => thrown)
    const second = await scope.dispose().catch((thrown: unknown) => thrown)
    expect(second).toBe(first)
  })
})

describe('ScopeClosedError', () => {
  it('refuses track, defer and child once the scope is disposed', async () => {
    const scope = createScope({ name: 'request' })
    await scope.dispose()
    const attempts = [
      () => scope.track(new AbortController(), { label: 'late' }),
      () => {
        scope.defer(() => undefined, { label: 'late defer' })
      },
      () => scope.child('late child'),
    ]
    for (const attempt of attempts) {
      expect(attempt).toThrow(ScopeClosedError)
    }
    expect(attempts[0]).toThrow(
      'Cannot track "late": scope "request" is disposed. Create resources before the scope is disposed, or track them in a scope that is still open.',
    )
    try {
      attempts[1]?.()
    } catch (error) {
      expect((error as ScopeClosedError).code).toBe('ERR_CLEANROOM_SCOPE_CLOSED')
    }
  })

  it('refuses new entries while disposing, also in child scopes', async () => {
    const parent = createScope({ name: 'parent' })
    const child = parent.child('child')
    let refused: unknown
    let childState: string | undefined
    parent.defer(() => {
      childState = child.state
      try {
        child.defer(() => undefined, { label: 'too late' })
      } catch (error) {
        refused = error
      }
    })
    // The child was created before the defer, so it is disposed after it: still open then.
    await parent.dispose()
    expect(childState).toBe('disposing')
    expect(refused).toBeInstanceOf(ScopeClosedError)
    expect((refused as Error).message).toBe(
      'Cannot defer "too late": scope "parent › child" is disposing (its ancestor "parent" is disposing). Create resources before the scope is disposed, or track them in a scope that is still open.',
    )
  })
})

describe('UnknownResourceError', () => {
  it('is thrown by track(), not at teardown, with the fix', () => {
    const scope = createScope({ name: 'files' })
    class Pool {
      readonly size = 1
    }
    expect(() => scope.track(new Pool())).toThrow(UnknownResourceError)
    expect(() => scope.track(new Pool())).toThrow(
      'Cannot track a Pool in scope "files": no kind in the registry recognises it. Pass { dispose: (value) => … } to track(), or register a kind for it with defineKind().',
    )
    try {
      scope.track({ plain: true })
    } catch (error) {
      expect((error as UnknownResourceError).code).toBe('ERR_CLEANROOM_UNKNOWN_RESOURCE')
    }
  })
})

describe('UnknownDependencyError', () => {
  it('is thrown when dependsOn names a value that is not tracked', () => {
    const scope = createScope({ name: 'app' })
    const stranger = { id: 1 }
    const call = () =>
      scope.track({ id: 2 }, { label: 'service', dispose: () => undefined, dependsOn: [stranger] })
    expect(call).toThrow(UnknownDependencyError)
    expect(call).toThrow(
      'dependsOn[0] of "service" is not tracked in any open scope. A value can depend only on values already tracked, and not yet disposed, in a scope of the same tree: track the dependency first.',
    )
  })

  it('is thrown when dependsOn names a value of another scope tree', async () => {
    const first = createScope({ name: 'first' })
    const second = createScope({ name: 'second' })
    const pool = first.track({ pool: true }, { dispose: () => undefined })
    let error: unknown
    try {
      second.track({ id: 3 }, { label: 'repo', dispose: () => undefined, dependsOn: [pool] })
    } catch (thrown) {
      error = thrown
    }
    expect(error).toBeInstanceOf(UnknownDependencyError)
    expect((error as UnknownDependencyError).code).toBe('ERR_CLEANROOM_UNKNOWN_DEPENDENCY')
    expect((error as Error).message).toContain(
      'dependsOn[0] of "repo" is tracked in scope "first", which shares no root with "second"',
    )
    await first.dispose()
    await second.dispose()
  })

  it('is thrown when the dependency was already disposed', async () => {
    const root = createScope()
    const child = root.child('short-lived')
    const value = child.track({ v: 1 }, { dispose: () => undefined })
    await child.dispose()
    expect(() => root.track({ v: 2 }, { dispose: () => undefined, dependsOn: [value] })).toThrow(
      UnknownDependencyError,
    )
    await root.dispose()
  })
})

describe('DependencyCycleError', () => {
  it('refuses a dependsOn edge between scopes that would close a cycle', async () => {
    const root = createScope({ name: 'root' })
    const left = root.child('left')
    const right = root.child('right')
    const a = left.track({ a: 1 }, { label: 'a', dispose: () => undefined })
    const b = right.track({ b: 2 }, { label: 'b', dispose: () => undefined, dependsOn: [a] })
    let error: unknown
    try {
      left.track({ c: 3 }, { label: 'c', dispose: () => undefined, dependsOn: [b] })
    } catch (thrown) {
      error = thrown
    }
    expect(error).toBeInstanceOf(DependencyCycleError)
    expect((error as DependencyCycleError).code).toBe('ERR_CLEANROOM_DEPENDENCY_CYCLE')
    expect((error as Error).message).toBe(
      'dependsOn[0] of "c" in scope "root › left" names a value of scope "root › right", which already has to be disposed after it: the edge would close a cycle. Drop one of the two dependsOn edges, or track both values in one scope.',
    )
    await root.dispose()
  })
})

describe('tracking a value twice', () => {
  it('is refused, naming where it is tracked', async () => {
    const scope = createScope({ name: 'twice' })
    const controller = scope.track(new AbortController(), { label: 'controller' })
    expect(() => scope.track(controller)).toThrow(
      'scope.track: an AbortController is already tracked as "controller" in scope "twice". Track a value once; use dependsOn to order it against others.',
    )
    await scope.dispose()
    // Once disposed, it may be tracked again elsewhere.
    const next = createScope()
    next.track(controller)
    await next.dispose()
  })
})
