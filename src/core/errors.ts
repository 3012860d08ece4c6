import type { DisposeReport } from './report.ts'
import type { LeakInfo } from './leak-info.ts'

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
  if (cause instanceof Error) return `${cause.name}: ${cause.message}`
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
