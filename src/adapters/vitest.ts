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

/**
 * What Vitest restores by itself before each test (its config, read from its worker state):
 * stubs from `vi.stubEnv()`/`vi.stubGlobal()` and spies, which the global-state guard must
 * then not report. `vi`'s stub functions are wrapped once per worker to learn the names.
 * Returns whether Vitest restores anything of the global state before each test.
 */
function tellWhatVitestRestores(runtime: Runtime): boolean {
  const worker = (globalThis as { __vitest_worker__?: { config?: VitestRestoring } })
    .__vitest_worker__
  const config = worker?.config ?? {}
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

/**
 * Installs cleanroom in Vitest, for the test file being collected: call it from a setup file
 * (`setupFiles`), which Vitest runs before each test file. Each test gets a scope, its own
 * even under `test.concurrent`, disposed once the test, its `afterEach` hooks and its Vitest
 * fixtures are done; a cleanup that fails or times out fails that test, each failure listed
 * as its own error after any error of the test itself. The file scope (what `beforeAll` and
 * module-level code track) and the worker scope (worker fixtures) are disposed when the
 * file's suite ends, and a failure there fails the file. Vitest has no hook at the end of a
 * worker, so under Vitest the worker scope lasts one test file.
 *
 * Its hooks wrap the others (`aroundAll`, `aroundEach`), so a failing cleanup never makes
 * Vitest skip another hook; cleanroom's deadlines, not Vitest's `hookTimeout`, decide what
 * happens to a slow cleanup (the per-test hook has no Vitest timeout, the file's one above
 * twice the budget).
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
  const vitestRestores = tellWhatVitestRestores(runtime)
  // Opened now, while the file is collected, so that what its module-level code tracks
  // belongs to the file. Nothing to end first, in the usual case: then it opens at once.
  const opened = runtime.beginFile(file.name)
  const budget = runtime.options.budget ?? defaults.budget
  // Test cleanup failures that Vitest would not show on their test: reported by the file.
  const redirected: TeardownFailure[] = []
  /** The tests whose record aroundEach wrote, with per-test records on. */
  const recorded = runtime.recording ? new WeakSet<RunnerTestCase>() : undefined
  aroundAll(
    async (runSuite) => {
      const leftover = await opened
      try {
        await runSuite()
      } finally {
        // Tests Vitest skipped without running them (no aroundEach hook ran for them).
        if (recorded !== undefined) redirected.push(...recordUnrun(runtime, file, recorded))
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
  // Vitest unstubs and restores mocks (unstubEnvs, unstubGlobals, restoreMocks) once the
  // aroundEach hooks have begun: the global-state baseline is then taken in the first
  // beforeEach hook of the file, after that. A hook costs every test, so there is none when
  // Vitest restores nothing or the guard is off. Tests of one suite have no beforeAll or
  // afterAll hook between them: the suite is their group.
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
    // a sequential one through the runtime's current test, which spares the whole run the
    // cost of the async hooks such a context turns on under Node 20.
    // The scope machinery is loaded only then: Vitest starts a process for each test file.
    const scope =
      task.concurrent === true
        ? scopesOf(runtime, (await import('../core/scope.ts')).createScope).beginConcurrentTest(
            task.name,
          )
        : undefined
    if (scope === undefined) {
      runtime.beginTest(task.name, task.suite ?? task.file, baselineInBeforeEach)
    }
    try {
      if (scope === undefined) await runTest()
      else await scopeContext.run(scope, runTest)
    } finally {
      // A concurrent test's leaks, global state and memory are its file's: it has no record.
      if (scope === undefined && runtime.recording) {
        runtime.describeTest(titleOf(task), outcomeOf(task))
        recorded?.add(task)
      }
      const failure = await (scope === undefined ? runtime.endTest() : runtime.endTest(scope))
      if (failure !== undefined && dropsErrors(task)) redirected.push(failure)
      else raise([failure])
    }
  }
  // The hook itself is one line: in a file with `test.extend` fixtures, Vitest reads the
  // source of an aroundEach callback for every test, to find the fixtures it uses. No timeout
  // of Vitest's (0): what the hook waits for is bounded by cleanroom's own deadlines, and a
  // timeout costs Vitest two timers and their promises for every test.
  aroundEach((runTest, { task }) => aroundTest(runTest, task), 0)
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
