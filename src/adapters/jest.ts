import { relative, resolve } from 'node:path'
import { CleanupError } from '../core/errors.ts'
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
 * Installs cleanroom in Jest, in the test file whose context runs it: from
 * `setupFilesAfterEnv`, Jest runs it once per test file, in that file's own context (its
 * own `globalThis`) and module registry. Each file gets a test scope per test, disposed in
 * `afterEach`: a cleanup that fails or times out fails that test, with cleanroom's message.
 * The file's scope, and then the worker scope, are disposed in `afterAll`: a failure there
 * fails the test file.
 *
 * Jest has no hook that runs once per worker process, and nothing made in one test file's
 * context may outlive it, so under Jest the worker scope lasts as long as the file: a
 * `worker` fixture is created once per test file.
 *
 * A test that failed by itself keeps its own error first: Jest lists the cleanup failure after
 * it. The hooks are registered with timeouts above the `budget`, so cleanroom's deadlines, not
 * Jest's hook timeout (5 s), decide what happens to a slow cleanup.
 *
 * @param options - deadlines and registry for the runtime's scopes
 * @throws {TypeError} when an option is unknown or invalid
 * @throws {Error} when Jest's globals (`beforeEach`, …) are not defined (outside Jest, or
 *   with `injectGlobals: false`), or when cleanroom is already installed in this test file
 *   with other options
 *
 * @example
 * ```ts
 * // test/cleanroom.setup.ts, in jest.config: setupFilesAfterEnv: ['<rootDir>/test/cleanroom.setup.ts']
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
  }, eachTimeout)
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

function hook(
  jest: JestGlobals,
  name: 'beforeEach' | 'afterEach' | 'beforeAll' | 'afterAll',
  call: string,
): JestHook {
  const registrar = jest[name]
  if (typeof registrar !== 'function') {
    throw new Error(
      `${call}: Jest's \`${name}\` global is not defined, so cleanroom/jest cannot register its hooks. It runs inside Jest: list \`cleanroom/jest/setup\` (or your own setup module) in \`setupFilesAfterEnv\`, and keep \`injectGlobals\` on (its default).`,
    )
  }
  return registrar as JestHook
}

function raise(failure: TeardownFailure): void {
  if (failure === undefined) return
  if (failure instanceof CleanupError) {
    // Jest takes an error's message to end where its first `at file:line:col` line starts; a
    // CleanupError's stack has no frames, so Jest would keep one line of it as the message and
    // print the rest as a stack. The frame it gets is where the first failed resource was
    // tracked, as an absolute path: Jest shows the code there.
    const created = failure.errors.find((error) => error.resource.created !== undefined)
    if (created !== undefined) {
      const site = resolve(process.cwd(), String(created.resource.created))
      failure.stack = `${failure.name}: ${failure.message}\n    at ${site}`
    }
  }
  throw failure
}
