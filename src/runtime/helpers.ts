import { captureCreationSite } from '../core/creation-site.ts'
import { currentScopeFor, deferFor, trackFor } from '../core/current-scope.ts'
import { NoActiveScopeError } from '../core/errors.ts'
import type { Fixture } from '../core/fixture-types.ts'
import type { DeferOptions, Scope, TrackOptions } from '../core/scope-types.ts'
import { describeValue } from '../core/validate.ts'
import { installed } from './runtime.ts'

/**
 * The scope the running code belongs to: inside a fixture's `setup`, the fixture's own scope;
 * in a test, the test's; in `beforeAll` or at module load, the file's (or the worker's).
 *
 * @returns the current scope
 * @throws {@link NoActiveScopeError} when no runner adapter is installed in this process
 *
 * @example
 * ```ts
 * import { test } from 'node:test'
 * import { currentScope } from 'cleanroom'
 *
 * test('names its scope', () => {
 *   console.log(currentScope().name) // test "names its scope"
 * })
 * ```
 */
export function currentScope(): Scope {
  return currentScopeFor('currentScope()')
}

/**
 * Tracks `value` in the current scope (see {@link currentScope}) and returns it: it is
 * disposed when the running test (or fixture, or file) ends.
 *
 * @param value - the resource
 * @param options - as for `scope.track()`
 * @returns `value`
 * @throws {@link NoActiveScopeError} when no runner adapter is installed in this process
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http'
 * import { test } from 'node:test'
 * import { track } from 'cleanroom'
 *
 * test('serves', () => {
 *   const server = track(createServer().listen(0))
 *   // closed, with its connections, after the test
 * })
 * ```
 */
export function track<Value>(value: Value, options?: TrackOptions<Value>): Value {
  return trackFor(track, currentScopeFor('track()'), value, options)
}

/**
 * Runs `cleanup` when the current scope ends (see {@link currentScope}), in order with
 * everything else tracked there.
 *
 * @param cleanup - the callback; may return a promise
 * @param options - its label and deadline
 * @throws {@link NoActiveScopeError} when no runner adapter is installed in this process
 *
 * @example
 * ```ts
 * import { test } from 'node:test'
 * import { defer } from 'cleanroom'
 *
 * test('sets an env var', () => {
 *   process.env.API_URL = 'http://127.0.0.1:9'
 *   defer(() => delete process.env.API_URL, { label: 'unset API_URL' })
 * })
 * ```
 */
export function defer(cleanup: () => unknown, options?: DeferOptions): void {
  deferFor(defer, currentScopeFor('defer()'), cleanup, options)
}

/**
 * Resolves a fixture at its level: a test fixture once per test, a file fixture once per
 * file, a worker fixture once per process.
 *
 * @param fixture - from `defineFixture()`
 * @returns the fixture's value
 * @throws {@link NoActiveScopeError} when no runner adapter is installed in this process
 *
 * @example
 * ```ts
 * import { test } from 'node:test'
 * import { defineFixture, use } from 'cleanroom'
 *
 * const answer = defineFixture({ name: 'answer', level: 'file', setup: () => 42 })
 *
 * test('uses a file fixture', async () => {
 *   console.log(await use(answer))
 * })
 * ```
 */
export function use<Value>(fixture: Fixture<Value>): Promise<Value> {
  try {
    return currentScopeFor('use()').use(fixture)
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)))
  }
}

/**
 * Lets the running test leave resources running without a leak verdict. Leak detection is
 * not part of this release yet: the reason is recorded on the test for when it is.
 *
 * @param reason - why the test may leak, shown in reports
 * @throws {@link NoActiveScopeError} when no adapter is installed or no test is running
 *
 * @example
 * ```ts
 * import { test } from 'node:test'
 * import { allowLeaks } from 'cleanroom'
 *
 * test('starts the shared cache warmer', () => {
 *   allowLeaks('the warmer lives for the whole run')
 * })
 * ```
 */
export function allowLeaks(reason = 'allowLeaks() was called'): void {
  const runtime = installed.runtime
  if (runtime === undefined) throw new NoActiveScopeError('allowLeaks()')
  if (!runtime.inTest) throw new NoActiveScopeError('allowLeaks()', true)
  if (typeof reason !== 'string') {
    throw new TypeError(`allowLeaks: expected \`reason\` to be a string, got ${typeof reason}`)
  }
  runtime.allowLeaks(reason)
}

/**
 * Fails the running test if `value` is still reachable once the test is over: after its
 * teardown (its scope disposed, leaks checked), cleanroom forces a garbage collection and
 * checks a `WeakRef` to it. The failure, a {@link NotCollectedError}, names `label` and where
 * `expectCollected()` was called. It works whether or not the `memory` option is on, and costs
 * a test nothing unless it calls it (then one event-loop turn and two forced collections).
 *
 * The test's own variables do not count: the check runs after the test function has returned.
 * What the file or worker scope holds (a file-level fixture, something tracked in `beforeAll`)
 * does: a value it references stays reachable.
 *
 * @param value - an object (or function) that the test should leave as garbage
 * @param label - names it in the failure; default: a description of the value
 * @throws {@link NoActiveScopeError} when no adapter is installed or no test is running
 * @throws {TypeError} when `value` is not an object, or `label` not a string
 *
 * @example
 * ```ts
 * import { test } from 'node:test'
 * import { expectCollected } from 'cleanroom'
 *
 * const sessions: object[] = []
 *
 * test('drops its session', () => {
 *   const session = { user: 'ada', buffer: Buffer.alloc(1024) }
 *   sessions.push(session) // kept: the test fails with NotCollectedError "session"
 *   expectCollected(session, 'session')
 * })
 * ```
 */
export function expectCollected(value: object, label?: string): void {
  const runtime = installed.runtime
  if (runtime === undefined) throw new NoActiveScopeError('expectCollected()')
  if (!runtime.inTest) throw new NoActiveScopeError('expectCollected()', true)
  // Checked for callers from JavaScript, whom the types do not bind.
  const given: unknown = value
  if ((typeof given !== 'object' || given === null) && typeof given !== 'function') {
    throw new TypeError(
      `expectCollected: expected \`value\` to be an object or a function (a primitive is never garbage collected), got ${describeValue(value)}`,
    )
  }
  if (label !== undefined && typeof (label as unknown) !== 'string') {
    throw new TypeError(
      `expectCollected: expected \`label\` to be a string, got ${describeValue(label)}`,
    )
  }
  runtime.expectCollected(
    value,
    label ?? describeValue(value),
    captureCreationSite(expectCollected),
  )
}
