import {
  aroundAll,
  aroundEach,
  beforeEach,
  TestRunner,
  vi,
  type RunnerTaskResult,
  type RunnerTestCase,
  type RunnerTestFile,
  type RunnerTestSuite,
} from 'vitest'
import type { TestOutcome } from '../reporters/records.ts'
import { processSingleton } from '../core/process-singleton.ts'
import { scopeContext } from '../core/scope-context.ts'
import { defaults } from '../core/scope-options.ts'
import type { Scope } from '../core/scope-types.ts'
import type { CleanroomOptions } from '../runtime/options.ts'
import { installRuntime } from '../runtime/install.ts'
import { scopesOf } from '../runtime/scope-tree.ts'
import {
  combineFailures,
  installed,
  type Runtime,
  type TeardownFailure,
} from '../runtime/runtime.ts'

/** The parts of Vitest's per-test restoring config the global-state guard needs to know. */
interface VitestRestoring {
  unstubEnvs?: boolean
  unstubGlobals?: boolean
  restoreMocks?: boolean
}

/** The parts of Vitest's worker config the adapter reads. */
interface VitestConfig extends VitestRestoring {
  /** The path of a custom test runner, when the config names one. */
  runner?: string
  /** `'test'` or `'benchmark'`. */
  mode?: string
}

/** Vitest's worker config, from its worker state; empty outside a Vitest worker. */
function vitestConfig(): VitestConfig {
  const worker = (globalThis as { __vitest_worker__?: { config?: VitestConfig } }).__vitest_worker__
  return worker?.config ?? {}
}

/**
 * What Vitest restores by itself before each test (its config, read from its worker state):
 * stubs from `vi.stubEnv()`/`vi.stubGlobal()` and spies, which the global-state guard must
 * then not report. `vi`'s stub functions are wrapped once per worker to learn the names.
 * Returns whether Vitest restores anything of the global state before each test.
 */
function tellWhatVitestRestores(runtime: Runtime, config: VitestRestoring): boolean {
  runtime.runnerRestoresMocks = config.restoreMocks === true
  const stubs = vi as unknown as Record<'stubEnv' | 'stubGlobal', (...args: unknown[]) => unknown>
  const wrap = (method: 'stubEnv' | 'stubGlobal', prefix: string): void => {
    const original = stubs[method]
    if ((original as { [wrappedMark]?: true })[wrappedMark] === true) return
    stubs[method] = Object.defineProperty(
      function (this: unknown, ...args: unknown[]): unknown {
        if (typeof args[0] === 'string') installed.runtime?.runnerRestores(`${prefix}${args[0]}`)
        return Reflect.apply(original, this, args)
      },
      wrappedMark,
      { value: true },
    )
  }
  if (config.unstubEnvs === true) wrap('stubEnv', 'process.env.')
  if (config.unstubGlobals === true) wrap('stubGlobal', 'globalThis.')
  return config.unstubEnvs === true || config.unstubGlobals === true || config.restoreMocks === true
}

/** Marks `vi`'s stub functions once wrapped, so a second file in the worker does not re-wrap. */
const wrappedMark = Symbol.for('cleanroom.vitestStub')

/** The test files (Vitest's `File` tasks) cleanroom's hooks are registered for. */
const registered = processSingleton('vitestFiles', () => new WeakSet<object>())

/**
 * Time given to the runner's timer beyond cleanroom's own deadlines: once a scope's budget is
 * spent, each remaining disposer still gets a short last chance.
 */
const hookMargin = 10_000

/** What Vitest's runner passes its per-try hooks besides the test. */
type TryOptions = unknown

/**
 * The two hooks of Vitest's runner interface cleanroom takes each test from: `onBeforeTryTask`,
 * called as each try of a test begins (after Vitest's own restoring of stubs and mocks, in
 * `TestRunner`'s, before the `beforeEach` hooks), and `onAfterRetryTask`, called as each try
 * ends (after the test, its `afterEach` hooks, the cleanups `beforeEach` returned, its
 * `test.extend` fixtures and its `onTestFinished` callbacks). What it throws fails that try.
 */
interface TryHooks {
  onBeforeTryTask?: (this: unknown, test: RunnerTestCase, options: TryOptions) => unknown
  onAfterRetryTask?: (this: unknown, test: RunnerTestCase, options: TryOptions) => unknown
  [hookedMark]?: true
}

/** Marks Vitest's `TestRunner` class once its per-try hooks are wrapped. */
const hookedMark = Symbol.for('cleanroom.vitestRunner')

/** What the runner's hooks do for the tests of a file that installed cleanroom. */
interface FileTests {
  /** The test's try begins. */
  begin(test: RunnerTestCase): void
  /** The test's try ends: what cleanroom found is thrown (or returned, as a promise's). */
  end(test: RunnerTestCase): Promise<void> | undefined
}

/**
 * Where a file's task (Vitest's `File`) holds what the runner's hooks do for its tests, when
 * cleanroom begins and ends them through those hooks: on the task itself, which every copy of
 * cleanroom and of Vitest in the process sees alike (under the `vmThreads` pool, each test file
 * has a global object of its own). Not enumerable, and a symbol, so never sent to Vitest's
 * main process with the task.
 */
const fileTestsKey = Symbol.for('cleanroom.vitestFileTests')

/** What the runner's hooks do for the tests of `file`, if it installed cleanroom through them. */
function fileTestsOf(file: RunnerTestFile): FileTests | undefined {
  return (file as RunnerTestFile & { [fileTestsKey]?: FileTests })[fileTestsKey]
}

/**
 * Whether the tests of this worker run on Vitest's own `TestRunner` class, whose per-try hooks
 * cleanroom can wrap: Vitest runs tests with it unless the config names a custom `runner` (or
 * runs benchmarks). A custom runner may override the hooks without calling Vitest's, so
 * cleanroom registers an `aroundEach` hook then.
 */
function runsOnVitestsRunner(config: VitestConfig): boolean {
  const hooks = TestRunner.prototype as TryHooks
  return (
    config.runner === undefined &&
    (config.mode === undefined || config.mode === 'test') &&
    typeof hooks.onBeforeTryTask === 'function'
  )
}

/**
 * Wraps the per-try hooks of Vitest's `TestRunner` class, once, so that each test of a file
 * that installed cleanroom through them (see `fileTestsKey`) begins and ends in cleanroom. Vitest calls a runner's hooks for
 * every test whether or not they do anything, where an `aroundEach` hook costs every test
 * Vitest's own machinery for such hooks (promises, races and two concurrency slots,
 * 100,000–200,000 instructions a test): about as much as cleanroom's own work on a clean test.
 */
function hookVitestsRunner(): void {
  const hooks = TestRunner.prototype as TryHooks
  if (hooks[hookedMark] === true) return
  const beforeTry = hooks.onBeforeTryTask
  const afterRetry = hooks.onAfterRetryTask
  hooks.onBeforeTryTask = function (test, options) {
    const restoring = beforeTry?.call(this, test, options)
    const tests = fileTestsOf(test.file)
    if (tests === undefined) return restoring
    if (isThenable(restoring)) {
      return restoring.then(() => {
        tests.begin(test)
      })
    }
    tests.begin(test)
    return restoring
  }
  hooks.onAfterRetryTask = function (test, options) {
    const ending = fileTestsOf(test.file)?.end(test)
    if (afterRetry === undefined) return ending
    if (ending === undefined) return afterRetry.call(this, test, options)
    return ending.finally(() => afterRetry.call(this, test, options))
  }
  Object.defineProperty(hooks, hookedMark, { value: true })
}

/** Whether a hook's result is a promise (or any thenable) to wait for. */
function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | undefined)?.then === 'function'
}

/**
 * Installs cleanroom in Vitest, for the test file being collected: call it from a setup file
 * (`setupFiles`), which Vitest runs before each test file. Each test gets a scope, its own
 * even under `test.concurrent`, disposed once the test, its `afterEach` hooks, its
 * `onTestFinished` callbacks and its Vitest fixtures are done; a cleanup that fails or times out
 * fails that test, each failure listed as its own error after any error of the test itself.
 * The file scope (what `beforeAll` and module-level code track) and the worker scope (worker
 * fixtures) are disposed when the file's suite ends, and a failure there fails the file. Vitest
 * has no hook at the end of a worker, so under Vitest the worker scope lasts one test file.
 *
 * Each test is begun and ended through the hooks of Vitest's runner (`onBeforeTryTask`,
 * `onAfterRetryTask`), which cost a test next to nothing, and the file through an `aroundAll`
 * hook that wraps the file's others; with a custom `runner` in the config, through an
 * `aroundEach` hook instead. Either way a failing cleanup never makes Vitest skip another hook,
 * and cleanroom's deadlines, not Vitest's `hookTimeout`, decide what happens to a slow cleanup.
 *
 * @param options - deadlines and registry for the runtime's scopes
 * @throws {TypeError} when an option is unknown or invalid
 * @throws {Error} when cleanroom is installed already in this process with other options
 *
 * @example
 * ```ts
 * // test/setup.ts, listed in vitest.config.ts: test: { setupFiles: ['./test/setup.ts'] }
 * import { installCleanroom } from 'cleanroom/vitest'
 *
 * installCleanroom({ timeout: 2_000, budget: 5_000 })
 * ```
 */
export function installCleanroom(options?: CleanroomOptions): void {
  const { runtime } = installRuntime(options, 'installCleanroom', 'vitest')
  const { file } = TestRunner.getCurrentSuite()
  // A second call while the same file is collected (the setup entry and a setup file of
  // one's own, say) must not wrap its tests twice.
  if (registered.has(file)) return
  registered.add(file)
  const config = vitestConfig()
  const vitestRestores = tellWhatVitestRestores(runtime, config)
  const viaRunner = runsOnVitestsRunner(config)
  // Opened now, while the file is collected, so that what its module-level code tracks
  // belongs to the file. Nothing to end first, in the usual case: then it opens at once.
  const opened = runtime.beginFile(file.name)
  const budget = runtime.options.budget ?? defaults.budget
  // Test cleanup failures that Vitest would not show on their test: reported by the file.
  const redirected: TeardownFailure[] = []
  /** The tests whose end wrote their record, with per-test records on. */
  const recorded = runtime.recording ? new WeakSet<RunnerTestCase>() : undefined
  /** Opens the scope of a concurrent test; loaded for a file that has such tests. */
  let concurrentScopes: ((name: string) => Scope) | undefined
  /** Whether a test of the file began through the runner's hooks. */
  let began = false
  aroundAll(
    async (runSuite) => {
      const leftover = await opened
      if (someTest(file, isConcurrent)) {
        // The scope machinery, which a file of sequential tests does without.
        const { createScope } = await import('../core/scope.ts')
        const scopes = scopesOf(runtime, createScope)
        concurrentScopes = (name) => scopes.beginConcurrentTest(name)
        // Under Node 20 the async context follows only the promises made once it is on: on
        // before the tests start, so that each concurrent test's code keeps its own scope.
        if (viaRunner) scopeContext.enterWith(undefined as unknown as Scope)
      }
      try {
        await runSuite()
      } finally {
        // Tests Vitest skipped without running them (no hook of cleanroom's ran for them).
        if (recorded !== undefined) redirected.push(...recordUnrun(runtime, file, recorded))
        if (viaRunner && !began && someTest(file, ran)) redirected.push(runnerNotHooked())
        // Both ends, each failure kept: the file's, then the worker's.
        const fileFailure = await runtime.endFile()
        const workerFailure = await runtime.endWorker()
        // The next file in this worker (with `isolate: false`) gets a fresh runtime.
        if (installed.runtime === runtime) installed.runtime = undefined
        raise([leftover, ...redirected, fileFailure, workerFailure])
      }
    },
    2 * budget + hookMargin,
  )
  /** What ending a test found, thrown where Vitest shows it: on the test, else on the file. */
  const settle = (test: RunnerTestCase, failure: TeardownFailure): void => {
    if (failure !== undefined && dropsErrors(test)) redirected.push(failure)
    else raise([failure])
  }
  /** The scope of a concurrent test, opened as it begins; undefined for a sequential one. */
  const concurrentScopeOf = (test: RunnerTestCase): Scope | undefined =>
    test.concurrent === true ? concurrentScopes?.(test.name) : undefined
  /** Ends a concurrent test: its leaks, global state and memory are its file's, and no record. */
  const endConcurrent = (test: RunnerTestCase, scope: Scope): Promise<void> =>
    runtime.endTest(scope).then((failure) => {
      settle(test, failure)
    })
  /** Ends a test that began with the runtime's `beginTest()`. */
  const endSequential = (test: RunnerTestCase): Promise<void> | undefined => {
    // Its record is written as it ends: its outcome first, as Vitest will report it.
    if (runtime.recording) {
      runtime.describeTest(titleOf(test), outcomeOf(test))
      recorded?.add(test)
    }
    const ending = runtime.finishTest()
    if (ending !== undefined && 'then' in ending) {
      return ending.then((failure) => {
        settle(test, failure)
      })
    }
    settle(test, ending)
    return undefined
  }
  if (viaRunner) {
    hookVitestsRunner()
    /** The scopes of the file's concurrent tests that began and have not ended. */
    const openConcurrent = new WeakMap<RunnerTestCase, Scope>()
    const tests: FileTests = {
      begin: (test) => {
        began = true
        const scope = concurrentScopeOf(test)
        if (scope !== undefined) {
          // A concurrent test's scope is found through the async context, from here on in
          // the code this try runs: its `beforeEach` hooks, the test, its `afterEach` hooks.
          openConcurrent.set(test, scope)
          scopeContext.enterWith(scope)
        } else {
          // Vitest's own restoring has run: the global-state baseline can be taken now.
          runtime.beginTest(test.name, test.suite ?? test.file)
        }
      },
      end: (test) => {
        const scope = openConcurrent.get(test)
        if (scope === undefined) return endSequential(test)
        openConcurrent.delete(test)
        return endConcurrent(test, scope)
      },
    }
    Object.defineProperty(file, fileTestsKey, { value: tests, configurable: true })
    return
  }
  // With a custom runner: Vitest unstubs and restores mocks (unstubEnvs, unstubGlobals,
  // restoreMocks) once the aroundEach hooks have begun, so the global-state baseline is then
  // taken in the first beforeEach hook of the file, after that. A hook costs every test, so
  // there is none when Vitest restores nothing or the guard is off. Tests of one suite have
  // no beforeAll or afterAll hook between them: the suite is their group.
  const baselineInBeforeEach = vitestRestores && runtime.guardsGlobals
  if (baselineInBeforeEach) {
    // No timeout of Vitest's (0): it would wrap the hook in a promise and a timer for every
    // test, and the hook is synchronous.
    beforeEach(({ task }) => {
      if (task.concurrent !== true) runtime.beginGlobals(task.suite ?? task.file)
    }, 0)
  }
  const aroundTest = async (runTest: () => Promise<void>, task: RunnerTestCase): Promise<void> => {
    // A concurrent test gets its scope now, found through the async context by what it runs;
    // a sequential one through the runtime's current test.
    const scope = concurrentScopeOf(task)
    if (scope === undefined) {
      runtime.beginTest(task.name, task.suite ?? task.file, baselineInBeforeEach)
    }
    try {
      if (scope === undefined) await runTest()
      else await scopeContext.run(scope, runTest)
    } finally {
      await (scope === undefined ? endSequential(task) : endConcurrent(task, scope))
    }
  }
  // The hook itself is one line: in a file with `test.extend` fixtures, Vitest reads the
  // source of an aroundEach callback for every test, to find the fixtures it uses. No timeout
  // of Vitest's (0): what the hook waits for is bounded by cleanroom's own deadlines, and a
  // timeout costs Vitest two timers and their promises for every test.
  aroundEach((runTest, { task }) => aroundTest(runTest, task), 0)
}

/** Whether a test of the suite, in it or in a suite within, is one `matches` accepts. */
function someTest(
  suite: RunnerTestFile | RunnerTestSuite,
  matches: (test: RunnerTestCase) => boolean,
): boolean {
  return suite.tasks.some((task) =>
    task.type === 'suite' ? someTest(task, matches) : matches(task),
  )
}

/** Whether a test runs concurrently (`test.concurrent`, `describe.concurrent`). */
const isConcurrent = (test: RunnerTestCase): boolean => test.concurrent === true

/** Whether Vitest ran the test (did not skip it). */
const ran = (test: RunnerTestCase): boolean =>
  test.result?.state === 'pass' || test.result?.state === 'fail'

/** The file's failure when Vitest ran its tests without the runner hooks cleanroom wrapped. */
function runnerNotHooked(): Error {
  return new Error(
    "cleanroom/vitest: Vitest ran this file's tests without calling the hooks of its runner that cleanroom wraps (TestRunner's onBeforeTryTask and onAfterRetryTask), so no test was checked. This version of Vitest may run tests another way: please report it, and meanwhile name a runner of your own in the config (`runner`), with which cleanroom registers an `aroundEach` hook instead.",
  )
}

/**
 * Whether Vitest would not show an error of `task`: it drops the errors of a test skipped with
 * `context.skip()` (a result it marks `pending`, which its types leave out), and turns any
 * failure of a `test.fails` test into its pass.
 */
function dropsErrors(task: RunnerTestCase): boolean {
  return task.fails === true || skippedAsItRan(task)
}

/** Whether Vitest marked the test skipped once it began (`context.skip()`). */
function skippedAsItRan(task: RunnerTestCase): boolean {
  const result = task.result as (RunnerTaskResult & { pending?: boolean }) | undefined
  return result?.state === 'skip' || result?.pending === true
}

/** A test's full title: its suites' names (the file's excluded), then its own. */
function titleOf(task: RunnerTestCase): string[] {
  const title = [task.name]
  for (let suite = task.suite; suite !== undefined && suite !== task.file; suite = suite.suite) {
    title.unshift(suite.name)
  }
  return title
}

/**
 * How the test ended, as Vitest will report it: its result once it ran (before `test.fails`
 * flips it, done here), skipped when skipped with `context.skip()`.
 */
function outcomeOf(task: RunnerTestCase): TestOutcome {
  if (task.result === undefined || skippedAsItRan(task)) return 'skipped'
  const failed = task.result.state === 'fail'
  return failed !== (task.fails === true) ? 'failed' : 'passed'
}

/**
 * Writes the records of the file's tests that Vitest skipped without running them
 * (`test.skip`, `test.todo`, those left out by `.only` or a name filter, those of a suite
 * whose `beforeAll` failed), once its suite is done.
 * @returns the records that could not be written, as errors
 */
function recordUnrun(
  runtime: Runtime,
  file: RunnerTestFile,
  recorded: WeakSet<RunnerTestCase>,
): Error[] {
  const unwritten: Error[] = []
  const visit = (suite: RunnerTestFile | RunnerTestSuite): void => {
    for (const task of suite.tasks) {
      if (task.type === 'suite') visit(task)
      else if (!recorded.has(task) && isUnrun(task)) {
        const failure = runtime.recordSkipped(titleOf(task))
        if (failure !== undefined) unwritten.push(failure)
      }
    }
  }
  visit(file)
  return unwritten
}

function isUnrun(task: RunnerTestCase): boolean {
  const state = task.result?.state
  return state === undefined || state === 'skip' || state === 'todo'
}

/**
 * Throws what the scopes' disposal produced. Vitest lists each error of an `AggregateError`
 * on its own, so each failed cleanup shows with its label, the code where it was tracked and
 * its cause.
 */
function raise(failures: readonly TeardownFailure[]): void {
  const failure = combineFailures(failures)
  if (failure !== undefined) throw failure
}
