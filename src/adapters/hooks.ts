import type { CleanroomOptions } from '../runtime/options.ts'
import { installRuntime } from '../runtime/install.ts'
import { combineFailures } from '../runtime/runtime.ts'
import { describeValue } from '../core/validate.ts'
import type { TestOutcome } from '../reporters/records.ts'

export type { TestOutcome }

/** Registers a hook callback with a runner, as `beforeEach(fn)` does. */
export type HookRegistrar = (hook: (...args: never[]) => unknown) => unknown

/** The hook registrars of the runner to bind to. */
export interface RunnerHooks {
  /** Registers a callback run before each test. */
  beforeEach: HookRegistrar
  /** Registers a callback run after each test, even a failed one; it fails the test by throwing. */
  afterEach: HookRegistrar
  /** Registers a callback run once before a file's tests: a file scope opens there. */
  beforeAll?: HookRegistrar
  /** Registers a callback run once after a file's tests: the file scope is disposed there. */
  afterAll?: HookRegistrar
  /**
   * The name of the test about to run, from the arguments the runner passes to a
   * `beforeEach` callback (node:test passes the test context: `(t) => t.name`). Default: a
   * counter, `test 1`, `test 2`, …
   */
  testName?: (...hookArgs: never[]) => string
  /**
   * How the test that just ran ended, from the arguments the runner passes to an `afterEach`
   * callback (node:test: `(t) => (t.passed ? 'passed' : 'failed')`), for the per-test records
   * (the `report` option). Without it a record says `'failed'` only when cleanroom failed the
   * test, `'passed'` otherwise.
   */
  testOutcome?: (...hookArgs: never[]) => TestOutcome
}

/** What `installCleanroom` from `cleanroom/hooks` returns. */
export interface Installation {
  /**
   * Disposes the worker scope (worker-level fixtures and what they tracked). Runs by itself
   * when the process has nothing left to do (`beforeExit`); call it from a hook that runs once
   * at the very end if the runner has one.
   */
  dispose(): Promise<void>
}

const hookKeys = [
  'beforeEach',
  'afterEach',
  'beforeAll',
  'afterAll',
  'testName',
  'testOutcome',
] as const

/**
 * Binds cleanroom to any test runner's hooks: a test scope per test (disposed in `afterEach`,
 * whose failure fails the test), a file scope between `beforeAll` and `afterAll`, and a worker
 * scope for the process.
 *
 * @param hooks - the runner's hook registrars
 * @param options - deadlines and registry for the runtime's scopes
 * @returns a handle to dispose the worker scope
 * @throws {TypeError} when a hook is not a function or an option is invalid
 *
 * @example
 * ```ts
 * import { after, afterEach, before, beforeEach } from 'node:test'
 * import { installCleanroom } from 'cleanroom/hooks'
 *
 * installCleanroom({
 *   beforeEach,
 *   afterEach,
 *   beforeAll: before,
 *   afterAll: after,
 *   testName: (t: { name: string }) => t.name,
 * })
 * ```
 */
export function installCleanroom(hooks: RunnerHooks, options?: CleanroomOptions): Installation {
  const call = 'installCleanroom'
  if (typeof hooks !== 'object' || (hooks as unknown) === null) {
    throw new TypeError(
      `${call}: expected \`hooks\` to be an object of hook registrars, got ${describeValue(hooks)}`,
    )
  }
  for (const key of Object.keys(hooks)) {
    if (!(hookKeys as readonly string[]).includes(key)) {
      throw new TypeError(
        `${call}: unknown hook \`${key}\`. Known: ${hookKeys.map((k) => `\`${k}\``).join(', ')}`,
      )
    }
  }
  for (const key of hookKeys) {
    const hook: unknown = hooks[key]
    const required = key === 'beforeEach' || key === 'afterEach'
    if ((required || hook !== undefined) && typeof hook !== 'function') {
      throw new TypeError(
        `${call}: expected \`${key}\` to be a function, got ${describeValue(hook)}`,
      )
    }
  }
  const { runtime, created } = installRuntime(options, call, 'hooks')
  const disposeWorker = async (): Promise<void> => {
    process.off('beforeExit', onBeforeExit)
    const failure = await runtime.endWorker()
    if (failure !== undefined) throw failure
  }
  const onBeforeExit = (): void => {
    disposeWorker().catch((error: unknown) => {
      // Nothing is left to report it to: print it and fail the process.
      console.error(error)
      process.exitCode = 1
    })
  }
  if (!created) return { dispose: disposeWorker }
  process.once('beforeExit', onBeforeExit)
  let tests = 0
  const testName = hooks.testName as ((...args: unknown[]) => string) | undefined
  const testOutcome = hooks.testOutcome as ((...args: unknown[]) => TestOutcome) | undefined
  hooks.beforeAll?.(async () => {
    const failure = await runtime.beginFile(process.argv[1] ?? 'file')
    if (failure !== undefined) throw failure
  })
  hooks.beforeEach((...args: never[]) => {
    tests++
    runtime.beginTest(testName === undefined ? `test ${tests}` : testName(...args))
  })
  if (runtime.recording) {
    hooks.afterEach(async (...args: never[]) => {
      // A testOutcome that throws or answers nonsense fails the test, after its teardown.
      let undescribed: Error | undefined
      let ended: TestOutcome = 'passed'
      try {
        if (testOutcome !== undefined) ended = outcome(testOutcome(...args))
      } catch (error) {
        undescribed = error instanceof Error ? error : new Error(String(error))
        ended = 'failed'
      }
      runtime.describeTest([runtime.testName ?? `test ${tests}`], ended)
      const failure = combineFailures([await runtime.endTest(), undescribed])
      if (failure !== undefined) throw failure
    })
  } else {
    hooks.afterEach(async () => {
      const failure = await runtime.endTest()
      if (failure !== undefined) throw failure
    })
  }
  hooks.afterAll?.(async () => {
    const failure = await runtime.endFile()
    if (failure !== undefined) throw failure
  })
  return { dispose: disposeWorker }
}

/** What `testOutcome` returned, checked: a record takes one of the three outcomes only. */
function outcome(value: unknown): TestOutcome {
  if (value === 'passed' || value === 'failed' || value === 'skipped') return value
  throw new TypeError(
    `installCleanroom: expected \`testOutcome\` to return 'passed', 'failed' or 'skipped', got ${describeValue(value)}`,
  )
}
