import { captureCreationSite } from '../core/creation-site.ts'
import { currentScopeFor, trackFor } from '../core/current-scope.ts'
import type { Scope } from '../core/scope-types.ts'
import {
  assertKnownKeys,
  assertOptionalDeadline,
  assertOptionalString,
  assertPlainObject,
  describeValue,
} from '../core/validate.ts'
import { assertOptionalScope } from './assert-scope.ts'
import {
  registrations,
  type CacheRegistration,
  type ClearableCache,
} from './cache-registrations.ts'

export type { ClearableCache }

/** Options of {@link trackCache}. */
export interface TrackCacheOptions {
  /** Shown in reports and messages. Default: what the cache is, e.g. `a Map`. */
  label?: string
  /** The scope the registration lives in. Default: the current scope. */
  scope?: Scope
  /** Deadline for each `clear()`, in ms. Default 5,000. */
  timeout?: number
}

const call = 'trackCache'
const optionKeys = ['label', 'scope', 'timeout'] as const
const defaultTimeout = 5_000

/**
 * Registers a cache to be cleared after every test, until the scope it is registered in ends.
 * Registered inside a test, it is cleared when that test ends. Registered at module load or in
 * `beforeAll` (where the file's scope is current), it is cleared after every test of the file,
 * and once more when the file ends. A `clear()` that throws or rejects fails the test that just
 * ended, with a {@link CacheClearError}.
 *
 * @param cache - an object with a `clear()` method
 * @param options - a label (or the options: `label`, `scope`, `timeout`)
 * @returns `cache`
 * @throws {@link NoActiveScopeError} when no `scope` is given and no runner adapter is installed
 * @throws {@link ScopeClosedError} when the scope is disposing or disposed
 * @throws {TypeError} when `cache` has no `clear()` method, is registered already, or an
 *   option is invalid
 *
 * @example
 * ```ts
 * import { test } from 'node:test'
 * import { trackCache } from 'cleanroom'
 *
 * // module load: the file's scope is current, so it is cleared after every test of the file
 * const usersById = trackCache(new Map<number, string>(), 'users by id')
 *
 * test('fills the cache', () => {
 *   usersById.set(1, 'ada')
 * })
 *
 * test('starts empty', () => {
 *   console.log(usersById.size) // 0
 * })
 * ```
 */
export function trackCache<Cache extends ClearableCache>(
  cache: Cache,
  options?: string | TrackCacheOptions,
): Cache {
  if (
    (typeof cache !== 'object' && typeof cache !== 'function') ||
    (cache as unknown) === null ||
    typeof (cache as Partial<ClearableCache>).clear !== 'function'
  ) {
    throw new TypeError(
      `${call}: expected \`cache\` to be an object with a clear() method, got ${describeValue(cache)}`,
    )
  }
  let label: string | undefined
  let scope: Scope | undefined
  let timeout = defaultTimeout
  if (typeof options === 'string') {
    label = options
  } else if (options !== undefined) {
    assertPlainObject(options, call, 'options')
    assertKnownKeys(options, optionKeys, call)
    assertOptionalString(options.label, call, 'label')
    assertOptionalScope(options.scope, call)
    assertOptionalDeadline(options.timeout, call, 'timeout')
    label = options.label
    scope = options.scope
    timeout = options.timeout ?? defaultTimeout
  }
  label ??= describeValue(cache)
  for (const registration of registrations) {
    if (registration.cache === cache) {
      throw new TypeError(
        `${call}: ${describeValue(cache)} is registered already, as "${registration.label}". Register a cache once.`,
      )
    }
  }
  const target = scope ?? currentScopeFor('trackCache()')
  const registration: CacheRegistration = {
    cache,
    label,
    timeout,
    site: captureCreationSite(trackCache),
  }
  trackFor(trackCache, target, cache, {
    label: `cache ${label}`,
    timeout,
    dispose: () => {
      registrations.delete(registration)
      return cache.clear()
    },
  })
  registrations.add(registration)
  return cache
}
