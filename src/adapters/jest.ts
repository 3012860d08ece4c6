import { relative } from 'node:path'
import { defaults } from '../core/scope-options.ts'
import type { CleanroomOptions } from '../runtime/options.ts'
import { installRuntime } from '../runtime/install.ts'
import type { TeardownFailure } from '../runtime/runtime.ts'

/** Jest's hook registrars, as it injects them: `beforeEach(fn, timeout)`. */
type JestHook = (fn: () => Promise<void> | void, timeout?: number) => void

/** The globals Jest injects into a test file's context that the adapter uses. */
interface JestGlobals {
  beforeEach?: unknown
  afterEach?: unknown
  beforeAll?: unknown
  afterAll?: unknown
  expect?: { getState?: () => { currentTestName?: string; testPath?: string } }
}

/**
 * Slack, in ms, above what cleanroom's own deadlines allow a hook to take: once a scope's
 * budget is spent, each disposer still to run gets a last-chance deadline of its own.
 */
const hookSlackMs = 5_000
/** The longest timeout `setTimeout` (and so Jest) accepts. */
const maxTimeoutMs = 2 ** 31 - 1

/**
 * Installs cleanroom in Jest, in the test file whose context runs it (from
 * `setupFilesAfterEnv`, once per test file): a test scope per test, disposed in `afterEach` (a
 * cleanup that fails or times out fails that test, with cleanroom's message); a file scope,
 * and the worker scope, disposed in `afterAll` (a failure there fails the test file).
 *
 * Jest runs each test file in a context of its own, with its own `globalThis` and module
 * registry, and has no hook that runs once per worker process: under Jest the worker scope
 * lives as long as the file, so a `worker` fixture is created once per test file.
 *
 * A test that failed by itself keeps its own error first: Jest lists the cleanup failure after
 * it. cleanroom's hooks are registered with timeouts above its `budget`, so a slow cleanup
 * meets cleanroom's deadlines, not Jest's 5 s hook timeout.
 *
 * @param options - deadlines and registry for the runtime's scopes
 * @throws {TypeError} when an option is unknown or invalid
 * @throws {Error} when Jest's globals (`beforeEach`, …) are not there: outside Jest, or with
 *   `injectGlobals: false`
 *
 * @example
 * ```ts
 * // test/cleanroom.setup.ts, listed in jest.config: setupFilesAfterEnv: ['<rootDir>/test/cleanroom.setup.ts']
 * import { installCleanroom } from 'cleanroom/jest'
 *
 * installCleanroom({ timeout: 2_000 })
 * ```
 */
export function installCleanroom(options?: CleanroomOptions): void {
  const call = 'installCleanroom'
  const jest = globalThis as JestGlobals
  const beforeEach = hook(jest, 'beforeEach', call)
  const afterEach = hook(jest, 'afterEach', call)
  const beforeAll = hook(jest, 'beforeAll', call)
  const afterAll = hook(jest, 'afterAll', call)
  const { runtime, created } = installRuntime(options, call)
  if (!created) return
  const state = (): { currentTestName?: string; testPath?: string } =>
    jest.expect?.getState?.() ?? {}
  const testPath = state().testPath
  // Open the file's scope now, so that what the test file tracks as it loads belongs to it.
  const opened = runtime.beginFile(
    testPath === undefined ? 'test file' : relative(process.cwd(), testPath),
  )
  const budget = runtime.options.budget ?? defaults.budget
  // afterAll may end three scopes: a test left open, the file, the worker.
  const eachTimeout = Math.min(budget + hookSlackMs, maxTimeoutMs)
  const allTimeout = Math.min(3 * budget + hookSlackMs, maxTimeoutMs)
  let tests = 0
  beforeAll(async () => {
    raise(await opened)
  }, allTimeout)
  beforeEach(() => {
    tests++
    runtime.beginTest(state().currentTestName ?? `test ${tests}`)
  }, eachTimeout)
  afterEach(async () => {
    // Jest keeps the test's own error first and lists this one after it.
    raise(await runtime.endTest())
  }, eachTimeout)
  afterAll(async () => {
    // Jest reports an afterAll failure against the test file.
    raise(await runtime.endWorker())
  }, allTimeout)
}

function hook(jest: JestGlobals, name: keyof JestGlobals & `${string}${'Each' | 'All'}`, call: string): JestHook {
  const registrar = jest[name]
  if (typeof registrar !== 'function') {
    throw new Error(
      `${call}: Jest's \`${name}\` global is not defined. Load cleanroom/jest from a test file or from \`setupFilesAfterEnv\` in Jest, with \`injectGlobals\` left on (or use cleanroom/hooks and pass the hooks from @jest/globals).`,
    )
  }
  return registrar as JestHook
}

function raise(failure: TeardownFailure): void {
  if (failure !== undefined) throw failure
}
