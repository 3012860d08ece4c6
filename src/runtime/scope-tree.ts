import type { ScopeFactory } from '../core/current-scope-source.ts'
import { CleanupError } from '../core/errors.ts'
import type { Scope, ScopeOptions } from '../core/scope-types.ts'
import type { EndedTest, Runtime, RuntimeScopes, TeardownFailure } from './runtime.ts'

/** What every scope (a `ScopeImpl` of some copy of cleanroom) offers the runtime. */
interface ChildFactory {
  createChild(options: ScopeOptions & { name: string }): Scope & ChildFactory
  disposeIfEmpty(): boolean
}

/**
 * The scopes of a runtime: the worker's, the running file's, the running test's, each a child
 * of the one before, each opened the first time something needs it.
 */
class ScopeTree implements RuntimeScopes {
  readonly #runtime: Runtime
  readonly #worker: Scope & ChildFactory
  #file: (Scope & ChildFactory) | undefined
  #test: Scope | undefined

  constructor(runtime: Runtime, create: ScopeFactory) {
    this.#runtime = runtime
    const { timeout, budget, registry } = runtime.options
    this.#worker = create({
      ...(timeout === undefined ? {} : { timeout }),
      ...(budget === undefined ? {} : { budget }),
      ...(registry === undefined ? {} : { registry }),
      name: 'worker',
      level: 'worker',
    }) as Scope & ChildFactory
  }

  /** The scope `track()` and friends use now: the test's, else the file's, else the worker's. */
  get current(): Scope {
    const testName = this.#runtime.testName
    if (testName !== undefined) return (this.#test ??= this.#openTestScope(testName))
    return this.#fileScope() ?? this.#worker
  }

  #fileScope(): (Scope & ChildFactory) | undefined {
    const fileName = this.#runtime.fileName
    if (this.#file === undefined && fileName !== undefined) {
      this.#file = this.#worker.createChild({ name: `file ${fileName}`, level: 'file' })
    }
    return this.#file
  }

  /**
   * Opens the scope of a test that runs concurrently with others (Vitest's `test.concurrent`)
   * and returns it: the adapter makes it current for that test's code (through
   * `scopeContext`) and ends it with `runtime.endTest(scope)`.
   */
  beginConcurrentTest(name: string): Scope {
    return this.#openTestScope(name)
  }

  #openTestScope(name: string): Scope {
    // Per test: straight to the internal constructor, the options being known good.
    const parent = this.#fileScope() ?? this.#worker
    return parent.createChild({ name: `test "${name}"`, level: 'test' })
  }

  endTest(scope: Scope | undefined = this.#test): Promise<TeardownFailure> {
    if (scope === this.#test) this.#test = undefined
    if (scope === undefined || (scope as Scope & ChildFactory).disposeIfEmpty()) {
      return Promise.resolve(undefined)
    }
    return settle(scope)
  }

  /**
   * As `endTest()` for the running test, and the dispose report too, for the per-test
   * records: the same disposal, the report kept rather than dropped.
   */
  async endTestWithReport(): Promise<EndedTest> {
    const scope = this.#test
    this.#test = undefined
    if (scope === undefined || (scope as Scope & ChildFactory).disposeIfEmpty()) {
      return { failure: undefined, report: undefined }
    }
    try {
      return { failure: undefined, report: await scope.dispose() }
    } catch (error) {
      const failure = ownFault(scope, error)
      return { failure, report: failure instanceof CleanupError ? failure.report : undefined }
    }
  }

  async endFile(): Promise<TeardownFailure> {
    const scope = this.#file
    this.#file = undefined
    return scope === undefined ? undefined : settle(scope)
  }

  endWorker(): Promise<TeardownFailure> {
    return settle(this.#worker)
  }
}

/**
 * The scopes of `runtime`, created the first time something needs one, the worker's scope by
 * `create` (`createScope`, which the caller imports: this module, loaded with the runtime,
 * does not load the scope machinery).
 */
export function scopesOf(runtime: Runtime, create: ScopeFactory): ScopeTree {
  // Only scopesOf() attaches scopes: whichever copy of cleanroom (ESM or CommonJS build) did
  // it, they are a ScopeTree, with this one's methods.
  return (
    (runtime.scopes as ScopeTree | undefined) ??
    runtime.attachScopes(new ScopeTree(runtime, create))
  )
}

/** Disposes `scope`; the failure, if any, comes back as a value, never as a rejection. */
async function settle(scope: Scope): Promise<TeardownFailure> {
  try {
    await scope.dispose()
    return undefined
  } catch (error) {
    return ownFault(scope, error)
  }
}

/** What `scope.dispose()` rejected with, as the failure to report. */
function ownFault(scope: Scope, error: unknown): CleanupError | Error {
  if (error instanceof CleanupError) return error
  // dispose() rejects only with a CleanupError: anything else is a fault of cleanroom's own.
  return new Error(
    `cleanroom failed while disposing scope "${scope.name}": ${String(error)}. This is a bug in cleanroom; please report it with this stack.`,
    { cause: error },
  )
}
