import { types } from 'node:util'
import type { DisposeReport } from './report.ts'
import type { LeakInfo } from './leak-info.ts'
import type { GlobalStateChange } from './global-state-change.ts'

/**
 * Every cleanroom error carries the names of its class chain under this symbol, so that
 * `instanceof` works across the ESM and CommonJS builds and across Jest's per-file module
 * registries, where one error class can exist twice.
 */
const brand: unique symbol = Symbol.for('cleanroom.error')

interface Branded {
  [brand]?: readonly string[]
}

function brandError(error: Error, names: readonly string[]): void {
  Object.defineProperty(error, brand, { value: names, enumerable: false })
}

function hasBrand(value: unknown, name: string): boolean {
  if (typeof value !== 'object' || value === null) return false
  const names = (value as Branded)[brand]
  return names !== undefined && names.includes(name)
}

/** What an error message says about the resource it concerns. */
export interface ResourceRef {
  /** The entry's label, as shown in reports. */
  readonly label: string
  /** The kind name, `'defer'` for a deferred callback, `'custom'` for an ad-hoc disposer. */
  readonly kind: string
  /** The path of the scope the resource was tracked in: `'file › test'` for a child scope. */
  readonly scope: string
  /** Where it was tracked, as `file:line:column`, when known. */
  readonly created: string | undefined
}

function where(resource: ResourceRef): string {
  return resource.created === undefined ? '' : ` (created at ${resource.created})`
}

/**
 * The base class of every error cleanroom raises. Each has a stable `code`
 * (`ERR_CLEANROOM_<NAME>`) to branch on. `instanceof` recognises errors from any copy of
 * cleanroom in the process (ESM and CommonJS builds alike); {@link CleanupError}, an
 * `AggregateError`, passes `instanceof CleanroomError` too. Invalid arguments are plain
 * `TypeError`s, not cleanroom errors.
 *
 * @example
 * ```ts
 * import { CleanroomError, createScope } from 'cleanroom'
 *
 * const scope = createScope()
 * try {
 *   scope.track({ name: 'not a resource' })
 * } catch (error) {
 *   if (error instanceof CleanroomError) console.log(error.code) // ERR_CLEANROOM_UNKNOWN_RESOURCE
 * }
 * ```
 */
export class CleanroomError extends Error {
  /** A stable identifier for the failure, `ERR_CLEANROOM_<NAME>`. */
  readonly code: string

  /**
   * @param message - what happened, to what, and what to do
   * @param code - the stable `ERR_CLEANROOM_*` code
   * @param options - the `cause`, kept as given
   */
  constructor(message: string, code: string, options?: ErrorOptions) {
    super(message, options)
    this.code = code
    this.name = new.target.name
    brandError(this, chainOf(new.target))
  }

  /** Recognises cleanroom errors from any copy of the library loaded in the process. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasBrand(value, this.name)
  }
}

function chainOf(target: abstract new (...args: never[]) => unknown): string[] {
  const names: string[] = []
  for (
    let current: unknown = target;
    typeof current === 'function' && current !== Error && current !== AggregateError;
    current = Object.getPrototypeOf(current)
  ) {
    names.push((current as { name: string }).name)
  }
  return names
}

/**
 * One disposer that failed: it threw or rejected. `cause` is what it threw. Found in
 * {@link CleanupError.errors}, never thrown on its own.
 *
 * @example
 * ```ts
 * import { CleanupError, DisposeError, createScope } from 'cleanroom'
 *
 * const scope = createScope()
 * scope.defer(() => { throw new Error('boom') }, { label: 'flaky cleanup' })
 * try {
 *   await scope.dispose()
 * } catch (error) {
 *   if (error instanceof CleanupError) {
 *     for (const failure of error.errors) {
 *       if (failure instanceof DisposeError) console.log(failure.resource.label)
 *     }
 *   }
 * }
 * ```
 */
export class DisposeError extends CleanroomError {
  /** The resource whose disposer failed. */
  readonly resource: ResourceRef

  /**
   * @param resource - the entry that failed
   * @param cause - what its disposer threw
   * @param message - overrides the default message
   * @param code - overrides the default code (for subclasses)
   */
  constructor(resource: ResourceRef, cause: unknown, message?: string, code?: string) {
    super(
      message ??
        `Cleanup of "${resource.label}"${where(resource)} in scope "${resource.scope}" failed: ${describeCause(cause)}`,
      code ?? 'ERR_CLEANROOM_DISPOSE',
      { cause },
    )
    this.resource = resource
    // Our own disposal machinery is no use to the reader: the stack points where the resource
    // was tracked, and the cause keeps its own stack.
    this.stack = `${this.name}: ${this.message}${resource.created === undefined ? '' : `\n    at ${resource.created}`}`
  }
}

function describeCause(cause: unknown): string {
  // isNativeError also knows errors of another realm (under Jest, Node's and addons' errors).
  if (cause instanceof Error || types.isNativeError(cause)) return `${cause.name}: ${cause.message}`
  return `threw a non-error value: ${String(cause)}`
}

/**
 * A disposer whose promise did not settle within its deadline: its own `timeout`, or what was
 * left of the scope's budget (at least 100 ms). It was left behind and the other disposers
 * went on. Found in {@link CleanupError.errors}.
 *
 * @example
 * ```ts
 * import { CleanupError, DisposeTimeoutError, createScope } from 'cleanroom'
 *
 * const scope = createScope({ timeout: 50 })
 * scope.defer(() => new Promise(() => {}), { label: 'never settles' })
 * const error = await scope.dispose().catch((error: unknown) => error)
 * if (error instanceof CleanupError) console.log(error.errors[0] instanceof DisposeTimeoutError)
 * ```
 */
export class DisposeTimeoutError extends DisposeError {
  /** The deadline it missed, in milliseconds. */
  readonly timeout: number
  /** What set the deadline: its own timeout, what was left of the scope's budget, or a last chance. */
  readonly limit: DeadlineLimit

  /**
   * @param resource - the entry that timed out
   * @param timeout - the deadline it missed, in ms
   * @param limit - what set the deadline
   */
  constructor(resource: ResourceRef, timeout: number, limit: DeadlineLimit) {
    const ms = Math.round(timeout)
    const reason =
      limit === 'timeout'
        ? `it did not settle within its ${ms} ms timeout`
        : limit === 'budget'
          ? `it did not settle within the ${ms} ms left of the scope's budget`
          : `the scope's budget was spent, and its last-chance deadline of ${ms} ms passed`
    const fix =
      limit === 'timeout'
        ? 'Raise its `timeout`, or find what its cleanup waits for.'
        : 'Raise the scope `budget`, or make the cleanups before it faster.'
    super(
      resource,
      undefined,
      `Cleanup of "${resource.label}"${where(resource)} in scope "${resource.scope}" timed out: ${reason}. It was left behind and the other cleanups went on. ${fix}`,
      'ERR_CLEANROOM_DISPOSE_TIMEOUT',
    )
    this.timeout = ms
    this.limit = limit
  }
}

/** What set a disposer's deadline. */
export type DeadlineLimit = 'timeout' | 'budget' | 'last-chance'

/**
 * Every failure of one `dispose()`, as an `AggregateError` holding one {@link DisposeError}
 * per failed entry, plus the whole {@link DisposeReport}.
 *
 * @example
 * ```ts
 * import { CleanupError, createScope } from 'cleanroom'
 *
 * const scope = createScope()
 * scope.defer(() => { throw new Error('first') })
 * scope.defer(() => { throw new Error('second') })
 * const error = await scope.dispose().catch((error: unknown) => error)
 * if (error instanceof CleanupError) console.log(error.errors.length, error.report.totals)
 * ```
 */
export class CleanupError extends AggregateError {
  /** Always `ERR_CLEANROOM_CLEANUP`. */
  readonly code = 'ERR_CLEANROOM_CLEANUP'
  /**
   * Every failure, in the order the failures happened (a child scope's failures together, where
   * the child started). {@link DisposeReport.entries} has them in the order they started.
   */
  declare readonly errors: DisposeError[]
  /** The full report of the dispose that failed. */
  declare readonly report: DisposeReport

  /**
   * @param errors - one per failed entry
   * @param report - the report of the whole dispose
   */
  constructor(errors: DisposeError[], report: DisposeReport) {
    super(errors, formatCleanupMessage(errors, report))
    this.name = 'CleanupError'
    // Not enumerable: printing the error shows the failures, not the whole report.
    Object.defineProperty(this, 'report', { value: report, enumerable: false })
    // The message lists every failure with where it was tracked; the frames of the disposal
    // machinery would add nothing.
    this.stack = `${this.name}: ${this.message}`
    brandError(this, ['CleanupError', 'CleanroomError'])
  }

  /** Recognises cleanup errors from any copy of the library loaded in the process. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasBrand(value, 'CleanupError')
  }
}

function formatCleanupMessage(errors: DisposeError[], report: DisposeReport): string {
  const { entries } = report.totals
  const lines = errors.map((error) => {
    const { resource } = error
    const outcome =
      error instanceof DisposeTimeoutError
        ? `timed out after ${error.timeout} ms`
        : describeCause(error.cause)
    return `  - "${resource.label}"${where(resource)}: ${outcome}`
  })
  const noun = entries === 1 ? 'cleanup' : 'cleanups'
  return [
    `${errors.length} of ${entries} ${noun} failed in scope "${report.scope}":`,
    ...lines,
    errors.length === entries
      ? 'Each failure is in `errors`, and the full report in `report`.'
      : 'Every other cleanup ran. Each failure is in `errors`, and the full report in `report`.',
  ].join('\n')
}

/**
 * `track()` was given a value that no kind in the registry recognises, and no `dispose`
 * option. Raised at `track()` time, not at teardown.
 *
 * @example
 * ```ts
 * import { UnknownResourceError, createScope } from 'cleanroom'
 *
 * const scope = createScope()
 * try {
 *   scope.track({ name: 'not a resource' })
 * } catch (error) {
 *   if (error instanceof UnknownResourceError) console.log(error.code)
 * }
 * ```
 */
export class UnknownResourceError extends CleanroomError {
  /**
   * @param description - a short description of the value
   * @param scope - the scope's name
   */
  constructor(description: string, scope: string) {
    super(
      `Cannot track ${description} in scope "${scope}": no kind in the registry recognises it. ` +
        'Pass { dispose: (value) => … } to track(), or register a kind for it with defineKind().',
      'ERR_CLEANROOM_UNKNOWN_RESOURCE',
    )
  }
}

/**
 * A `dependsOn` entry names a value that is not tracked, or no longer tracked (its disposal
 * has started), in any scope of the same tree; or that is tracked in an unrelated tree.
 *
 * @example
 * ```ts
 * import { UnknownDependencyError, createScope } from 'cleanroom'
 *
 * const scope = createScope()
 * try {
 *   scope.defer(() => {}, { label: 'x' })
 *   scope.track(new AbortController(), { dependsOn: [{}] })
 * } catch (error) {
 *   if (error instanceof UnknownDependencyError) console.log(error.message)
 * }
 * ```
 */
export class UnknownDependencyError extends CleanroomError {
  /**
   * @param label - the entry being tracked
   * @param index - the position in `dependsOn`
   * @param scope - the scope tracking it
   * @param trackedIn - the scope that does track the dependency, when one does
   */
  constructor(label: string, index: number, scope: string, trackedIn: string | undefined) {
    const found =
      trackedIn === undefined
        ? 'is not tracked in any open scope'
        : `is tracked in scope "${trackedIn}", which shares no root with "${scope}"`
    super(
      `dependsOn[${index}] of "${label}" ${found}. A value can depend only on values already ` +
        'tracked, and not yet disposed, in a scope of the same tree: track the dependency first.',
      'ERR_CLEANROOM_UNKNOWN_DEPENDENCY',
    )
  }
}

/**
 * A `dependsOn` edge between scopes would close a cycle: the dependency's branch already has
 * to be disposed before the dependent's.
 *
 * @example
 * ```ts
 * import { DependencyCycleError, createScope } from 'cleanroom'
 *
 * const root = createScope()
 * const left = root.child('left')
 * const right = root.child('right')
 * const a = left.track({ a: 1 }, { dispose: () => {} })
 * // the right branch is now disposed before the left one
 * const b = right.track({ b: 2 }, { dispose: () => {}, dependsOn: [a] })
 * try {
 *   left.track({ c: 3 }, { dispose: () => {}, dependsOn: [b] })
 * } catch (error) {
 *   if (error instanceof DependencyCycleError) console.log(error.code)
 * }
 * ```
 */
export class DependencyCycleError extends CleanroomError {
  /**
   * @param label - the entry being tracked
   * @param index - the position in `dependsOn`
   * @param scope - the scope tracking it
   * @param dependencyScope - the scope that tracks the dependency
   */
  constructor(label: string, index: number, scope: string, dependencyScope: string) {
    super(
      `dependsOn[${index}] of "${label}" in scope "${scope}" names a value of scope ` +
        `"${dependencyScope}", which already has to be disposed after it: the edge would close ` +
        'a cycle. Drop one of the two dependsOn edges, or track both values in one scope.',
      'ERR_CLEANROOM_DEPENDENCY_CYCLE',
    )
  }
}

/**
 * A scope that is disposing or disposed (or whose ancestor is) was asked to take a new entry:
 * `track`, `defer`, `child`, or a fixture's first `use`.
 *
 * @example
 * ```ts
 * import { ScopeClosedError, createScope } from 'cleanroom'
 *
 * const scope = createScope({ name: 'request' })
 * await scope.dispose()
 * try {
 *   scope.defer(() => {})
 * } catch (error) {
 *   if (error instanceof ScopeClosedError) console.log(error.message)
 * }
 * ```
 */
export class ScopeClosedError extends CleanroomError {
  /**
   * @param scope - the scope's name
   * @param state - `'disposing'` or `'disposed'`
   * @param what - what was refused, e.g. `track "db"`
   */
  constructor(scope: string, state: string, what: string) {
    super(
      `Cannot ${what}: scope "${scope}" is ${state}. Create resources before the scope is ` +
        'disposed, or track them in a scope that is still open.',
      'ERR_CLEANROOM_SCOPE_CLOSED',
    )
  }
}

/**
 * A kind with the same name is already in the registry. Guard a registration that may run
 * twice with `registry.has(name)`.
 *
 * @example
 * ```ts
 * import { DuplicateKindError, createRegistry, defineKind } from 'cleanroom'
 *
 * const kind = defineKind({ name: 'pool', match: (v): v is { end(): void } => false, dispose: (v) => v.end() })
 * const registry = createRegistry([kind])
 * try {
 *   registry.register(kind)
 * } catch (error) {
 *   if (error instanceof DuplicateKindError) console.log(error.code)
 * }
 * ```
 */
export class DuplicateKindError extends CleanroomError {
  /** @param name - the kind name that is taken */
  constructor(name: string) {
    super(
      `A kind named "${name}" is already registered. Give the new kind another name, or use ` +
        'the registered one (registry.get(name)).',
      'ERR_CLEANROOM_DUPLICATE_KIND',
    )
  }
}

/**
 * A fixture depends on a shorter-lived fixture, or was used where no scope of its level is open.
 *
 * @example
 * ```ts
 * import { FixtureLevelError, defineFixture } from 'cleanroom'
 *
 * const perTest = defineFixture({ name: 'perTest', setup: () => 1 })
 * try {
 *   defineFixture({ name: 'shared', level: 'worker', deps: { perTest }, setup: ({ perTest }) => perTest })
 * } catch (error) {
 *   if (error instanceof FixtureLevelError) console.log(error.message)
 * }
 * ```
 */
export class FixtureLevelError extends CleanroomError {
  /** @param message - says which fixture, which levels, and what to do */
  constructor(message: string) {
    super(message, 'ERR_CLEANROOM_FIXTURE_LEVEL')
  }
}

/**
 * A test-time helper (`track`, `defer`, `use`, `currentScope`, `allowLeaks`) was called where
 * cleanroom has no scope to give it: no runner adapter is installed in this process.
 *
 * @example
 * ```ts
 * import { NoActiveScopeError, track } from 'cleanroom'
 *
 * try {
 *   track(new AbortController())
 * } catch (error) {
 *   if (error instanceof NoActiveScopeError) console.log(error.code)
 * }
 * ```
 */
export class NoActiveScopeError extends CleanroomError {
  /**
   * @param helper - the helper that was called, e.g. `track()`
   * @param needsTest - true when cleanroom is installed but the helper needs a running test
   */
  constructor(helper: string, needsTest = false) {
    super(
      needsTest
        ? `${helper} applies to the running test, and no test is running: call it inside a test.`
        : `${helper} was called, but cleanroom is not installed in this process, so there is no ` +
            'test, file or worker scope to put it in. Install it for your runner with one line: ' +
            "Vitest `setupFiles: ['cleanroom/vitest/setup']`, Jest `setupFilesAfterEnv: " +
            "['cleanroom/jest/setup']`, Mocha `--require cleanroom/mocha`, node:test " +
            '`node --test --import cleanroom/node-test/register`, any other runner ' +
            "`installCleanroom({ beforeEach, afterEach })` from 'cleanroom/hooks'. Outside a test " +
            'runner, create a scope with createScope() and call its methods instead.',
      'ERR_CLEANROOM_NO_ACTIVE_SCOPE',
    )
  }
}

/**
 * A test (or a file, or the run) left resources running after its teardown: timers,
 * servers, sockets, child processes, worker threads, watchers, UDP sockets or message ports.
 * `leaks` lists each, with where it was created when known. Raised by leak detection
 * (`leaks: 'fail'`, the default) on the test that leaked, after its scope was disposed.
 *
 * @example
 * ```ts
 * import { LeakError } from 'cleanroom'
 *
 * function explain(error: unknown): void {
 *   if (error instanceof LeakError) {
 *     for (const leak of error.leaks) console.log(leak.description, leak.created)
 *   }
 * }
 * ```
 */
export class LeakError extends CleanroomError {
  /** What leaked, in the order found. */
  declare readonly leaks: readonly LeakInfo[]
  /** Who leaked: `test "name"`, `file path`, or `the run`. */
  declare readonly owner: string

  /**
   * @param owner - the test, file or run that leaked
   * @param leaks - what it left running
   * @param message - the report, one line a resource
   */
  constructor(owner: string, leaks: readonly LeakInfo[], message: string) {
    super(message, 'ERR_CLEANROOM_LEAK')
    // Not enumerable: runners that print an error's own properties print the message alone.
    Object.defineProperty(this, 'owner', { value: owner, enumerable: false })
    Object.defineProperty(this, 'leaks', { value: leaks, enumerable: false })
    // The detector's frames are no use to the reader: point where the first leak was created.
    const created = leaks.find((leak) => leak.created !== undefined)?.created
    this.stack = `${this.name}: ${this.message}${created === undefined ? '' : `\n    at ${created}`}`
  }
}

/**
 * `createTempDir()` refused to remove one of its directories at teardown, because it is no
 * longer the real directory it created under the OS temp dir: it was replaced by a symbolic
 * link or a file, a directory above it was replaced by a link, or it is not one of the
 * directories created in this process. Nothing was removed. Found as the `cause` of a
 * {@link DisposeError}.
 *
 * @example
 * ```ts
 * import { CleanupError, UnsafeTempDirError } from 'cleanroom'
 *
 * function explain(error: unknown): void {
 *   if (error instanceof CleanupError) {
 *     for (const failure of error.errors) {
 *       if (failure.cause instanceof UnsafeTempDirError) console.log(failure.cause.path)
 *     }
 *   }
 * }
 * ```
 */
export class UnsafeTempDirError extends CleanroomError {
  /** The path `createTempDir()` returned. */
  readonly path: string

  /**
   * @param path - the temp dir's path
   * @param reason - what it is now, e.g. `it was replaced by a symbolic link to "/srv"`
   */
  constructor(path: string, reason: string) {
    super(
      `Refused to remove temp dir "${path}": ${reason}. Nothing was removed, so nothing the ` +
        'path leads to now is lost. Leave the directories createTempDir() returns in place ' +
        '(empty them instead of replacing them), and remove what is there now yourself.',
      'ERR_CLEANROOM_UNSAFE_TEMP_DIR',
    )
    this.path = path
  }
}

/**
 * A cache registered with `trackCache()` could not be cleared after a test: its `clear()`
 * threw, rejected, or did not settle within the registration's `timeout`. The cache stays
 * registered and is cleared again after the next test. `cause` is what `clear()` threw.
 *
 * @example
 * ```ts
 * import { CacheClearError } from 'cleanroom'
 *
 * function explain(error: unknown): void {
 *   if (error instanceof CacheClearError) console.log(error.label, error.cause)
 * }
 * ```
 */
export class CacheClearError extends CleanroomError {
  /** The cache's label. */
  readonly label: string

  /**
   * @param label - the cache's label
   * @param created - where `trackCache()` was called, as `file:line:column`, when known
   * @param failure - what went wrong: the error `clear()` threw, or the deadline it missed in ms
   */
  constructor(
    label: string,
    created: string | undefined,
    failure: { error: unknown } | { timeout: number },
  ) {
    const at = created === undefined ? '' : ` (registered at ${created})`
    const what =
      'timeout' in failure
        ? `its clear() did not settle within ${failure.timeout} ms`
        : `its clear() failed: ${describeCause(failure.error)}`
    super(
      `Clearing cache "${label}"${at} after the test failed: ${what}. The cache stays ` +
        'registered and is cleared again after the next test: make its clear() succeed.',
      'ERR_CLEANROOM_CACHE_CLEAR',
      'error' in failure ? { cause: failure.error } : undefined,
    )
    this.label = label
    this.stack = `${this.name}: ${this.message}${created === undefined ? '' : `\n    at ${created}`}`
  }
}

/** One task of an async runner that did not stop cleanly, in an {@link AsyncTaskError}. */
export type AsyncTaskFailure =
  | {
      /** The task's name, as given to `run()`. */
      readonly name: string
      /** It rejected (or threw) with `error`, which was not the runner's own abort. */
      readonly outcome: 'rejected'
      /** What it rejected with. */
      readonly error: unknown
    }
  | {
      /** The task's name, as given to `run()`. */
      readonly name: string
      /** It had not settled `waited` ms after its signal was aborted: it was left running. */
      readonly outcome: 'did-not-stop'
      /** How long it was given after the abort, in ms. */
      readonly waited: number
    }

/**
 * An async runner (`createAsyncRunner()`) was disposed and some of its tasks did not stop
 * cleanly: they rejected with an error other than the runner's own abort, or they did not
 * settle within the runner's `timeout` after their signal was aborted. `tasks` lists each;
 * `cause` is the one rejection, or an `AggregateError` of them all when there are several.
 * Found as the `cause` of a {@link DisposeError}.
 *
 * @example
 * ```ts
 * import { AsyncTaskError, CleanupError } from 'cleanroom'
 *
 * function explain(error: unknown): void {
 *   if (error instanceof CleanupError) {
 *     for (const failure of error.errors) {
 *       if (failure.cause instanceof AsyncTaskError) console.log(failure.cause.tasks)
 *     }
 *   }
 * }
 * ```
 */
export class AsyncTaskError extends CleanroomError {
  /** The runner's label. */
  readonly runner: string
  /** Every task that did not stop cleanly, in the order they were started. */
  readonly tasks: readonly AsyncTaskFailure[]

  /**
   * @param runner - the runner's label
   * @param tasks - the tasks that failed or did not stop
   */
  constructor(runner: string, tasks: readonly AsyncTaskFailure[]) {
    const errors = tasks.flatMap((task) => (task.outcome === 'rejected' ? [task.error] : []))
    const lines = tasks.map((task) =>
      task.outcome === 'rejected'
        ? `    - task "${task.name}" rejected: ${describeCause(task.error)}`
        : `    - task "${task.name}" did not stop within ${task.waited} ms of the abort: it was left running`,
    )
    const noun = tasks.length === 1 ? 'task' : 'tasks'
    super(
      [
        `${tasks.length} ${noun} of async runner "${runner}" did not stop cleanly:`,
        ...lines,
        "Make each task return (or reject with the signal's reason) once its AbortSignal " +
          'aborts, and handle the failures you expect inside the task.',
      ].join('\n'),
      'ERR_CLEANROOM_ASYNC_TASK',
      errors.length === 0
        ? undefined
        : { cause: errors.length === 1 ? errors[0] : new AggregateError(errors, 'tasks rejected') },
    )
    this.runner = runner
    this.tasks = tasks
  }
}

/** A connection a pool could not take back when it was disposed, and what held it. */
export interface PoolHolder {
  /** What held it: `a transaction`, `a connection acquired with acquireConnection()`, `a query`. */
  readonly holder: string
  /** Where the holder was created, as `file:line:column`, when known. */
  readonly created: string | undefined
}

/**
 * A connection pool could not drain when it was disposed: connections were still checked out
 * (a transaction never committed or rolled back, a connection acquired and never released, a
 * query still running). cleanroom does not wait for them forever, as the pool's own
 * `destroy()` would: it force-releases them, destroys the pool, and reports what held each.
 *
 * @example
 * ```ts
 * import { PoolDrainError } from 'cleanroom'
 *
 * function explain(error: unknown): void {
 *   if (error instanceof PoolDrainError) {
 *     for (const held of error.held) console.log(held.holder, held.created)
 *   }
 * }
 * ```
 */
export class PoolDrainError extends CleanroomError {
  /** The pool, as reports name it: `knex pool (pg) 127.0.0.1:5432/test`. */
  readonly pool: string
  /** Each connection that was still checked out, and what held it. */
  readonly held: readonly PoolHolder[]

  /**
   * @param pool - the pool, as reports name it
   * @param held - what held each connection still checked out
   */
  constructor(pool: string, held: readonly PoolHolder[]) {
    const n = held.length
    const lines = held.map(
      (h) => `  - ${h.holder}${h.created === undefined ? '' : ` created at ${h.created}`}`,
    )
    super(
      `${pool} could not drain: ${String(n)} connection${n === 1 ? ' was' : 's were'} still checked out when it was disposed:\n${lines.join('\n')}\n` +
        'They were force-released and the pool destroyed. Commit or roll back every transaction and release every connection in the test, or use useTransaction() and let cleanroom roll back.',
      'ERR_CLEANROOM_POOL_DRAIN',
    )
    this.pool = pool
    this.held = held
  }
}

/**
 * A better-sqlite3 database could not be closed because an iterator from `statement.iterate()`
 * is still open on it: better-sqlite3 refuses to close a database while one lives, and only
 * the code holding the iterator can end it. Found as the `cause` of a {@link DisposeError}.
 *
 * @example
 * ```ts
 * import { CleanupError, OpenIteratorError } from 'cleanroom'
 *
 * function explain(error: unknown): void {
 *   if (error instanceof CleanupError) {
 *     for (const failure of error.errors) {
 *       if (failure.cause instanceof OpenIteratorError) console.log(failure.cause.database)
 *     }
 *   }
 * }
 * ```
 */
export class OpenIteratorError extends CleanroomError {
  /** The database's file name, `:memory:` for an in-memory one. */
  readonly database: string

  /**
   * @param database - the database's file name, `:memory:` for an in-memory one
   * @param cause - what better-sqlite3's `close()` threw
   */
  constructor(database: string, cause: unknown) {
    super(
      `better-sqlite3 database ${database} cannot be closed: an iterator from ` +
        'statement.iterate() is still open on it. Finish the iteration, or call the ' +
        "iterator's return() (a break out of for…of does), before the test ends. The database " +
        'was left open: better-sqlite3 refuses to close it while the iterator lives, and ' +
        'cleanroom cannot reach the iterator.',
      'ERR_CLEANROOM_OPEN_ITERATOR',
      { cause },
    )
    this.database = database
  }
}

/**
 * A test container from `createTestContainer()` was used after its disposal started: a
 * `resolve()`, `resolveAll()`, `register()` or `createChildContainer()` once the test (or the
 * scope it was tracked in) ended. The instances it built were disposed, so it builds no more.
 *
 * @example
 * ```ts
 * import { ContainerDisposedError } from 'cleanroom'
 *
 * function explain(error: unknown): void {
 *   if (error instanceof ContainerDisposedError) console.log(error.container, error.state)
 * }
 * ```
 */
export class ContainerDisposedError extends CleanroomError {
  /** The container's label, as reports name it. */
  readonly container: string
  /** `'disposing'` while its instances are being disposed, then `'disposed'`. */
  readonly state: 'disposing' | 'disposed'

  /**
   * @param container - the container's label
   * @param state - whether its disposal is running or done
   * @param call - what was refused, e.g. `resolve("Db")`
   * @param created - where it was created, as `file:line:column`, when known
   */
  constructor(
    container: string,
    state: 'disposing' | 'disposed',
    call: string,
    created: string | undefined,
  ) {
    super(
      `Cannot ${call}: test container "${container}"${created === undefined ? '' : ` (created at ${created})`} is ${state}, ` +
        `and the instances it built ${state === 'disposed' ? 'were' : 'are being'} disposed with it. Resolve what a test needs while the ` +
        'test runs, and create a container for each test with createTestContainer() rather than ' +
        'keeping one from an earlier test.',
      'ERR_CLEANROOM_CONTAINER_DISPOSED',
    )
    this.container = container
    this.state = state
  }
}

/**
 * A test changed global state and left it so, with the guard in `fail` mode (`globals: 'fail'`):
 * an environment variable, a global, the working directory, `process.exitCode`, the process's
 * listeners, `EventEmitter.defaultMaxListeners`, `Error.stackTraceLimit`, or fake timers left
 * installed. The message lists each change; `restored` says whether cleanroom put it all back
 * (it does, in `fail` mode, so that the next test starts as this one did).
 *
 * @example
 * ```ts
 * import { GlobalStateError } from 'cleanroom'
 *
 * function explain(error: unknown): void {
 *   if (error instanceof GlobalStateError) {
 *     for (const change of error.changes) console.log(change.name, change.description)
 *   }
 * }
 * ```
 */
export class GlobalStateError extends CleanroomError {
  /** Who changed it: `test "name"`. */
  declare readonly owner: string
  /** What changed, in the order found. */
  declare readonly changes: readonly GlobalStateChange[]
  /** Whether cleanroom put every change back. */
  declare readonly restored: boolean

  /**
   * @param owner - the test that changed global state
   * @param changes - what it changed
   * @param restored - whether cleanroom put every change back
   * @param message - the report
   */
  constructor(
    owner: string,
    changes: readonly GlobalStateChange[],
    restored: boolean,
    message: string,
  ) {
    super(message, 'ERR_CLEANROOM_GLOBAL_STATE')
    // Not enumerable: runners that print an error's own properties print the message alone.
    Object.defineProperty(this, 'owner', { value: owner, enumerable: false })
    Object.defineProperty(this, 'changes', { value: changes, enumerable: false })
    Object.defineProperty(this, 'restored', { value: restored, enumerable: false })
    // The guard's frames are no use to the reader.
    this.stack = `${this.name}: ${this.message}`
  }
}

/** A value given to `expectCollected()` that was still reachable: its label and call site. */
export interface UncollectedValue {
  /** The label given to `expectCollected()`, or a description of the value. */
  readonly label: string
  /** Where `expectCollected()` was called, as `file:line:column`, when known. */
  readonly site: string | undefined
}

/**
 * A value given to `expectCollected()` was still reachable after the test's teardown and a
 * forced garbage collection: something still holds a reference to it (a module-level array or
 * cache, a listener, a closure a timer keeps, something tracked in the file's scope). Raised
 * on the test that called `expectCollected()`, whether or not the `memory` option is on.
 *
 * @example
 * ```ts
 * import { NotCollectedError } from 'cleanroom'
 *
 * function explain(error: unknown): void {
 *   if (error instanceof NotCollectedError) {
 *     for (const value of error.values) console.log(value.label, value.site)
 *   }
 * }
 * ```
 */
export class NotCollectedError extends CleanroomError {
  /** Who expected it collected: `test "name"`, or `file path` for an expectation left over. */
  declare readonly owner: string
  /** Each value still reachable, in the order `expectCollected()` was called. */
  declare readonly values: readonly UncollectedValue[]

  /**
   * @param owner - the test that called `expectCollected()`
   * @param values - the values still reachable
   */
  constructor(owner: string, values: readonly UncollectedValue[]) {
    const listed = values
      .map(
        (value) =>
          `  - ${value.label}${value.site === undefined ? '' : ` (expectCollected at ${value.site})`}`,
      )
      .join('\n')
    super(
      `${owner}: ${values.length === 1 ? '1 value' : `${values.length} values`} expected to be garbage ` +
        `${values.length === 1 ? 'is' : 'are'} still reachable after the test's teardown and a forced garbage collection:\n${listed}\n` +
        'Something still holds a reference: a module-level array, map or cache, an event listener, ' +
        'a closure kept by a timer, or a fixture or resource of the file or worker scope. Drop the ' +
        'reference in the test (or in something its scope disposes), or take a heap snapshot to find the holder.',
      'ERR_CLEANROOM_NOT_COLLECTED',
    )
    // Not enumerable: runners that print an error's own properties print the message alone.
    Object.defineProperty(this, 'owner', { value: owner, enumerable: false })
    Object.defineProperty(this, 'values', { value: values, enumerable: false })
    // The check's frames are no use to the reader: point where the first value was expected.
    const site = values.find((value) => value.site !== undefined)?.site
    this.stack = `${this.name}: ${this.message}${site === undefined ? '' : `\n    at ${site}`}`
  }
}

/**
 * A test's heap grew by more than `memory.failAbove` (measured after its teardown and a forced
 * garbage collection, against the heap as it began), or a file's heap grew steadily over its
 * tests by more than that (the `memory.trend` check). Raised with the `memory` option on.
 *
 * @example
 * ```ts
 * import { MemoryGrowthError } from 'cleanroom'
 *
 * function explain(error: unknown): void {
 *   if (error instanceof MemoryGrowthError) console.log(error.owner, error.growth, error.limit)
 * }
 * ```
 */
export class MemoryGrowthError extends CleanroomError {
  /** Who grew: `test "name"`, or `file path` for a file's trend. */
  declare readonly owner: string
  /** Bytes the heap grew by (for a trend, the fitted growth over the file's tests). */
  declare readonly growth: number
  /** The `memory.failAbove` threshold, bytes. */
  declare readonly limit: number

  /**
   * @param owner - the test or file whose heap grew
   * @param growth - bytes it grew by
   * @param limit - the threshold it passed, bytes
   * @param message - the report
   */
  constructor(owner: string, growth: number, limit: number, message: string) {
    super(message, 'ERR_CLEANROOM_MEMORY_GROWTH')
    // Not enumerable: runners that print an error's own properties print the message alone.
    Object.defineProperty(this, 'owner', { value: owner, enumerable: false })
    Object.defineProperty(this, 'growth', { value: growth, enumerable: false })
    Object.defineProperty(this, 'limit', { value: limit, enumerable: false })
    // The check's frames are no use to the reader.
    this.stack = `${this.name}: ${this.message}`
  }
}
