import { relative, resolve } from 'node:path'
import { frameFile, framePattern } from '../core/creation-site.ts'
import { CleanupError, LeakError } from '../core/errors.ts'
import { defaults } from '../core/scope-options.ts'
import type { CleanroomOptions } from '../runtime/options.ts'
import { installRuntime } from '../runtime/install.ts'
import type { Runtime, TeardownFailure } from '../runtime/runtime.ts'

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

/** The parts of a jest-circus test (or describe block) the adapter reads and writes. */
interface CircusBlock {
  name: string
  parent?: CircusBlock
}
interface CircusTest extends CircusBlock {
  errors: unknown[]
  /** Captured where the test was declared (jest-circus keeps it to point at the test). */
  asyncError?: Error
}
/** A jest-circus event, as its event handlers receive it (the ones the adapter handles). */
interface CircusEvent {
  name: string
  test?: CircusTest
  hook?: CircusHook
}
/** A jest-circus hook, as its events carry it. */
interface CircusHook {
  type: string
  parent?: CircusBlock & { hooks?: readonly CircusHook[] }
}
type CircusHandler = (event: CircusEvent, state: { unhandledErrors: unknown[] }) => unknown

/**
 * Where jest-circus keeps the event handlers it awaits, in order, for every event of a test
 * file's run (`test_started`, `test_done`, `run_finish`, …): the array `addEventHandler`
 * pushes to, on the file's `globalThis`.
 */
const circusHandlers = Symbol.for('EVENT_HANDLERS')
/** The name jest-circus gives the describe block that holds a file's top-level tests. */
const rootBlockName = 'ROOT_DESCRIBE_BLOCK'

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
 * own `globalThis`) and module registry. Each file gets a test scope per test, disposed
 * after the test's `afterEach` hooks: a cleanup that fails or times out fails that test, with
 * cleanroom's message. The file's scope, and then the worker scope, are disposed after the
 * file's `afterAll` hooks: a failure there fails the test file.
 *
 * Jest has no hook that runs once per worker process, and nothing made in one test file's
 * context may outlive it, so under Jest the worker scope lasts as long as the file: a
 * `worker` fixture is created once per test file.
 *
 * A test that failed by itself keeps its own error first: Jest lists the cleanup failure after
 * it. Jest's hook timeouts do not apply: cleanroom's deadlines decide what happens to a slow
 * cleanup.
 *
 * It listens to the events of Jest's default runner, jest-circus, which costs a test nothing
 * measurable; with another runner (`testRunner: 'jest-jasmine2'`) it registers `beforeEach`,
 * `afterEach`, `beforeAll` and `afterAll` hooks instead.
 *
 * @param options - deadlines and registry for the runtime's scopes
 * @throws {TypeError} when an option is unknown or invalid
 * @throws {Error} outside Jest (neither jest-circus's events nor Jest's hook globals are
 *   there), or when cleanroom is already installed in this test file with other options
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
  const jest = globalThis as JestGlobals & Record<symbol, unknown>
  const handlers = jest[circusHandlers]
  const bind = Array.isArray(handlers)
    ? (runtime: Runtime, opened: Promise<TeardownFailure>) => {
        listen(handlers as CircusHandler[], runtime, opened)
      }
    : hooksBinder(jest, call)
  const { runtime, created } = installRuntime(options, call, 'jest')
  if (!created) return
  // The test file's global is a vm context's, its own and dear to list: checked per file.
  runtime.compareGlobalsPerFile()
  // And its process.env is the file's own (a Proxy of Jest's): writes to it are watched.
  runtime.watchEnv()
  const testPath = jest.expect?.getState?.().testPath
  // Open the file's scope now, so that what the test file tracks as it loads belongs to it.
  const opened = runtime.beginFile(
    testPath === undefined ? 'test file' : relative(process.cwd(), testPath),
  )
  bind(runtime, opened)
}

/**
 * Binds the runtime to jest-circus's events. Its handler goes first, so that a cleanup's
 * failure is among the test's errors before Jest reads them (for its status, its duration,
 * and the result it reports as the test ends).
 */
function listen(
  handlers: CircusHandler[],
  runtime: Runtime,
  opened: Promise<TeardownFailure>,
): void {
  const reportOnFile = (state: { unhandledErrors: unknown[] }) => (failure: TeardownFailure) => {
    if (failure !== undefined) state.unhandledErrors.push(forJest(failure))
  }
  /**
   * The running test's block, until the global-state guard has its baseline: Jest runs a
   * `beforeEach` hook of its own first (it restores mocks there, with `restoreMocks`), whose
   * work is not the test's.
   */
  let globalsPending: { group: unknown } | undefined
  const beginGlobals = (): void => {
    if (globalsPending === undefined) return
    runtime.beginGlobals(globalsPending.group)
    globalsPending = undefined
  }
  // Not an async function: jest-circus awaits the handler for every event of every test, and
  // most are none of cleanroom's business.
  const handler: CircusHandler = (event, state) => {
    switch (event.name) {
      case 'run_start':
        return opened.then(reportOnFile(state))
      // Dispatched for a test that runs (not for a skipped or todo one), before its
      // `beforeEach` hooks, so what they track belongs to the test.
      case 'test_started':
        if (event.test !== undefined) {
          if (runtime.guardsGlobals) globalsPending = { group: event.test.parent }
          runtime.beginTest(fullName(event.test), undefined, true)
        }
        return undefined
      case 'hook_success':
      case 'hook_failure':
        if (globalsPending !== undefined && isJestOwnBeforeEach(event.hook)) beginGlobals()
        return undefined
      // In case Jest's own hook was not seen: at the latest as the test's function starts.
      case 'test_fn_start':
        beginGlobals()
        return undefined
      // Dispatched after the test's `afterEach` hooks, whether it passed or not.
      case 'test_done':
        if (runtime.recording && event.test !== undefined) {
          // Its own errors (its hooks' included) are there; cleanroom's are added below.
          runtime.describeTest(
            titlePath(event.test),
            event.test.errors.length > 0 ? 'failed' : 'passed',
          )
        }
        return afterTest(runtime.finishTest(), event.test)
      // A test that does not run (`test.skip`, `test.todo`, left out by `.only` or a name
      // filter): no hook runs for it, so only its record, when records are on.
      case 'test_skip':
      case 'test_todo':
        if (runtime.recording && event.test !== undefined) {
          reportOnFile(state)(runtime.recordSkipped(titlePath(event.test)))
        }
        return undefined
      // After the file's `afterAll` hooks. Jest reports these errors against the test file.
      case 'run_finish':
        return runtime.endWorker().then(reportOnFile(state))
      default:
        return undefined
    }
  }
  const theirs = handlers[0]
  if (typeof theirs === 'function') handlers[0] = first(handler, theirs)
  else handlers.unshift(handler)
}

/**
 * One handler that runs `ours`, then `theirs` (jest-circus's own, which must see a cleanup's
 * failure among the test's errors): jest-circus awaits each handler for every event of every
 * test, about ten a test, and an `await` costs even when nothing is returned. So cleanroom's
 * handler takes no turn of its own; `theirs` waits only when `ours` returned a promise.
 */
function first(ours: CircusHandler, theirs: CircusHandler): CircusHandler {
  return (event, state) => {
    const waiting = ours(event, state)
    return waiting === undefined
      ? theirs(event, state)
      : (waiting as Promise<unknown>).then(() => theirs(event, state))
  }
}

/**
 * Adds what ending the test found to the test's errors: Jest keeps the test's own error first
 * and lists this one after it. A promise only when the test's end has something to wait for.
 */
function afterTest(
  ending: TeardownFailure | Promise<TeardownFailure>,
  test: CircusTest | undefined,
): Promise<void> | undefined {
  // Not \`instanceof Promise\`: the test file's context has a Promise of its own.
  if (ending !== undefined && 'then' in ending) {
    return ending.then((failure) => afterTest(failure, test))
  }
  if (ending !== undefined) test?.errors.push(forJest(ending, test))
  return undefined
}

/**
 * Whether \`hook\` is the \`beforeEach\` hook jest-circus registers for itself before any setup
 * file runs (it clears, resets and restores mocks there): the root block's first.
 */
function isJestOwnBeforeEach(hook: CircusHook | undefined): boolean {
  const root = hook?.parent
  if (hook?.type !== 'beforeEach' || root?.name !== rootBlockName) return false
  return root.hooks?.find((each) => each.type === 'beforeEach') === hook
}

/** A test's name as Jest prints it: its describe blocks' names, then its own. */
function fullName(test: CircusTest): string {
  const names = [test.name]
  for (let block = test.parent; block !== undefined; block = block.parent) {
    if (block.name !== rootBlockName) names.unshift(block.name)
  }
  return names.join(' ')
}

/** A test's full title: its describe blocks' names, then its own. */
function titlePath(test: CircusTest): string[] {
  const title = [test.name]
  for (let block = test.parent; block !== undefined; block = block.parent) {
    if (block.name !== rootBlockName) title.unshift(block.name)
  }
  return title
}

/** Binds the runtime to Jest's hook globals, for a runner other than jest-circus. */
function hooksBinder(
  jest: JestGlobals,
  call: string,
): (runtime: Runtime, opened: Promise<TeardownFailure>) => void {
  const beforeEach = hook(jest, 'beforeEach', call)
  const afterEach = hook(jest, 'afterEach', call)
  const beforeAll = hook(jest, 'beforeAll', call)
  const afterAll = hook(jest, 'afterAll', call)
  return (runtime, opened) => {
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
      runtime.beginTest(jest.expect?.getState?.().currentTestName ?? `test ${tests}`)
    }, eachTimeout)
    afterEach(async () => {
      raise(await runtime.endTest())
    }, eachTimeout)
    afterAll(async () => {
      raise(await runtime.endWorker())
    }, allTimeout)
  }
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
  if (failure !== undefined) throw forJest(failure)
}

/**
 * The failure, shaped for Jest's report. Jest takes an error's message to end where its first
 * `at file:line:col` line starts, and with no such line keeps only the first line as the message.
 * cleanroom's errors carry no frames of their own machinery, so the one frame they get is where
 * the first failed or leaked resource was created, or else where the test was declared, as an
 * absolute path: Jest shows the code there.
 */
function forJest(failure: Error, test?: CircusTest): Error {
  const site = firstSite(failure)
  const frame = site === undefined ? declaredAt(test) : resolve(process.cwd(), site)
  if (frame !== undefined && (failure instanceof CleanupError || failure instanceof LeakError)) {
    failure.stack = `${failure.name}: ${failure.message}\n    at ${frame}`
  }
  return failure
}

function firstSite(failure: Error): string | undefined {
  if (failure instanceof CleanupError) {
    return failure.errors.find((error) => error.resource.created !== undefined)?.resource.created
  }
  if (failure instanceof LeakError) {
    return failure.leaks.find((leak) => leak.created !== undefined)?.created
  }
  return undefined
}

/** Where the test was declared: the first frame outside `node_modules` of its `asyncError`. */
function declaredAt(test: CircusTest | undefined): string | undefined {
  for (const line of (test?.asyncError?.stack ?? '').split('\n').slice(1)) {
    const match = framePattern.exec(line)
    const file = frameFile(line)
    if (match !== null && file !== undefined && !file.includes('node_modules')) {
      return `${file}:${match[2] ?? ''}:${match[3] ?? ''}`
    }
  }
  return undefined
}
