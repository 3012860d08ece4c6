import { CleanupError } from '../core/errors.ts'
import { processSingleton } from '../core/process-singleton.ts'
import type { CreationSite } from '../core/creation-site.ts'
import type { DisposeReport } from '../core/report.ts'
import type { Scope } from '../core/scope-types.ts'
import { LeakDetector } from '../leaks/detect.ts'
import { CollectionExpectations } from '../memory/expect-collected.ts'
import { MemoryCheck } from '../memory/memory-check.ts'
import { clearTrackedCaches } from '../state/cache-registrations.ts'
import { GlobalStateGuard } from '../state/global-state.ts'
import type { TestOutcome } from '../reporters/records.ts'
import type { CleanroomOptions, RuntimeSettings } from './options.ts'
import { TestRecorder } from './test-records.ts'

/** What ending a scope produced: nothing, or the error to report where the runner shows it. */
export type TeardownFailure = CleanupError | Error | undefined

/** What ending a test's scope produced, with the dispose report (for the per-test records). */
export interface EndedTest {
  readonly failure: TeardownFailure
  /** The scope's report; undefined when the test tracked nothing. */
  readonly report: DisposeReport | undefined
}

/**
 * The scopes of a runtime, once something needed one: created by `scopesOf()` (in
 * `scope-tree.ts`), which the helpers that track resources load. A test file that never
 * tracks anything never loads the scope machinery, which under Jest, which loads modules
 * afresh for every test file, is most of what installing cleanroom costs.
 */
export interface RuntimeScopes {
  /** Disposes the running test's scope, or `scope` (a concurrent test's), if it was opened. */
  endTest(scope?: Scope): Promise<TeardownFailure>
  /** As `endTest()` for the running test, with its scope's dispose report. */
  endTestWithReport(): Promise<EndedTest>
  /** Disposes the file's scope, if it was opened. */
  endFile(): Promise<TeardownFailure>
  /** Disposes the worker scope. */
  endWorker(): Promise<TeardownFailure>
}

/**
 * The per-process lifecycle every adapter shares: which file and which test are running. Each
 * level gets a scope (worker, file, test: each a child of the one before) the first time
 * something is tracked at that level, and adapters call the `begin*`/`end*` methods from their
 * runner's hooks and decide how a failure is raised.
 */
export class Runtime {
  readonly options: CleanroomOptions
  /** The running file's name, while a file runs. */
  #fileName: string | undefined
  /** The running test's name, while a test runs. */
  #testName: string | undefined
  #allowedLeaks: string | undefined
  #scopes: RuntimeScopes | undefined
  /** Leak detection, unless it is off. */
  readonly #leaks: LeakDetector | undefined
  /** The global-state guard, unless it is off. */
  readonly #globals: GlobalStateGuard | undefined
  /** The per-test memory checks, when the `memory` option (or `CLEANROOM_MEMORY=1`) is on. */
  readonly #memory: MemoryCheck | undefined
  /** What `expectCollected()` was given, checked after the test's teardown. */
  readonly #expectations = new CollectionExpectations()
  /** Whether tests of the running file ran concurrently (their leaks are the file's). */
  #concurrent = false
  /** The per-test records, when the `report` option (or `CLEANROOM_REPORT`) is set. */
  readonly #recorder: TestRecorder | undefined

  /**
   * @param settings - the options, with the environment over them
   * @param runner - the runner's name, as the per-test records give it
   * @throws {TypeError} when records are on and `CLEANROOM_SHARD` is malformed
   * @throws {Error} when records are on and their directory cannot be created
   */
  constructor(settings: RuntimeSettings, runner = 'hooks') {
    this.options = settings.options
    this.#leaks = settings.leaks.mode === 'off' ? undefined : new LeakDetector(settings.leaks)
    // Made after leak detection, whose wrapped timer functions are then part of every baseline.
    this.#globals =
      settings.globals.mode === 'off' ? undefined : new GlobalStateGuard(settings.globals)
    this.#memory = settings.memory === undefined ? undefined : new MemoryCheck(settings.memory)
    this.#recorder =
      settings.report === undefined ? undefined : new TestRecorder(settings.report, runner)
    // A record says what its test changed: the environment's names too, whatever that costs.
    if (this.#recorder !== undefined) this.#globals?.compareEnvPerTest()
  }

  /**
   * Whether the runtime writes per-test records: an adapter finds a test's title and outcome
   * (and calls {@link Runtime.describeTest}) only then.
   */
  get recording(): boolean {
    return this.#recorder !== undefined
  }

  /**
   * Gives the running test's record its full title (describe blocks, then the test's name) and
   * the outcome the runner reports; call it before `endTest()`, when {@link Runtime.recording}.
   */
  describeTest(title: readonly string[], outcome: TestOutcome): void {
    this.#recorder?.describe({ title, outcome })
  }

  /**
   * Writes the record of a test the runner skipped without running it (no hook of cleanroom's
   * ran for it), when {@link Runtime.recording}. `file` is the running file by default.
   * @returns the error to report when the record could not be written
   */
  recordSkipped(
    title: readonly string[],
    file: string | undefined = this.#fileName,
  ): Error | undefined {
    return this.#recorder?.writeSkipped(file, title)
  }

  /** The file running now, if any. */
  get fileName(): string | undefined {
    return this.#fileName
  }

  /** The test running now, if any (its scope may not be open: it opens on first use). */
  get testName(): string | undefined {
    return this.#testName
  }

  /** Whether a test is running. */
  get inTest(): boolean {
    return this.#testName !== undefined
  }

  /** The scopes, if any was ever needed. */
  get scopes(): RuntimeScopes | undefined {
    return this.#scopes
  }

  /** Called once, by `scopesOf()`, when something first needs a scope. */
  attachScopes<Scopes extends RuntimeScopes>(scopes: Scopes): Scopes {
    if (this.#scopes !== undefined) throw new Error('cleanroom: the runtime has scopes already')
    this.#scopes = scopes
    return scopes
  }

  /** Starts a test file. A file still open (its end hook never ran) is ended first. */
  async beginFile(name: string): Promise<TeardownFailure> {
    const failure = this.#fileName === undefined ? undefined : await this.endFile()
    this.#fileName = name
    this.#leaks?.beginFile()
    this.#globals?.beginFile()
    this.#memory?.beginFile()
    return failure
  }

  /**
   * Starts a test; `endTest()` ends it. `group` is the block the test belongs to (a describe
   * block, by identity), when the runner tells: tests of one group have no hook of the user's
   * between them, which lets the global-state guard keep its baseline from one to the next.
   */
  beginTest(name: string, group?: unknown, globalsLater = false): void {
    this.#allowedLeaks = undefined
    this.#testName = name
    this.#leaks?.beginTest()
    if (globalsLater) this.#globals?.forget()
    else this.#globals?.beginTest(group)
    // Last: the baseline is the heap after a forced collection, once the other checks began.
    this.#memory?.beginTest()
    this.#recorder?.beginTest()
  }

  /**
   * Takes the global-state guard's baseline for the running test, for an adapter that began
   * the test with `globalsLater` because the runner does per-test work of its own after the
   * test started (Jest restores mocks in a `beforeEach` hook of its own; Vitest, with a custom
   * runner, unstubs and restores mocks after its `aroundEach` hooks began).
   */
  beginGlobals(group?: unknown): void {
    this.#globals?.beginTest(group)
  }

  /** Whether the global-state guard is on: an adapter registers its baseline hook only then. */
  get guardsGlobals(): boolean {
    return this.#globals !== undefined
  }

  /**
   * Records that the runner puts `name` (`process.env.X`, `globalThis.y`) back by itself after
   * the running test, as Vitest does for `vi.stubEnv()` with `unstubEnvs`: the guard does not
   * report it.
   */
  runnerRestores(name: string): void {
    this.#globals?.runnerRestores(name)
  }

  /**
   * Has the global-state guard compare the globals of `globalThis` once per file rather than
   * after each test, in its default mode: for a runner whose global object is the file's own
   * and dear to list (Jest's, a `vm` context's).
   */
  compareGlobalsPerFile(): void {
    this.#globals?.compareGlobalsPerFile()
  }

  /**
   * Has the global-state guard see writes to `process.env` as they are made, so that a test
   * that wrote nothing costs no listing of it: for a runner whose `process.env` is the test
   * file's own object (Jest's), which the guard then wraps in a `Proxy`.
   */
  watchEnv(): void {
    this.#globals?.watchEnv()
  }

  /**
   * Records that the runner restores the mocks and spies of each test by itself (Vitest's and
   * Jest's `restoreMocks`): a global replaced by one of the runner's mock functions is not
   * reported.
   */
  set runnerRestoresMocks(value: boolean) {
    if (this.#globals !== undefined) this.#globals.runnerRestoresMocks = value
  }

  /** Records that the running test may leave resources behind (used by leak detection). */
  allowLeaks(reason: string): void {
    this.#allowedLeaks = reason
  }

  /**
   * Records that `value` must be garbage after the running test's teardown (`expectCollected()`):
   * checked, after a forced collection, when the test ends.
   */
  expectCollected(value: object, label: string, site: CreationSite): void {
    this.#expectations.expect(value, label, site)
  }

  /** Why the running test may leak, if `allowLeaks()` was called in it. */
  get allowedLeaks(): string | undefined {
    return this.#allowedLeaks
  }

  /**
   * Ends a test: disposes its scope, if it was ever opened, then checks it for leaks. `scope`
   * is the scope of a test that ran concurrently with others (Vitest's `test.concurrent`),
   * which is not the running test: its leaks are checked with the file's.
   */
  async endTest(scope?: Scope): Promise<TeardownFailure> {
    if (scope !== undefined) {
      this.#concurrent = true
      return this.#scopes?.endTest(scope)
    }
    return this.finishTest()
  }

  /**
   * `endTest()` for the running test, without a promise when none is needed: a test that
   * opened no scope and left nothing running (most tests) is ended synchronously, its failure
   * returned as is. For a runner that awaits whatever its hook returns, every test of a run.
   */
  finishTest(): TeardownFailure | Promise<TeardownFailure> {
    const name = this.#testName
    this.#testName = undefined
    const recorder = this.#recorder
    if (recorder !== undefined && name !== undefined) return this.#endRecordedTest(recorder, name)
    const scopes = this.#scopes
    if (scopes !== undefined) {
      return scopes
        .endTest()
        .then((failure) => (name === undefined ? failure : this.#checkTest(name, failure)))
    }
    return name === undefined ? undefined : this.#checkTest(name, undefined)
  }

  /**
   * The checks on a test once its scope is disposed (`failure`, what that disposal produced):
   * the caches cleared, leaks, global state, `expectCollected`, memory, in that order. Each step
   * that has something to wait for returns a promise of the rest; one that has not goes on at
   * once.
   */
  #checkTest(name: string, failure: TeardownFailure): TeardownFailure | Promise<TeardownFailure> {
    // Caches registered by the file or the worker are cleared after each of its tests.
    const clearing = clearTrackedCaches()
    if (clearing !== undefined) {
      return clearing.then((cacheFailures) => this.#checkLeaks(name, [failure, ...cacheFailures]))
    }
    return this.#checkLeaks(name, [failure])
  }

  #checkLeaks(name: string, found: TeardownFailure[]): TeardownFailure | Promise<TeardownFailure> {
    // Undefined when the test left nothing running: the usual case, decided synchronously.
    const checking = this.#leaks?.endTest(name, this.#allowedLeaks, this.#fileName)
    if (checking !== undefined) {
      return checking.then((leak) => this.#checkTheRest(name, [...found, leak]))
    }
    return this.#checkTheRest(name, found)
  }

  #checkTheRest(
    name: string,
    found: TeardownFailure[],
  ): TeardownFailure | Promise<TeardownFailure> {
    found.push(this.#globals?.endTest(name))
    // Last, once everything the test had is disposed, closed or put back.
    if (this.#expectations.pending) {
      return this.#expectations.check(`test "${name}"`).then((notCollected) => {
        found.push(notCollected, this.#memory?.endTest(name))
        return combineFailures(found)
      })
    }
    found.push(this.#memory?.endTest(name))
    return combineFailures(found)
  }

  /**
   * `endTest()` when per-test records are on: the scope's dispose report kept, the same checks,
   * what each found kept too (the leak and global-state reports even when only printed, the
   * heap), then the record written.
   */
  async #endRecordedTest(recorder: TestRecorder, name: string): Promise<TeardownFailure> {
    const durationMs = recorder.bodyEnded()
    const leaks = this.#leaks
    const guard = this.#globals
    const memoryCheck = this.#memory
    if (leaks !== undefined) leaks.lastReported = undefined
    if (guard !== undefined) guard.lastReported = undefined
    if (memoryCheck !== undefined) memoryCheck.lastHeap = undefined
    const ended = await this.#scopes?.endTestWithReport()
    const failure = await this.#checkTest(name, ended?.failure)
    const unwritten = recorder.write(
      {
        name,
        file: this.#fileName,
        failedByCleanroom: failure !== undefined,
        teardown: ended?.report,
        leaks: leaks?.lastReported,
        globals: guard?.lastReported,
        heap: memoryCheck?.lastHeap,
      },
      durationMs,
    )
    return combineFailures([failure, unwritten])
  }

  /** Ends the current file: disposes its scope (and a test scope left open, first). */
  async endFile(): Promise<TeardownFailure> {
    const testFailure = await this.endTest()
    const name = this.#fileName
    this.#fileName = undefined
    const fileFailure = await this.#scopes?.endFile()
    const concurrent = this.#concurrent
    this.#concurrent = false
    const leak = name === undefined ? undefined : await this.#leaks?.endFile(name, concurrent)
    const globals = name === undefined ? undefined : this.#globals?.endFile(name)
    // An expectation whose test's end was never seen is checked with the file, not dropped.
    const notCollected = await this.#expectations.check(`file ${name ?? 'main'}`)
    const memory = name === undefined ? undefined : this.#memory?.endFile(name)
    return combineFailures([testFailure, fileFailure, leak, globals, notCollected, memory])
  }

  /** Disposes everything, and checks the run for leaks: the process has finished its tests. */
  async endWorker(): Promise<TeardownFailure> {
    const fileFailure = await this.endFile()
    const workerFailure = await this.#scopes?.endWorker()
    const runFailure = await this.#leaks?.endRun()
    this.#recorder?.close()
    return combineFailures([fileFailure, workerFailure, runFailure])
  }
}

/**
 * One failure to report for several scopes: the only one, or, when more than one scope failed,
 * an `AggregateError` of every failed cleanup, in the order the scopes ended. None is dropped.
 */
export function combineFailures(failures: readonly TeardownFailure[]): TeardownFailure {
  // After every test, with nothing to report: no array made to find that out.
  let first: TeardownFailure
  let count = 0
  for (const failure of failures) {
    if (failure === undefined) continue
    first ??= failure
    count++
  }
  if (count <= 1) return first
  const present = failures.filter((failure) => failure !== undefined)
  return new AggregateError(
    present.flatMap((failure) => (failure instanceof CleanupError ? failure.errors : [failure])),
    `cleanroom: cleanups failed in ${present.length} scopes:\n${present.map((failure) => failure.message).join('\n')}`,
  )
}

interface Installed {
  runtime: Runtime | undefined
}

/** The runtime installed in this process, shared by every copy of cleanroom loaded in it. */
export const installed: Installed = processSingleton('runtime', () => ({ runtime: undefined }))
