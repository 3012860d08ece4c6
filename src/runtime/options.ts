import { isRegistry, type Registry } from '../core/registry.ts'
import {
  envFlag,
  resolveLeakOptions,
  validateLeakOptions,
  type Environment,
  type LeakMode,
  type LeakOptions,
  type ResolvedLeakOptions,
} from '../leaks/options.ts'
import {
  resolveGlobalStateOptions,
  validateGlobalStateOptions,
  type GlobalStateMode,
  type GlobalStateOptions,
  type ResolvedGlobalStateOptions,
} from '../state/global-state-options.ts'
import {
  resolveMemoryOptions,
  validateMemoryOptions,
  type MemoryOptions,
  type ResolvedMemoryOptions,
} from '../memory/options.ts'
import {
  assertKnownKeys,
  assertOptionalDeadline,
  assertPlainObject,
  describeValue,
} from '../core/validate.ts'

/**
 * Options of `installCleanroom()`, for every runner. They set up the worker, file and test
 * scopes the runtime creates.
 */
export interface CleanroomOptions {
  /** Deadline in ms for each disposer in the runtime's scopes. Default 5,000. */
  timeout?: number
  /** Deadline in ms for each scope's whole `dispose()`. Default 10,000. */
  budget?: number
  /** Where `track()` finds kinds. Default: `defaultRegistry`. */
  registry?: Registry
  /**
   * Leak detection: `'fail'` (the default) fails a test that leaves resources running after
   * its teardown, `'warn'` prints the same report, `'off'` turns detection off; or the
   * options in full. The `CLEANROOM_LEAKS` and `CLEANROOM_TRACE` environment variables
   * override it.
   */
  leaks?: LeakMode | LeakOptions
  /**
   * The global-state guard: `'warn'` (the default) prints what a test changed in
   * `process.env`, `globalThis`, the working directory, `process.exitCode`, the process's
   * listeners, `EventEmitter.defaultMaxListeners`, `Error.stackTraceLimit` or fake timers and
   * left so; `'restore'` puts it back and says what it put back; `'fail'` fails the test (and
   * puts it back); `'off'` checks nothing. Or `{ mode, ignore }`. The `CLEANROOM_GLOBALS`
   * environment variable overrides the mode.
   */
  globals?: GlobalStateMode | GlobalStateOptions
  /**
   * Per-test memory checks, off by default (`false`): the heap after a forced garbage
   * collection as each test begins and after its teardown, a warning above `warnAbove`
   * (default `'10 MB'`), a failure above `failAbove`, and a trend over each file that reports
   * steady growth no single test shows. Each checked test costs four full collections (see
   * docs/memory.md). `CLEANROOM_MEMORY=1` turns them on (with these options, or the
   * defaults), `CLEANROOM_MEMORY=0` off.
   */
  memory?: false | MemoryOptions
  /**
   * A directory to write per-test records to, for `cleanroom report <dir>`: one file of JSON
   * lines per test process (see docs/cli.md). Off by default. The `CLEANROOM_REPORT`
   * environment variable overrides it (set empty, it turns the records off).
   */
  report?: string
}

const optionKeys = [
  'timeout',
  'budget',
  'registry',
  'leaks',
  'globals',
  'memory',
  'report',
] as const

/**
 * Checks `installCleanroom()` options: an unknown option or a wrong type is a `TypeError`
 * naming it and the value received, at install time.
 */
export function validateOptions(options: unknown, call: string): CleanroomOptions {
  if (options === undefined) return {}
  assertPlainObject(options, call, 'options')
  assertKnownKeys(options, optionKeys, call)
  const o = options as CleanroomOptions
  assertOptionalDeadline(o.timeout, call, 'timeout')
  assertOptionalDeadline(o.budget, call, 'budget')
  if (o.registry !== undefined && !isRegistry(o.registry)) {
    throw new TypeError(
      `${call}: expected \`registry\` to be a registry from createRegistry(), got ${describeValue(o.registry)}`,
    )
  }
  validateLeakOptions(o.leaks, call)
  validateGlobalStateOptions(o.globals, call)
  validateMemoryOptions(o.memory, call)
  if (o.report !== undefined && (typeof o.report !== 'string' || o.report === '')) {
    throw new TypeError(
      `${call}: expected \`report\` to be a non-empty string (the directory for the per-test records), got ${describeValue(o.report)}`,
    )
  }
  return o
}

/** What the runtime runs with: the options, and the settings the environment may override. */
export interface RuntimeSettings {
  readonly options: CleanroomOptions
  readonly leaks: ResolvedLeakOptions
  readonly globals: ResolvedGlobalStateOptions
  /** The memory checks' settings; undefined when they are off. */
  readonly memory: ResolvedMemoryOptions | undefined
  /** The directory the per-test records go to; undefined when they are off. */
  readonly report: string | undefined
}

/**
 * The options with the `CLEANROOM_*` environment variables over them. An invalid value is an
 * error at install, never ignored.
 * @throws {TypeError} on an invalid value
 */
export function resolveSettings(options: CleanroomOptions, env: Environment): RuntimeSettings {
  // envFlag refuses a value CLEANROOM_MEMORY cannot mean, naming the variable.
  const memory = resolveMemoryOptions(options.memory, envFlag(env, 'CLEANROOM_MEMORY'))
  // Set, even empty, the variable wins: CLEANROOM_REPORT= turns the option's records off.
  const reportDir = env.CLEANROOM_REPORT ?? options.report
  return {
    options,
    leaks: resolveLeakOptions(options.leaks, env),
    globals: resolveGlobalStateOptions(options.globals, env),
    memory,
    report: reportDir === '' ? undefined : reportDir,
  }
}
