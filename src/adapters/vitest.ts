import {
  aroundAll,
  aroundEach,
  TestRunner,
  type RunnerTaskResult,
  type RunnerTestCase,
} from 'vitest'
import { processSingleton } from '../core/process-singleton.ts'
import { scopeContext } from '../core/scope-context.ts'
import { defaults } from '../core/scope-options.ts'
import type { CleanroomOptions } from '../runtime/options.ts'
import { installRuntime } from '../runtime/install.ts'
import { combineFailures, installed, type TeardownFailure } from '../runtime/runtime.ts'

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
 * Vitest skip another hook, and their timeouts exceed cleanroom's budget, so cleanroom's
 * deadlines, not Vitest's `hookTimeout`, decide what happens to a slow cleanup.
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
  const { runtime } = installRuntime(options, 'installCleanroom')
  const { file } = TestRunner.getCurrentSuite()
  // A second call while the same file is collected (the setup entry and a setup file of
  // one's own, say) must not wrap its tests twice.
  if (registered.has(file)) return
  registered.add(file)
  // Opened now, while the file is collected, so that what its module-level code tracks
  // belongs to the file. Nothing to end first, in the usual case: then it opens at once.
  const opened = runtime.beginFile(file.name)
  const budget = runtime.options.budget ?? defaults.budget
  // Test cleanup failures that Vitest would not show on their test: reported by the file.
  const redirected: TeardownFailure[] = []
  aroundAll(
    async (runSuite) => {
      const leftover = await opened
      try {
        await runSuite()
      } finally {
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
  aroundEach(async (runTest, { task }) => {
    // A concurrent test gets its scope now, found through the async context by what it runs;
    // a sequential one through the runtime's current test, which spares the whole run the
    // cost of the async hooks such a context turns on under Node 20.
    // The scope machinery is loaded only then: Vitest starts a process for each test file.
    const scope =
      task.concurrent === true
        ? (await import('../runtime/scope-tree.ts'))
            .scopesOf(runtime)
            .beginConcurrentTest(task.name)
        : undefined
    if (scope === undefined) runtime.beginTest(task.name)
    try {
      if (scope === undefined) await runTest()
      else await scopeContext.run(scope, runTest)
    } finally {
      const failure = await (scope === undefined ? runtime.endTest() : runtime.endTest(scope))
      if (failure !== undefined && dropsErrors(task)) redirected.push(failure)
      else raise([failure])
    }
  }, budget + hookMargin)
}

/**
 * Whether Vitest would not show an error of `task`: it drops the errors of a test skipped with
 * `context.skip()` (a result it marks `pending`, which its types leave out), and turns any
 * failure of a `test.fails` test into its pass.
 */
function dropsErrors(task: RunnerTestCase): boolean {
  const result = task.result as (RunnerTaskResult & { pending?: boolean }) | undefined
  return task.fails === true || result?.state === 'skip' || result?.pending === true
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
