import { GlobalStateError } from '../core/errors.ts'
import {
  isIgnoredChange,
  type GlobalStateChange,
  type ResolvedGlobalStateOptions,
} from './global-state-options.ts'
import { EnvWatch } from './env-watch.ts'
import { restoreSnapshot } from './global-state-restore.ts'
import {
  diffEnv,
  diffEnvValues,
  diffGlobals,
  diffSnapshot,
  hiddenGlobals,
} from './global-state-diff.ts'
import {
  copyEnv,
  envMatches,
  globalsMatch,
  restMatches,
  takeSnapshot,
  timerNames,
  type GlobalSnapshot,
} from './global-state-snapshot.ts'

/**
 * The global-state guard: what a test changed in `process.env`, `globalThis`, the working
 * directory, `process.exitCode`, the process's listeners, `EventEmitter.defaultMaxListeners`,
 * `Error.stackTraceLimit`, and fake timers it left installed. A snapshot as the test begins
 * (after the runner's own per-test work), a comparison as it ends.
 *
 * The comparison is what a clean test costs, so the default mode (`warn`) keeps a light
 * snapshot: the enumerable globals and their values, listener counts, and `process.env`'s
 * names only where writes to it are watched (Jest's); Node's own is compared once per file,
 * names and values (listing it copies the whole environment out of the process, about a third
 * of what a clean test cost, and reading a value goes through C++); and
 * the snapshot a clean test ended with is the next test's when both are in the same group (the
 * same describe block: the runners run no `beforeAll` or `afterAll` hook of the user's between
 * two tests of one block), as it is, nothing read again. Only when something differs is the
 * readable diff worked out. `restore` and `fail` keep a full snapshot, to put things back.
 */
export class GlobalStateGuard {
  readonly options: ResolvedGlobalStateOptions
  #depth: 'timers' | 'light' | 'full'
  /** In `warn` mode with the globals compared per file: the file's baseline. */
  #file: GlobalSnapshot | undefined
  #snapshot: GlobalSnapshot | undefined
  /** The light snapshot the last test ended with unchanged, and that test's group. */
  #previous: { snapshot: GlobalSnapshot; group: unknown } | undefined
  /**
   * In the light modes, `process.env` as the file began: changed values are its, and, when
   * a test's check leaves `process.env` out (see {@link GlobalStateGuard.#envPerTest}), the
   * variables set and deleted too.
   */
  #fileEnv: Record<string, string | undefined> | undefined
  /** What the runner restores by itself, over the whole file. */
  #fileRunnerRestores = new Set<string>()
  /** Names the runner restores by itself after this test (Vitest's `unstubEnvs`, say). */
  #runnerRestores = new Set<string>()
  /** Whether the runner restores its mocks itself (`restoreMocks`): a global mock is its own. */
  runnerRestoresMocks = false
  /**
   * The last report of changes made, returned (`fail`) or only printed: the per-test records
   * read it, having cleared it before the check they want. Written only when a change is found.
   */
  lastReported: GlobalStateError | undefined

  readonly #hidden: ReadonlyMap<string, unknown>

  constructor(options: ResolvedGlobalStateOptions) {
    this.options = options
    this.#depth = options.mode === 'warn' ? 'light' : 'full'
    this.#hidden = this.#depth === 'light' ? hiddenGlobals() : new Map()
  }

  /**
   * Compares the globals of `globalThis` once per file instead of once per test, in `warn`
   * mode (a test's check still covers the timer functions, for fake timers): for a runner
   * whose global is a `vm` context's, which is dear to list (about 100 µs under Jest) and
   * is the file's own, so a test cannot change another file's.
   */
  compareGlobalsPerFile(): void {
    if (this.#depth === 'light') this.#depth = 'timers'
  }

  /** Writes to `process.env`, seen as they are made, once {@link GlobalStateGuard.watchEnv} put it in place. */
  #envWatch: EnvWatch | undefined

  /**
   * Has a test's check know that `process.env` is unchanged, without listing it, when nothing
   * was written to it, in the light modes: for a runner whose `process.env` is the test file's
   * own object, which the guard may wrap (Jest's). See `EnvWatch`.
   */
  watchEnv(): void {
    if (this.#depth !== 'full') this.#envWatch ??= EnvWatch.install()
  }

  /**
   * Whether a test's check compares `process.env`'s names: in `restore` and `fail` (which
   * compare its values too), where writes to it are watched, which spares a clean test the
   * listing, and when asked ({@link GlobalStateGuard.compareEnvPerTest}). Otherwise (`warn`
   * under Node's own `process.env`: Vitest, Mocha, node:test) they are compared once per file,
   * with the values.
   */
  get #envPerTest(): boolean {
    return (
      this.#depth === 'full' || this.#envWatch !== undefined || this.#envEveryTest || !this.#inFile
    )
  }

  /**
   * Whether a file has begun and not ended: without one (the hooks binder given no
   * `beforeAll`), no file's check would see the environment, so each test's does.
   */
  #inFile = false

  #envEveryTest = false

  /**
   * Has each test's check compare `process.env`'s names in `warn` mode too, whatever it costs:
   * for per-test records, which say what each test changed.
   */
  compareEnvPerTest(): void {
    this.#envEveryTest = true
  }

  /**
   * Begins a file: its baseline (in the light modes, `process.env`'s values, since a test's
   * check compares the names only, and the globals when they are compared per file) is taken
   * when its first test begins.
   */
  beginFile(): void {
    this.#inFile = true
    this.#fileRunnerRestores.clear()
    this.#previous = undefined
    this.#fileEnv = undefined
    this.#file = undefined
    // Taken as the first test begins, not now: what loading the test file and its imports
    // does (tslib's helpers on the global, a polyfill, dotenv) is no test's doing.
    this.#fileBaselinePending = true
  }

  #fileBaselinePending = false

  #takeFileBaseline(): void {
    this.#fileBaselinePending = false
    this.#fileEnv = this.#depth === 'full' ? undefined : copyEnv()
    this.#file = this.#depth === 'timers' ? takeSnapshot('light') : undefined
  }

  /**
   * What the file changed that its tests' checks do not see: in the light modes, the value of
   * a variable it had from the start, and its globals when they are compared per file.
   */
  endFile(name: string): Error | undefined {
    this.#fileBaselinePending = false
    // Whether this file's tests compared the names themselves, read before the file ends.
    const envPerTest = this.#envPerTest
    this.#inFile = false
    const file = this.#file
    const env = this.#fileEnv
    this.#file = undefined
    this.#fileEnv = undefined
    const changes =
      env === undefined ? [] : envPerTest ? diffEnvValues(env) : diffEnv(Object.keys(env), env)
    if (file !== undefined && !globalsMatch(file)) {
      // The timer functions (fake timers) were checked with each test.
      changes.push(
        ...diffGlobals(file, this.#hidden).filter(
          (change) =>
            change.kind !== 'fakeTimers' &&
            !(timerNames as readonly string[]).includes(change.name.slice('globalThis.'.length)),
        ),
      )
    }
    const restored = this.#fileRunnerRestores
    return this.#reportChanges(
      `file ${name}`,
      changes.filter((change) => !restored.has(change.name)),
    )
  }

  /** Drops the running test's baseline: it is taken later, by `beginTest()`. */
  forget(): void {
    this.#snapshot = undefined
  }

  /**
   * Takes the test's baseline. `group` identifies the block the test is in (any value, compared
   * by identity), or is undefined when the adapter cannot tell, which costs a fresh copy of the
   * environment for every test.
   */
  beginTest(group?: unknown): void {
    if (this.#fileBaselinePending) this.#takeFileBaseline()
    this.#runnerRestores.clear()
    const previous = this.#previous
    this.#previous = undefined
    const watch = this.#envWatch
    // The last test of the group ended with the state still as this snapshot holds it, and no
    // hook of the user's ran since (nor, when it is watched, did anything write to the
    // environment): it is this test's baseline as it is, nothing read again.
    this.#snapshot =
      previous !== undefined &&
      group !== undefined &&
      previous.group === group &&
      (watch === undefined || watch.unchanged)
        ? previous.snapshot
        : takeSnapshot(this.#depth, this.#envPerTest)
    watch?.reset()
    this.#group = group
  }

  #group: unknown

  /** Records that the runner itself restores `name` after this test: it is not reported. */
  runnerRestores(name: string): void {
    this.#runnerRestores.add(name)
    this.#fileRunnerRestores.add(name)
  }

  /**
   * What the running test changed: for `warn` and `restore`, nothing (the report is printed);
   * for `fail`, a {@link GlobalStateError}. `restore` and `fail` put the state back.
   */
  endTest(name: string): Error | undefined {
    const snapshot = this.#snapshot
    this.#snapshot = undefined
    if (snapshot === undefined) return undefined
    try {
      const watch = this.#envWatch
      if (
        (watch?.unchanged === true || envMatches(snapshot)) &&
        globalsMatch(snapshot) &&
        restMatches(snapshot)
      ) {
        // Still current: the next test of the same group starts from it.
        watch?.reset()
        if (snapshot.env === undefined) this.#previous = { snapshot, group: this.#group }
        return undefined
      }
      return this.#report(name, snapshot)
    } catch (error) {
      return new Error(
        `cleanroom: checking test "${name}" for global-state changes failed: ${String(error)}. A globals.ignore predicate that throws is reported here; otherwise this is a bug in cleanroom: please report it with this stack.`,
        { cause: error },
      )
    }
  }

  #report(name: string, snapshot: GlobalSnapshot): Error | undefined {
    return this.#reportChanges(
      `test "${name}"`,
      diffSnapshot(snapshot, this.#hidden).filter(
        (change) => !this.#runnerRestores.has(change.name),
      ),
      snapshot,
    )
  }

  /** Reports the changes; `snapshot` (full) is what restore and fail modes put back. */
  #reportChanges(
    owner: string,
    found: readonly GlobalStateChange[],
    snapshot?: GlobalSnapshot,
  ): Error | undefined {
    const changes = found.filter(
      (change) =>
        !(this.runnerRestoresMocks && isRunnerMock(change)) &&
        !isIgnoredChange(change, this.options.ignore),
    )
    if (changes.length === 0) return undefined
    const mode = this.options.mode
    const problems =
      mode === 'warn' || snapshot === undefined ? [] : restoreSnapshot(snapshot, changes)
    const restored = mode !== 'warn' && problems.length === 0
    const error = new GlobalStateError(
      owner,
      changes,
      restored,
      message(owner, changes, mode, problems),
    )
    this.lastReported = error
    if (mode === 'fail') return error
    console.warn(`cleanroom: ${error.message}`)
    return undefined
  }
}

/** A global replaced by a runner's mock function (`vi.spyOn`, `jest.spyOn`). */
function isRunnerMock(change: GlobalStateChange): boolean {
  if (change.kind !== 'global' || !change.description.startsWith('replaced ')) return false
  const value = (globalThis as Record<string, unknown>)[change.name.slice('globalThis.'.length)]
  return (
    typeof value === 'function' && (value as { _isMockFunction?: unknown })._isMockFunction === true
  )
}

function message(
  owner: string,
  changes: readonly GlobalStateChange[],
  mode: ResolvedGlobalStateOptions['mode'],
  problems: readonly string[],
): string {
  const what = changes.map((change) => change.description).join('; ')
  const after =
    mode === 'warn'
      ? "It was left so. Put it back in the test (or an afterEach hook), or set globals: 'restore' to have cleanroom put it back, or 'fail' to fail such a test."
      : problems.length === 0
        ? 'cleanroom put it back, so the next test starts as this one did.'
        : `cleanroom put back what it could; ${problems.join('; ')}.`
  const hint =
    mode === 'fail'
      ? ' Put it back in the test, or an afterEach hook.'
      : mode === 'warn' && owner.startsWith('file ') && changes.some(({ kind }) => kind === 'env')
        ? " In 'warn' mode process.env is compared once per file; 'restore' and 'fail' compare it after each test, and name the test."
        : ''
  return `${owner} changed global state: ${what}\n${after}${hint}`
}
