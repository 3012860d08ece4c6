import { GlobalStateError } from '../core/errors.ts'
import {
  isIgnoredChange,
  type GlobalStateChange,
  type ResolvedGlobalStateOptions,
} from './global-state-options.ts'
import { restoreSnapshot } from './global-state-restore.ts'
import {
  diffSnapshot,
  envMatches,
  globalsMatch,
  hiddenGlobals,
  restMatches,
  takeSnapshot,
  type GlobalSnapshot,
} from './global-state-snapshot.ts'

/**
 * The global-state guard: what a test changed in `process.env`, `globalThis`, the working
 * directory, `process.exitCode`, the process's listeners, `EventEmitter.defaultMaxListeners`,
 * `Error.stackTraceLimit`, and fake timers it left installed. A snapshot as the test begins
 * (after the runner's own per-test work), a comparison as it ends.
 *
 * The comparison is what a clean test costs, so it is made cheap: it reads each structure once
 * and compares without allocating, and only when something differs is the readable diff
 * worked out. Reading `process.env` is the dearest part (each value is read through C++), so
 * the copy a clean test ended with is the next test's baseline, as long as the next test
 * belongs to the same group (the same describe block: the runner runs no `beforeAll` or
 * `afterAll` hook of the user's between two tests of one block).
 */
export class GlobalStateGuard {
  readonly options: ResolvedGlobalStateOptions
  readonly #depth: 'light' | 'full'
  #snapshot: GlobalSnapshot | undefined
  /** The environment copy known to be current, and the group of the test that ended with it. */
  #env: { env: GlobalSnapshot['env']; size: number; group: unknown } | undefined
  /** Names the runner restores by itself after this test (Vitest's `unstubEnvs`, say). */
  #runnerRestores = new Set<string>()
  /** Whether the runner restores its mocks itself (`restoreMocks`): a global mock is its own. */
  runnerRestoresMocks = false

  readonly #hidden: ReadonlyMap<string, unknown>

  constructor(options: ResolvedGlobalStateOptions) {
    this.options = options
    this.#depth = options.mode === 'warn' ? 'light' : 'full'
    this.#hidden = this.#depth === 'light' ? hiddenGlobals() : new Map()
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
    this.#runnerRestores.clear()
    const env = this.#env
    const reuse = env !== undefined && group !== undefined && env.group === group
    this.#env = undefined
    this.#snapshot = takeSnapshot(this.#depth, reuse ? env : undefined)
    this.#group = group
  }

  #group: unknown

  /** Records that the runner itself restores `name` after this test: it is not reported. */
  runnerRestores(name: string): void {
    this.#runnerRestores.add(name)
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
      const envSame = envMatches(snapshot.env, snapshot.envSize)
      if (envSame && globalsMatch(snapshot) && restMatches(snapshot)) {
        this.#env = { env: snapshot.env, size: snapshot.envSize, group: this.#group }
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
    const changes = diffSnapshot(snapshot, this.#hidden).filter(
      (change) =>
        !this.#runnerRestores.has(change.name) &&
        !(this.runnerRestoresMocks && isRunnerMock(change)) &&
        !isIgnoredChange(change, this.options.ignore),
    )
    if (changes.length === 0) return undefined
    const mode = this.options.mode
    const problems = mode === 'warn' ? [] : restoreSnapshot(snapshot, changes)
    const restored = mode !== 'warn' && problems.length === 0
    const owner = `test "${name}"`
    const error = new GlobalStateError(
      owner,
      changes,
      restored,
      message(owner, changes, mode, problems),
    )
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
  const hint = mode === 'fail' ? ' Put it back in the test, or an afterEach hook.' : ''
  return `${owner} changed global state: ${what}\n${after}${hint}`
}
