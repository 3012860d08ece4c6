import { relative } from 'node:path'
import { after, afterEach, before, beforeEach } from 'node:test'
import type { CleanroomOptions } from '../runtime/options.ts'
import { installRuntime } from '../runtime/install.ts'
import { combineFailures, type TeardownFailure } from '../runtime/runtime.ts'

/** What node:test passes its hooks: a test's context (or a suite's, which has a name only). */
interface HookContext {
  readonly name: string
  /** The names of its suites and its own, joined with `' > '` (Node 20.16, 22.3 and later). */
  readonly fullName?: string
  /** Set by Node once the test's own function has settled. */
  readonly passed?: boolean
  diagnostic?: (message: string) => void
}

/**
 * Installs cleanroom in node:test: a test scope per test, disposed in `afterEach` (a cleanup
 * that fails or times out fails that test, with cleanroom's message), a file scope for the
 * test file, disposed with the worker scope in a root `after` hook (a failure there is
 * reported against the file). With `node --test`, each test file runs in its own process.
 *
 * A test that failed by itself keeps its own error; cleanroom's is added to its output as a
 * diagnostic.
 *
 * @param options - deadlines and registry for the runtime's scopes
 * @throws {TypeError} when an option is unknown or invalid
 *
 * @example
 * ```ts
 * // test/setup.ts, loaded with: node --test --import ./test/setup.ts
 * import { installCleanroom } from 'cleanroom/node-test'
 *
 * installCleanroom({ timeout: 2_000 })
 * ```
 */
export function installCleanroom(options?: CleanroomOptions): void {
  const { runtime, created } = installRuntime(options, 'installCleanroom', 'node-test')
  if (!created) return
  const file = process.argv[1] === undefined ? 'main' : relative(process.cwd(), process.argv[1])
  /** What the teardown of a test whose `afterEach` hook never ran found: the file reports it. */
  const unended: TeardownFailure[] = []
  /** The running test's context, from its `beforeEach` hook. */
  let running: HookContext | undefined
  /**
   * Ends a test whose `afterEach` hook never ran: Node 20 runs none for a test that called
   * `t.skip()` (after running its `beforeEach`). Its scope is disposed and it is checked before
   * the next test begins; what that finds is reported against the file, since a skipped test
   * cannot fail.
   */
  const endUnended = async (): Promise<void> => {
    if (runtime.recording && running !== undefined)
      runtime.describeTest(titleOf(running), 'skipped')
    const failure = await runtime.endTest()
    if (failure !== undefined) {
      const name = running?.name ?? 'a test'
      unended.push(
        new Error(
          `cleanroom: test "${name}", which ended without its afterEach hooks (t.skip()): ${failure.message}`,
          { cause: failure },
        ),
      )
    }
  }
  before(async () => {
    raise(await runtime.beginFile(file))
  })
  const begin = (t: HookContext): void => {
    running = t
    runtime.beginTest(t.name)
  }
  // Synchronous unless a test is still open: every test comes here.
  beforeEach((t: HookContext) => {
    if (!runtime.inTest) {
      begin(t)
      return undefined
    }
    return endUnended().then(() => {
      begin(t)
    })
  })
  afterEach(async (t: HookContext) => {
    running = undefined
    if (runtime.recording)
      runtime.describeTest(titleOf(t), t.passed === false ? 'failed' : 'passed')
    const failure = await runtime.endTest()
    if (failure === undefined) return
    // The test's own failure stays the one reported; the cleanup failure goes with it.
    if (t.passed === false && t.diagnostic !== undefined) {
      // One diagnostic a line: reporters print a multi-line one with its newlines escaped.
      for (const line of `cleanroom: ${failure.message}`.split('\n')) t.diagnostic(line)
    } else {
      throw failure
    }
  })
  after(async () => {
    if (runtime.inTest) await endUnended()
    const failure = await runtime.endWorker()
    raise(combineFailures([...unended.splice(0), failure]))
  })
}

/**
 * A test's full title, from the names Node joins in `fullName` (a name that itself holds
 * `' > '` is split there too); its own name alone where Node has no `fullName`.
 */
function titleOf(t: HookContext): string[] {
  return t.fullName === undefined ? [t.name] : t.fullName.split(' > ')
}

function raise(failure: TeardownFailure): void {
  if (failure !== undefined) throw failure
}
