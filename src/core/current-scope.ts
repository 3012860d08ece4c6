import { currentScopeSource } from './current-scope-source.ts'
import { NoActiveScopeError } from './errors.ts'
import { createScope } from './scope.ts'
import { scopeContext } from './scope-context.ts'
import type { DeferOptions, Scope, TrackOptions } from './scope-types.ts'

/**
 * The scope code runs in: inside a fixture's `setup`, the fixture's own; otherwise what the
 * installed runtime says (the running test's, else the file's or the worker's).
 * @param helper - the public call asking, named in the error, e.g. `createTempDir()`
 * @throws {@link NoActiveScopeError} when no runner adapter is installed in this process
 */
export function currentScopeFor(helper: string): Scope {
  const fixtureScope = scopeContext.getStore()
  if (fixtureScope !== undefined) return fixtureScope
  const resolve = currentScopeSource.resolve
  if (resolve === undefined) throw new NoActiveScopeError(helper)
  // The scope machinery comes from here, where something is about to be tracked: the runtime
  // itself, which a setup entry loads into every test file, does without it.
  return resolve(helper, createScope)
}

/** What every scope offers helpers that act on the user's behalf (see `ScopeImpl.trackFrom`). */
interface HelperTarget extends Scope {
  trackFrom<Value>(api: object, value: Value, options?: TrackOptions<Value>): Value
  deferFrom(api: object, cleanup: () => unknown, options?: DeferOptions): void
}

/**
 * Tracks `value` in `scope` on behalf of the public function `api`: the entry's creation site
 * is the line that called `api`, not a line inside cleanroom.
 */
export function trackFor<Value>(
  api: object,
  scope: Scope,
  value: Value,
  options?: TrackOptions<Value>,
): Value {
  return (scope as HelperTarget).trackFrom(api, value, options)
}

/** Defers `cleanup` in `scope` on behalf of the public function `api` (see {@link trackFor}). */
export function deferFor(
  api: object,
  scope: Scope,
  cleanup: () => unknown,
  options?: DeferOptions,
): void {
  ;(scope as HelperTarget).deferFrom(api, cleanup, options)
}
