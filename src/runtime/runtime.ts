import { CleanupError } from '../core/errors.ts'
import { processSingleton } from '../core/process-singleton.ts'
import { createScope } from '../core/scope.ts'
import type { Scope, ScopeOptions } from '../core/scope-types.ts'
import type { CleanroomOptions } from './options.ts'

/** What every scope (a `ScopeImpl` of some copy of cleanroom) offers the runtime. */
interface ChildFactory {
  createChild(options: ScopeOptions & { name: string }): Scope & ChildFactory
  disposeIfEmpty(): boolean
}

/** What ending a scope produced: nothing, or the error to report where the runner shows it. */
export type TeardownFailure = CleanupError | Error | undefined

/**
 * The per-process lifecycle every adapter shares: one worker scope for the process, a file
 * scope per test file, a test scope per test, each a child of the one before. Adapters call
 * the `begin*`/`end*` methods from their runner's hooks and decide how a failure is raised.
 */
export class Runtime {
  readonly options: CleanroomOptions
  readonly worker: Scope
  #file: Scope | undefined
  #test: Scope | undefined
  /** The running test's name, set before its scope exists: the scope opens on first use. */
  #testName: string | undefined
  #allowedLeaks: string | undefined

  constructor(options: CleanroomOptions) {
    this.options = options
    this.worker = createScope({
      ...this.#scopeOptions(),
      name: 'worker',
      level: 'worker',
    })
  }

  #scopeOptions(): ScopeOptions {
    const { timeout, budget, registry } = this.options
    return {
      ...(timeout === undefined ? {} : { timeout }),
      ...(budget === undefined ? {} : { budget }),
      ...(registry === undefined ? {} : { registry }),
    }
  }

  /** The scope `track()` and friends use now: the test's, else the file's, else the worker's. */
  get current(): Scope {
    if (this.#test === undefined && this.#testName !== undefined) {
      this.#test = this.#openTestScope(this.#testName)
    }
    return this.#test ?? this.#file ?? this.worker
  }

  /** Whether a test is running (its scope may not be open yet). */
  get inTest(): boolean {
    return this.#testName !== undefined
  }

  /** Opens the scope of a test file. A file still open (its end hook never ran) is ended first. */
  async beginFile(name: string): Promise<TeardownFailure> {
    const failure = this.#file === undefined ? undefined : await this.endFile()
    this.#file = this.worker.child(`file ${name}`, { level: 'file' })
    return failure
  }

  /**
   * Starts a test. Its scope opens the first time the test needs it (most tests track
   * nothing, and then cost no scope at all); `endTest()` disposes it.
   */
  beginTest(name: string): void {
    this.#allowedLeaks = undefined
    this.#test = undefined
    this.#testName = name
  }

  /**
   * Opens the scope of a test that runs concurrently with others (Vitest's `test.concurrent`)
   * and returns it: the adapter makes it current for that test's code (through
   * `scopeContext`) and ends it with `endTest(scope)`.
   */
  beginConcurrentTest(name: string): Scope {
    return this.#openTestScope(name)
  }

  #openTestScope(name: string): Scope {
    // Per test: straight to the internal constructor, the options being known good.
    const parent = (this.#file ?? this.worker) as Scope & ChildFactory
    return parent.createChild({ name: `test "${name}"`, level: 'test' })
  }

  /** Records that the running test may leave resources behind (used by leak detection). */
  allowLeaks(reason: string): void {
    this.#allowedLeaks = reason
  }

  /** Why the running test may leak, if `allowLeaks()` was called in it. */
  get allowedLeaks(): string | undefined {
    return this.#allowedLeaks
  }

  /** Ends a test: disposes `scope` (default: the running test's, if it was ever opened). */
  endTest(scope: Scope | undefined = this.#test): Promise<TeardownFailure> {
    if (scope === this.#test) {
      this.#test = undefined
      this.#testName = undefined
    }
    if (scope === undefined || (scope as Scope & ChildFactory).disposeIfEmpty()) {
      return Promise.resolve(undefined)
    }
    return settle(scope)
  }

  /** Disposes the current file's scope (and a test scope left open, first). */
  async endFile(): Promise<TeardownFailure> {
    const testFailure = await this.endTest()
    const scope = this.#file
    this.#file = undefined
    const fileFailure = scope === undefined ? undefined : await settle(scope)
    return combineFailures([testFailure, fileFailure])
  }

  /** Disposes everything: the process has finished its tests. */
  async endWorker(): Promise<TeardownFailure> {
    const fileFailure = await this.endFile()
    return combineFailures([fileFailure, await settle(this.worker)])
  }
}

/**
 * One failure to report for several scopes: the only one, or, when more than one scope failed,
 * an `AggregateError` of every failed cleanup, in the order the scopes ended. None is dropped.
 */
export function combineFailures(failures: readonly TeardownFailure[]): TeardownFailure {
  const present = failures.filter((failure) => failure !== undefined)
  if (present.length <= 1) return present[0]
  return new AggregateError(
    present.flatMap((failure) => (failure instanceof CleanupError ? failure.errors : [failure])),
    `cleanroom: cleanups failed in ${present.length} scopes:\n${present.map((failure) => failure.message).join('\n')}`,
  )
}

/** Disposes `scope`; the failure, if any, comes back as a value, never as a rejection. */
async function settle(scope: Scope): Promise<TeardownFailure> {
  try {
    await scope.dispose()
    return undefined
  } catch (error) {
    if (error instanceof CleanupError) return error
    // dispose() rejects only with a CleanupError: anything else is a fault of cleanroom's own.
    return new Error(
      `cleanroom failed while disposing scope "${scope.name}": ${String(error)}. This is a bug in cleanroom; please report it with this stack.`,
      { cause: error },
    )
  }
}

interface Installed {
  runtime: Runtime | undefined
}

/** The runtime installed in this process, shared by every copy of cleanroom loaded in it. */
export const installed: Installed = processSingleton('runtime', () => ({ runtime: undefined }))
