import { currentScopeFor, trackFor } from '../core/current-scope.ts'
import { deadlinePassed, withDeadline } from '../core/deadline.ts'
import { AsyncTaskError, ScopeClosedError, type AsyncTaskFailure } from '../core/errors.ts'
import type { Scope } from '../core/scope-types.ts'
import {
  assertFunction,
  assertKnownKeys,
  assertOptionalDeadline,
  assertOptionalString,
  assertPlainObject,
  describeValue,
} from '../core/validate.ts'
import { assertOptionalScope } from './assert-scope.ts'

/** Options of {@link createAsyncRunner}. */
export interface AsyncRunnerOptions {
  /** Shown in reports and messages. Default `'async runner'`. */
  label?: string
  /**
   * How long, in ms, the tasks get to settle once their signal is aborted at disposal.
   * Default 5,000. The runner's scope entry gets one second more, so the runner, which names
   * the tasks, reports a slow stop rather than the scope.
   */
  timeout?: number
  /** The scope to track the runner in. Default: the current scope (the running test's). */
  scope?: Scope
}

/** Background work tied to a scope: see {@link createAsyncRunner}. */
export interface AsyncRunner {
  /** The runner's label. */
  readonly label: string
  /** The names of the tasks started and not yet settled, oldest first. */
  readonly active: readonly string[]
  /**
   * Starts `task` now, with the runner's `AbortSignal`, which aborts when the runner's scope
   * ends. Returns the task's own promise: it rejects for the caller as the task does, and the
   * runner also reports every rejection when it is disposed (see {@link createAsyncRunner}).
   * @throws {@link ScopeClosedError} when the runner was disposed (its scope ended)
   * @throws {TypeError} when `name` is not a non-empty string or `task` not a function
   */
  run<Result>(
    name: string,
    task: (signal: AbortSignal) => Result | Promise<Result>,
  ): Promise<Result>
}

const call = 'createAsyncRunner'
const optionKeys = ['label', 'timeout', 'scope'] as const
const defaultTimeout = 5_000
const defaultLabel = 'async runner'
/** What the scope entry gets beyond the runner's own `timeout`. */
const entryMargin = 1_000

/** One started task, until the runner is disposed. */
interface Task {
  readonly name: string
  /** Set when it settled: what it rejected with, or nothing for a clean stop. */
  settled: { readonly error: unknown } | { readonly error?: never } | undefined
  readonly done: Promise<void>
}

type RunnerState =
  { readonly state: 'open'; readonly tasks: Task[] } | { readonly state: 'disposing' | 'disposed' }

/**
 * Creates a runner for background work (pollers, consumers, loops) tied to the current scope.
 * `run(name, task)` starts `task(signal)` at once; when the scope ends, the runner aborts the
 * signal, waits up to `timeout` ms for every task to settle, and fails the scope's disposal with
 * an {@link AsyncTaskError} naming each task that did not stop in time (left running) or that
 * rejected. A task that resolves, or that rejects after the abort with the signal's reason or an
 * error named `AbortError` (what `fetch`, `timers/promises` and `events.once` throw), stopped
 * cleanly. Every other rejection is reported at disposal, whether or not the caller of `run()`
 * awaited it: catch the failures you expect inside the task. A task's rejection never becomes
 * an unhandled rejection.
 *
 * @param options - label, stop deadline, and the scope to track it in
 * @returns the runner
 * @throws {@link NoActiveScopeError} when no `scope` is given and no runner adapter is installed
 * @throws {@link ScopeClosedError} when the scope is disposing or disposed
 * @throws {TypeError} when an option is unknown or invalid
 *
 * @example
 * ```ts
 * import { setTimeout as sleep } from 'node:timers/promises'
 * import { test } from 'node:test'
 * import { createAsyncRunner } from 'cleanroom'
 *
 * test('polls until the test ends', () => {
 *   const runner = createAsyncRunner({ label: 'pollers', timeout: 1_000 })
 *   void runner.run('poll queue', async (signal) => {
 *     while (!signal.aborted) await sleep(50, undefined, { signal }).catch(() => undefined)
 *   })
 *   // after the test: the signal aborts, and the loop ends within a second or is reported
 * })
 * ```
 */
export function createAsyncRunner(options?: AsyncRunnerOptions): AsyncRunner {
  let label = defaultLabel
  let timeout = defaultTimeout
  let scope: Scope | undefined
  if (options !== undefined) {
    assertPlainObject(options, call, 'options')
    assertKnownKeys(options, optionKeys, call)
    assertOptionalString(options.label, call, 'label')
    assertOptionalDeadline(options.timeout, call, 'timeout')
    assertOptionalScope(options.scope, call)
    label = options.label ?? label
    timeout = options.timeout ?? timeout
    scope = options.scope
  }
  const target = scope ?? currentScopeFor('createAsyncRunner()')
  const runner = new Runner(label, timeout, target.name)
  trackFor(createAsyncRunner, target, runner, {
    label: label === defaultLabel ? label : `async runner ${label}`,
    timeout: timeout + entryMargin,
    dispose: () => runner.stop(),
  })
  return runner
}

class Runner implements AsyncRunner {
  readonly label: string
  readonly #timeout: number
  readonly #scopeName: string
  readonly #controller = new AbortController()
  #status: RunnerState = { state: 'open', tasks: [] }

  constructor(label: string, timeout: number, scopeName: string) {
    this.label = label
    this.#timeout = timeout
    this.#scopeName = scopeName
  }

  get active(): readonly string[] {
    if (this.#status.state !== 'open') return []
    return this.#status.tasks.filter((task) => task.settled === undefined).map((task) => task.name)
  }

  run<Result>(
    name: string,
    task: (signal: AbortSignal) => Result | Promise<Result>,
  ): Promise<Result> {
    if (typeof name !== 'string' || name === '') {
      throw new TypeError(
        `runner.run: expected \`name\` to be a non-empty string, got ${describeValue(name)}`,
      )
    }
    assertFunction(task, 'runner.run', 'task')
    const status = this.#status
    if (status.state !== 'open') {
      throw new ScopeClosedError(
        this.#scopeName,
        status.state,
        `run task "${name}" on async runner "${this.label}"`,
      )
    }
    const signal = this.#controller.signal
    let promise: Promise<Result>
    try {
      promise = Promise.resolve(task(signal))
    } catch (error) {
      promise = Promise.reject(error instanceof Error ? error : new Error(String(error)))
    }
    // This handler also keeps a rejection the caller never awaits from being unhandled.
    const record: Task = {
      name,
      settled: undefined,
      done: promise.then(
        () => {
          record.settled = {}
        },
        (error: unknown) => {
          record.settled = isOwnAbort(error, signal) ? {} : { error }
        },
      ),
    }
    status.tasks.push(record)
    return promise
  }

  /** Aborts every task, waits for them, and throws an {@link AsyncTaskError} for the rest. */
  async stop(): Promise<void> {
    const status = this.#status
    if (status.state !== 'open') return
    this.#status = { state: 'disposing' }
    const { tasks } = status
    this.#controller.abort(
      new DOMException(`async runner "${this.label}" was disposed`, 'AbortError'),
    )
    const all = Promise.all(tasks.map((task) => task.done))
    try {
      await withDeadline(all, this.#timeout)
    } catch (error) {
      if (error !== deadlinePassed) throw error
    }
    this.#status = { state: 'disposed' }
    const failures: AsyncTaskFailure[] = []
    for (const task of tasks) {
      const settled = task.settled
      if (settled === undefined) {
        failures.push({ name: task.name, outcome: 'did-not-stop', waited: this.#timeout })
      } else if ('error' in settled) {
        failures.push({ name: task.name, outcome: 'rejected', error: settled.error })
      }
    }
    if (failures.length > 0) throw new AsyncTaskError(this.label, failures)
  }
}

/**
 * Whether a rejection is the task stopping because the runner aborted: the signal was aborted,
 * and the task rejected with its reason, or with an error named `AbortError`.
 */
function isOwnAbort(error: unknown, signal: AbortSignal): boolean {
  if (!signal.aborted) return false
  if (error === signal.reason) return true
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as { name?: unknown }).name === 'AbortError'
  )
}
