import { currentScopeSource } from '../core/current-scope-source.ts'
import { NoActiveScopeError } from '../core/errors.ts'
import { resolveSettings, validateOptions, type CleanroomOptions } from './options.ts'
import { installed, Runtime } from './runtime.ts'
import { scopesOf } from './scope-tree.ts'

/**
 * Installs the runtime for this process, once. `created` is false when it was installed
 * already (by another adapter entry, or a second call), in which case its hooks must not be
 * registered again. `runner` names the runner in the per-test records.
 * @throws {TypeError} on invalid options
 * @throws {Error} when installed already with other options
 */
export function installRuntime(
  options: unknown,
  call: string,
  runner: string,
): { runtime: Runtime; created: boolean } {
  const valid = validateOptions(options, call)
  const settings = resolveSettings(valid, process.env)
  const existing = installed.runtime
  if (existing !== undefined) {
    if (!sameOptions(existing.options, valid)) {
      throw new Error(
        `${call}: cleanroom is already installed in this process with other options. Install it once: keep one of the two calls (or the setup entry) and put every option there.`,
      )
    }
    return { runtime: existing, created: false }
  }
  const runtime = new Runtime(settings, runner)
  installed.runtime = runtime
  // The helpers below the runtime (temp dirs, caches, integrations) find the current scope
  // through core, which cannot import the runtime: registered here, where the runtime is made,
  // not by a module an entry would import for its side effect (bundlers drop those).
  currentScopeSource.resolve ??= (helper, create) => {
    const current = installed.runtime
    if (current === undefined) throw new NoActiveScopeError(helper)
    return scopesOf(current, create).current
  }
  return { runtime, created: true }
}

function sameOptions(a: CleanroomOptions, b: CleanroomOptions): boolean {
  return (
    a.timeout === b.timeout &&
    a.budget === b.budget &&
    a.registry === b.registry &&
    a.report === b.report &&
    sameLeakOptions(a.leaks, b.leaks) &&
    sameGlobalStateOptions(a.globals, b.globals) &&
    sameMemoryOptions(a.memory, b.memory)
  )
}

/** The same `memory` option: off (false or unset) both, or options alike. */
function sameMemoryOptions(a: CleanroomOptions['memory'], b: CleanroomOptions['memory']): boolean {
  if (typeof a !== 'object' || typeof b !== 'object') {
    return typeof a !== 'object' && typeof b !== 'object'
  }
  return (
    a.every === b.every &&
    a.warnAbove === b.warnAbove &&
    a.failAbove === b.failAbove &&
    a.trend === b.trend
  )
}

/** The same `globals` option: one mode, or options alike (`ignore` rules only if the same array). */
function sameGlobalStateOptions(
  a: CleanroomOptions['globals'],
  b: CleanroomOptions['globals'],
): boolean {
  if (a === b) return true
  const modeOf = (value: CleanroomOptions['globals']) =>
    typeof value === 'object' ? value.mode : value
  const ignoreOf = (value: CleanroomOptions['globals']) =>
    typeof value === 'object' && value.ignore !== undefined && value.ignore.length > 0
      ? value.ignore
      : undefined
  return modeOf(a) === modeOf(b) && ignoreOf(a) === ignoreOf(b)
}

/** The same `leaks` option: one mode, or options alike (`ignore` rules only if the same array). */
function sameLeakOptions(a: CleanroomOptions['leaks'], b: CleanroomOptions['leaks']): boolean {
  if (a === b) return true
  if (typeof a !== 'object' || typeof b !== 'object' || a.ignore !== undefined) return false
  return JSON.stringify(a) === JSON.stringify(b)
}
