import { relative } from 'node:path'
import { defaults } from '../core/scope-options.ts'
import { installRuntime } from '../runtime/install.ts'
import type { CleanroomOptions } from '../runtime/options.ts'
import { installed, type Runtime, type TeardownFailure } from '../runtime/runtime.ts'

/**
 * A root hook as Mocha runs it: `this` is Mocha's hook context (typed `unknown` here so that
 * neither cleanroom nor your code needs Mocha's types).
 *
 * @example
 * ```ts
 * // Your own root hooks beside cleanroom's: Mocha takes an array for each kind of hook.
 * import { installCleanroom, type MochaRootHook } from 'cleanroom/mocha'
 *
 * const cleanroom = installCleanroom()
 * const logDone: MochaRootHook = () => {
 *   console.log('test done')
 *   return Promise.resolve()
 * }
 *
 * export const mochaHooks: Record<string, MochaRootHook | MochaRootHook[]> = {
 *   beforeAll: cleanroom.beforeAll,
 *   beforeEach: cleanroom.beforeEach,
 *   afterEach: [logDone, cleanroom.afterEach],
 *   afterAll: cleanroom.afterAll,
 * }
 * ```
 */
export type MochaRootHook = (this: unknown) => Promise<void>

/**
 * Mocha root hooks: what a `--require`d module exports as `mochaHooks`.
 *
 * @example
 * ```ts
 * // test/cleanroom.ts, loaded with: mocha --require ./test/cleanroom.ts
 * import { installCleanroom, type MochaRootHooks } from 'cleanroom/mocha'
 *
 * export const mochaHooks: MochaRootHooks = installCleanroom({ budget: 20_000 })
 * ```
 */
export interface MochaRootHooks {
  /** Runs once before all tests (in `--parallel` mode, once per file). */
  readonly beforeAll: MochaRootHook
  /** Runs before every test. */
  readonly beforeEach: MochaRootHook
  /** Runs after every test, after your own `afterEach` hooks. */
  readonly afterEach: MochaRootHook
  /** Runs once after all tests (in `--parallel` mode, once per file), after your own. */
  readonly afterAll: MochaRootHook
}

// The parts of Mocha's runnables, suites and hook context these hooks use. Mocha is an
// optional peer: it is never imported, its objects are reached through `this`.
type HookName = 'beforeAll' | 'beforeEach' | 'afterEach' | 'afterAll'
interface MochaRunnable {
  readonly title: string
  readonly file?: string | undefined
  readonly parent?: MochaSuite | undefined
  /** A test's: `'passed'`, `'failed'` or `'pending'` once it ran; undefined before. */
  readonly state?: string | undefined
  isPending(): boolean
  /** Its suites' titles (the root's excluded), then its own. */
  titlePath(): string[]
}
interface MochaHook extends MochaRunnable {
  readonly fn?: unknown
  timeout(): number
  timeout(ms: number): unknown
  /** Sets the error Mocha fails the current test with once this (passing) hook has run. */
  error(error: unknown): void
}
interface MochaSuite {
  readonly file?: string | undefined
  readonly suites: readonly MochaSuite[]
  readonly tests: readonly MochaRunnable[]
  /** True for `describe.skip` (or inside one): Mocha runs none of its hooks. */
  isPending(): boolean
  getHooks(name: HookName): MochaHook[]
  beforeAll(title: string, fn: MochaRootHook): unknown
  afterAll(title: string, fn: MochaRootHook): unknown
}
interface MochaContext {
  /** The hook that is running. */
  readonly test?: MochaHook | undefined
  /** In `beforeEach`/`afterEach`, the test the hook runs for. */
  readonly currentTest?: MochaRunnable | undefined
}

const call = 'installCleanroom'
const openTitle = 'cleanroom: open the file scope'
const disposeTitle = 'cleanroom: dispose the file scope'
const inert: MochaRootHooks = {
  beforeAll: () => Promise.resolve(),
  beforeEach: () => Promise.resolve(),
  afterEach: () => Promise.resolve(),
  afterAll: () => Promise.resolve(),
}

/**
 * Installs cleanroom in Mocha with `options`, and returns the root hooks that run it: export
 * them as `mochaHooks` from a module you load with `--require` (Mocha reads root hooks only
 * from a `--require`d module's exports). For the defaults, `--require cleanroom/mocha` is
 * enough.
 *
 * Each test gets a test scope, disposed in a root `afterEach` that runs after your own
 * `afterEach` hooks: a cleanup that fails or times out fails that test (its own error, if it
 * failed by itself, stays first), and the rest of the suite still runs. Each test file's
 * top-level `describe` blocks share a file scope, opened before their `before` hooks and
 * disposed after their `after` hooks; a failure there fails that last `after` hook. The
 * worker scope ends in the root `afterAll`, once per run (per file with `--parallel`).
 * cleanroom's hooks raise their own Mocha timeout above cleanroom's deadlines.
 *
 * Installing a second time with the same options returns hooks that do nothing, so the
 * installation that came first does the work.
 *
 * @param options - deadlines and registry for the runtime's scopes
 * @returns the root hooks, to export as `mochaHooks`
 * @throws {TypeError} when an option is unknown or invalid
 * @throws {Error} when cleanroom is already installed in this process with other options
 *
 * @example
 * ```ts
 * // test/cleanroom.ts, loaded with: mocha --require ./test/cleanroom.ts
 * import { installCleanroom, type MochaRootHooks } from 'cleanroom/mocha'
 *
 * export const mochaHooks: MochaRootHooks = installCleanroom({ timeout: 2_000, budget: 5_000 })
 * ```
 */
export function installCleanroom(options?: CleanroomOptions): MochaRootHooks {
  const { runtime, created } = installRuntime(options, call, 'mocha')
  return created ? bindRuntime(runtime, options) : inert
}

/**
 * The root hook plugin for `mocha --require cleanroom/mocha`: Mocha calls it once the
 * `--require`d modules are loaded, and it installs cleanroom with its defaults (see
 * {@link installCleanroom}). Importing `cleanroom/mocha` installs nothing by itself.
 *
 * @returns the root hooks
 *
 * @example
 * ```ts
 * // .mocharc.json: { "require": ["cleanroom/mocha"] }, or re-exported from your own file:
 * export { mochaHooks } from 'cleanroom/mocha'
 * ```
 */
export function mochaHooks(): MochaRootHooks {
  return installCleanroom()
}

function bindRuntime(
  installedRuntime: Runtime,
  options: CleanroomOptions | undefined,
): MochaRootHooks {
  let runtime = installedRuntime
  /** The absolute path of the file whose scope is open. */
  let openFile: string | undefined
  /** Failures with no test or file hook to fail: the root `afterAll` raises them. */
  const unreported: Error[] = []
  /** With per-test records on, the tests whose record the root `afterEach` wrote. */
  const recorded = new WeakSet<MochaRunnable>()
  // At most three scopes end in one hook (the test's, the file's, the worker's), each within
  // its budget plus a last chance per disposer: Mocha's own limit must never come first.
  const hookTimeout = 3 * (runtime.options.budget ?? defaults.budget) + 10_000

  const extendTimeout = (context: MochaContext): void => {
    const hook = context.test
    // 0 means Mocha's timeouts are off (--timeout 0, --inspect): keep them off.
    if (hook !== undefined && hook.timeout() !== 0 && hook.timeout() < hookTimeout) {
      hook.timeout(hookTimeout)
    }
  }
  const openFileScope = async (file: string): Promise<void> => {
    if (openFile === file) return
    openFile = file
    // Ending the previous file's scope here has no hook of that file to fail: keep it.
    const failure = await runtime.beginFile(relative(process.cwd(), file))
    if (failure !== undefined) unreported.push(failure)
  }

  const openFileHook = async function (this: unknown): Promise<void> {
    const context = this as MochaContext
    extendTimeout(context)
    const file = context.test?.parent?.file
    if (file !== undefined) await openFileScope(file)
  }
  const disposeFileHook = async function (this: unknown): Promise<void> {
    extendTimeout(this as MochaContext)
    openFile = undefined
    raise(await runtime.endFile())
  }

  const hooks: MochaRootHooks = {
    beforeAll: named(function (this: unknown): Promise<void> {
      const context = this as MochaContext
      extendTimeout(context)
      const root = context.test?.parent
      if (root !== undefined) arrangeHooks(root, hooks, openFileHook, disposeFileHook)
      return Promise.resolve()
    }),
    beforeEach: named(async function (this: unknown): Promise<void> {
      const context = this as MochaContext
      extendTimeout(context)
      const test = context.currentTest
      // A no-op in a describe (its file's scope is open); tests outside any describe open it.
      if (test?.file !== undefined) await openFileScope(test.file)
      runtime.beginTest(test?.title ?? 'test', test?.parent)
    }),
    afterEach: named(async function (this: unknown): Promise<void> {
      const context = this as MochaContext
      extendTimeout(context)
      if (runtime.recording && context.currentTest !== undefined) {
        runtime.describeTest(context.currentTest.titlePath(), outcomeOf(context.currentTest))
        recorded.add(context.currentTest)
      }
      const failure = await runtime.endTest()
      if (failure === undefined) return
      const { test: hook, currentTest: test } = context
      if (hook === undefined || test === undefined || test.isPending()) {
        // Mocha ignores failures of a skipped test: report it with the run instead.
        unreported.push(failure)
        return
      }
      // Throwing here would fail the hook, and Mocha would skip the rest of the suite. An
      // error set on the hook instead fails the test once the hook has passed; a test that
      // already failed keeps its own error first and gets this one as a second.
      hook.error(failure)
    }),
    afterAll: named(async function (this: unknown): Promise<void> {
      const context = this as MochaContext
      extendTimeout(context)
      const root = context.test?.parent
      if (runtime.recording && root !== undefined) {
        unreported.push(...recordUnrun(runtime, root, recorded))
      }
      openFile = undefined
      const failure = await runtime.endWorker()
      const failures = unreported.splice(0)
      if (failure !== undefined) failures.push(failure)
      // Another run may follow in this process (the next file of a --parallel worker, a
      // --watch rerun): it gets a fresh runtime, ready before its files load.
      if (installed.runtime === runtime) installed.runtime = undefined
      runtime = installRuntime(options, call, 'mocha').runtime
      raise(combine(failures))
    }),
  }
  return hooks
}

/**
 * Puts cleanroom's root hooks where they must run (its `beforeEach` first, its `afterEach`
 * and `afterAll` last, after hooks that test files added at their top level), and gives each
 * test file's top-level `describe` blocks the hooks that open and dispose the file's scope.
 */
function arrangeHooks(
  root: MochaSuite,
  hooks: MochaRootHooks,
  openFileHook: MochaRootHook,
  disposeFileHook: MochaRootHook,
): void {
  moveHook(root, 'beforeEach', hooks.beforeEach, 'first')
  moveHook(root, 'afterEach', hooks.afterEach, 'last')
  moveHook(root, 'afterAll', hooks.afterAll, 'last')
  const suites = root.suites.filter((suite) => suite.file !== undefined && !suite.isPending())
  const lastOfFile = new Map(suites.map((suite) => [suite.file, suite]))
  for (const suite of suites) {
    if (suite.file === undefined) continue
    // Checked first: a second run of the same suites (mocha.run() again) has them already.
    if (!hasHook(suite, 'beforeAll', openFileHook)) suite.beforeAll(openTitle, openFileHook)
    moveHook(suite, 'beforeAll', openFileHook, 'first')
    if (lastOfFile.get(suite.file) === suite && !hasHook(suite, 'afterAll', disposeFileHook)) {
      suite.afterAll(disposeTitle, disposeFileHook)
    }
  }
}

function hasHook(suite: MochaSuite, name: HookName, fn: MochaRootHook): boolean {
  return suite.getHooks(name).some((hook) => hook.fn === fn)
}

function moveHook(
  suite: MochaSuite,
  name: HookName,
  fn: MochaRootHook,
  where: 'first' | 'last',
): void {
  const hooks = suite.getHooks(name)
  const index = hooks.findIndex((hook) => hook.fn === fn)
  if (index === -1) return
  const [hook] = hooks.splice(index, 1)
  if (hook === undefined) return
  if (where === 'first') hooks.unshift(hook)
  else hooks.push(hook)
}

/** How a test ended, as Mocha reports it (`this.skip()` in the test makes it pending). */
function outcomeOf(test: MochaRunnable): 'passed' | 'failed' | 'skipped' {
  if (test.isPending()) return 'skipped'
  return test.state === 'failed' ? 'failed' : 'passed'
}

/**
 * Writes the records of the tests Mocha skipped without running them (`it.skip`, `xit`, those
 * of a `describe.skip`): no hook ran for them. The run's tests are all done.
 * @returns the records that could not be written, as errors
 */
function recordUnrun(
  runtime: Runtime,
  suite: MochaSuite,
  recorded: WeakSet<MochaRunnable>,
): Error[] {
  const unwritten: Error[] = []
  for (const test of suite.tests) {
    // Mocha marks a test it skipped statically pending, and runs no hook for it.
    if (test.state !== 'pending' || recorded.has(test)) continue
    const file = test.file === undefined ? undefined : relative(process.cwd(), test.file)
    const failure = runtime.recordSkipped(test.titlePath(), file)
    if (failure !== undefined) unwritten.push(failure)
  }
  for (const child of suite.suites) unwritten.push(...recordUnrun(runtime, child, recorded))
  return unwritten
}

/** Mocha titles a hook after its function: `"after each" hook: cleanroom for "a test"`. */
function named(hook: MochaRootHook): MochaRootHook {
  return Object.defineProperty(hook, 'name', { value: 'cleanroom' })
}

function combine(failures: readonly Error[]): Error | undefined {
  if (failures.length <= 1) return failures[0]
  return new AggregateError(
    failures,
    `${failures.length} cleanroom teardowns failed outside any test:\n\n${failures
      .map((failure) => failure.message)
      .join('\n\n')}`,
  )
}

function raise(failure: TeardownFailure): void {
  if (failure !== undefined) throw failure
}
