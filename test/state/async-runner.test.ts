import { once } from 'node:events'
import { EventEmitter } from 'node:events'
import { setTimeout as sleep } from 'node:timers/promises'
import { afterAll, describe, expect, it } from 'vitest'
import {
  AsyncTaskError,
  CleanupError,
  createAsyncRunner,
  createScope,
  DisposeError,
  NoActiveScopeError,
  ScopeClosedError,
  type Scope,
} from 'cleanroom'
import { installCleanroom } from 'cleanroom/hooks'
import { thrown } from '../helpers/thrown.ts'
import { installedRuntime } from '../helpers/process-values.ts'

/** The AsyncTaskError a scope's disposal failed with (the runner's entry's cause). */
async function taskError(scope: Scope): Promise<{ cleanup: CleanupError; error: AsyncTaskError }> {
  const cleanup = await scope.dispose().then(
    () => undefined,
    (error: unknown) => error,
  )
  expect(cleanup).toBeInstanceOf(CleanupError)
  const failure = (cleanup as CleanupError).errors[0]
  expect(failure).toBeInstanceOf(DisposeError)
  expect(failure?.cause).toBeInstanceOf(AsyncTaskError)
  return { cleanup: cleanup as CleanupError, error: failure?.cause as AsyncTaskError }
}

/** Records unhandled rejections while `body` runs, and a few turns after. */
async function unhandledDuring(body: () => Promise<void>): Promise<unknown[]> {
  const seen: unknown[] = []
  const listener = (reason: unknown): void => void seen.push(reason)
  process.on('unhandledRejection', listener)
  try {
    await body()
    await sleep(10)
  } finally {
    process.off('unhandledRejection', listener)
  }
  return seen
}

describe('createAsyncRunner', () => {
  it('starts each task at once with a live signal, and lists the tasks still running by name', async () => {
    const scope = createScope()
    const runner = createAsyncRunner({ scope, label: 'workers' })
    let finish!: () => void
    let seen: AbortSignal | undefined
    const first = runner.run('first', (signal) => {
      seen = signal
      return new Promise<string>(
        (resolve) =>
          (finish = () => {
            resolve('done')
          }),
      )
    })
    const second = runner.run('second', () => 42)
    expect(seen?.aborted).toBe(false)
    expect(runner.label).toBe('workers')
    expect(runner.active).toEqual(['first', 'second'])
    expect(await second).toBe(42)
    expect(runner.active).toEqual(['first'])
    finish()
    expect(await first).toBe('done')
    expect(runner.active).toEqual([])
    const report = await scope.dispose()
    expect(report.entries).toMatchObject([
      {
        label: 'async runner workers',
        outcome: 'ok',
        created: expect.stringMatching(/^test\/state\/async-runner\.test\.ts:\d+:\d+$/) as unknown,
      },
    ])
  })

  it('aborts the signal at disposal and waits for every task; tasks that stop on the abort are clean stops', async () => {
    const scope = createScope()
    const runner = createAsyncRunner({ scope })
    const stopped: string[] = []
    const emitter = new EventEmitter()
    void runner.run('sleeps with the signal', async (signal) => {
      await sleep(60_000, undefined, { signal }) // rejects with an AbortError
    })
    void runner.run('throws the reason', async (signal) => {
      await new Promise((resolve) => {
        signal.addEventListener('abort', resolve)
      })
      await sleep(5)
      stopped.push('reason')
      signal.throwIfAborted()
    })
    void runner.run('waits for an event', async (signal) => {
      await once(emitter, 'never', { signal })
    })
    void runner.run('returns', async (signal) => {
      while (!signal.aborted) await sleep(1)
      stopped.push('returns')
    })
    const report = await scope.dispose()
    expect(report.totals).toMatchObject({ entries: 1, ok: 1, error: 0, timeout: 0 })
    expect(stopped.sort()).toEqual(['reason', 'returns'])
    expect(runner.active).toEqual([])
  })

  it('reports a task that ignores its signal by name, after waiting no longer than the timeout, and leaves it running', async () => {
    const scope = createScope({ name: 'slow' })
    const runner = createAsyncRunner({ scope, label: 'pollers', timeout: 50 })
    void runner.run(
      'stops',
      (signal) =>
        new Promise((resolve) => {
          signal.addEventListener('abort', resolve)
        }),
    )
    const stubborn = runner.run('ignores its signal', () => sleep(400))
    const started = performance.now()
    const { cleanup, error } = await taskError(scope)
    const waited = performance.now() - started
    expect(waited).toBeGreaterThanOrEqual(45)
    expect(waited).toBeLessThan(300)
    expect(error.code).toBe('ERR_CLEANROOM_ASYNC_TASK')
    expect(error.runner).toBe('pollers')
    expect(error.tasks).toEqual([
      { name: 'ignores its signal', outcome: 'did-not-stop', waited: 50 },
    ])
    expect(error.cause).toBeUndefined()
    expect(error.message).toBe(
      [
        '1 task of async runner "pollers" did not stop cleanly:',
        '    - task "ignores its signal" did not stop within 50 ms of the abort: it was left running',
        "Make each task return (or reject with the signal's reason) once its AbortSignal aborts, and handle the failures you expect inside the task.",
      ].join('\n'),
    )
    expect(cleanup.message).toMatch(
      /^1 of 1 cleanup failed in scope "slow":\n {2}- "async runner pollers" \(created at test\/state\/async-runner\.test\.ts:\d+:\d+\): AsyncTaskError: 1 task of async runner "pollers" did not stop cleanly:\n/,
    )
    // It was left running: let it finish, so no timer outlives the test.
    await stubborn
  })

  it('never turns a task rejection into an unhandled rejection, rejects for the caller, and reports it at disposal with the error as cause', async () => {
    const scope = createScope()
    const runner = createAsyncRunner({ scope, label: 'jobs' })
    const boom = new Error('job failed')
    const awaited = new Error('awaited failure')
    let caught: unknown
    const unhandled = await unhandledDuring(async () => {
      void runner.run('fire and forget', async () => {
        await sleep(1)
        throw boom
      })
      caught = await runner
        .run('awaited', () => Promise.reject(awaited))
        .catch((error: unknown) => error)
    })
    expect(unhandled).toEqual([])
    expect(caught).toBe(awaited)
    const { error } = await taskError(scope)
    expect(error.tasks).toEqual([
      { name: 'fire and forget', outcome: 'rejected', error: boom },
      { name: 'awaited', outcome: 'rejected', error: awaited },
    ])
    expect(error.cause).toBeInstanceOf(AggregateError)
    expect((error.cause as AggregateError).errors).toEqual([boom, awaited])
    expect(error.message).toBe(
      [
        '2 tasks of async runner "jobs" did not stop cleanly:',
        '    - task "fire and forget" rejected: Error: job failed',
        '    - task "awaited" rejected: Error: awaited failure',
        "Make each task return (or reject with the signal's reason) once its AbortSignal aborts, and handle the failures you expect inside the task.",
      ].join('\n'),
    )
  })

  it('reports a task that throws synchronously, keeping the thrown value as the cause', async () => {
    const scope = createScope()
    const runner = createAsyncRunner({ scope })
    const boom = new Error('sync throw')
    await expect(
      runner.run('sync', () => {
        throw boom
      }),
    ).rejects.toBe(boom)
    const { error } = await taskError(scope)
    expect(error.cause).toBe(boom)
    expect(error.tasks).toEqual([{ name: 'sync', outcome: 'rejected', error: boom }])
  })

  it('reports an AbortError that the runner did not cause, and another error thrown after the abort', async () => {
    const scope = createScope()
    const runner = createAsyncRunner({ scope })
    const ownAbort = runner.run('own abort', () =>
      sleep(60_000, undefined, { signal: AbortSignal.abort() }),
    )
    await ownAbort.catch(() => undefined)
    const late = new Error('cleanup after abort failed')
    void runner.run('fails on abort', async (signal) => {
      await new Promise((resolve) => {
        signal.addEventListener('abort', resolve)
      })
      throw late
    })
    const { error } = await taskError(scope)
    expect(error.tasks.map((task) => [task.name, task.outcome])).toEqual([
      ['own abort', 'rejected'],
      ['fails on abort', 'rejected'],
    ])
    const first = error.tasks[0]
    expect(first?.outcome === 'rejected' && (first.error as Error).name).toBe('AbortError')
  })

  it('throws ScopeClosedError from run() once disposed, and lists no task', async () => {
    const scope = createScope({ name: 'ended' })
    const runner = createAsyncRunner({ scope, label: 'late' })
    await scope.dispose()
    const error = thrown(() => runner.run('too late', () => undefined))
    expect(error).toBeInstanceOf(ScopeClosedError)
    expect((error as ScopeClosedError).code).toBe('ERR_CLEANROOM_SCOPE_CLOSED')
    expect((error as Error).message).toBe(
      'Cannot run task "too late" on async runner "late": scope "ended" is disposed. Create resources before the scope is disposed, or track them in a scope that is still open.',
    )
    expect(runner.active).toEqual([])
  })

  it('rejects bad input with a TypeError naming it and the value', async () => {
    const create = createAsyncRunner as (options?: unknown) => unknown
    expect(() => create({ timeout: -5 })).toThrow(
      new TypeError(
        'createAsyncRunner: expected `timeout` to be a positive number of milliseconds, got -5',
      ),
    )
    expect(() => create({ name: 'x' })).toThrow(
      new TypeError(
        'createAsyncRunner: unknown option `name`. Known options: `label`, `timeout`, `scope`',
      ),
    )
    expect(() => create({ label: 7 })).toThrow(
      new TypeError('createAsyncRunner: expected `label` to be a string, got 7'),
    )
    const scope = createScope()
    const runner = createAsyncRunner({ scope })
    const run = runner.run.bind(runner) as (name: unknown, task: unknown) => unknown
    expect(() => run('', () => undefined)).toThrow(
      new TypeError('runner.run: expected `name` to be a non-empty string, got ""'),
    )
    expect(() => run('task', 'not a function')).toThrow(
      new TypeError('runner.run: expected `task` to be a function, got "not a function"'),
    )
    await scope.dispose()
  })

  it('throws NoActiveScopeError when no scope is given and cleanroom is not installed', () => {
    const error = thrown(() => createAsyncRunner())
    expect(error).toBeInstanceOf(NoActiveScopeError)
    expect((error as NoActiveScopeError).code).toBe('ERR_CLEANROOM_NO_ACTIVE_SCOPE')
    expect((error as Error).message).toMatch(
      /^createAsyncRunner\(\) was called, but cleanroom is not installed in this process/,
    )
  })
})

describe('createAsyncRunner with cleanroom installed', () => {
  afterAll(() => {
    installedRuntime().runtime = undefined
  })

  it("is tracked in the running test's scope: the test's end aborts its tasks", async () => {
    type Hook = (...args: never[]) => unknown
    const hooks: Partial<Record<'beforeEach' | 'afterEach', Hook>> = {}
    installCleanroom(
      {
        beforeEach: (hook) => void (hooks.beforeEach = hook),
        afterEach: (hook) => void (hooks.afterEach = hook),
        testName: (name: string) => name,
      },
      { leaks: 'off' },
    )
    await (hooks.beforeEach as ((name: string) => unknown) | undefined)?.('polls')
    const runner = createAsyncRunner()
    let signal: AbortSignal | undefined
    void runner.run('poll', (given) => {
      signal = given
      return new Promise((resolve) => {
        given.addEventListener('abort', resolve)
      })
    })
    expect(signal?.aborted).toBe(false)
    await (hooks.afterEach as (() => unknown) | undefined)?.()
    expect(signal?.aborted).toBe(true)
    expect(() => runner.run('after the test', () => undefined)).toThrow(ScopeClosedError)
  })
})
