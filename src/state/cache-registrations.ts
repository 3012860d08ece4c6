import { formatCreationSite } from '../core/creation-site.ts'
import { deadlinePassed, withDeadline } from '../core/deadline.ts'
import { CacheClearError } from '../core/errors.ts'
import { processSingleton } from '../core/process-singleton.ts'

/*
 * The caches `trackCache()` registered, and their clearing after each test: the runtime's
 * part, apart from `trackCache()` itself (in `caches.ts`), which loads the scope machinery.
 */

/** Anything with a `clear()` method: a `Map`, a `Set`, an LRU cache, a memoizer. */
export interface ClearableCache {
  /** Empties the cache. May return a promise, which is awaited. */
  clear(): unknown
}

/**
 * One registered cache. Plain data, shared by every copy of cleanroom in the process: the
 * runtime of one copy clears what another copy registered.
 */
export interface CacheRegistration {
  readonly cache: ClearableCache
  readonly label: string
  readonly timeout: number
  readonly site: Error
}

/** The registered caches, cleared after every test until their registration's scope ends. */
export const registrations: Set<CacheRegistration> = processSingleton(
  'trackedCaches',
  () => new Set<CacheRegistration>(),
)

/**
 * Clears every registered cache, for the runtime, after a test's scope was disposed.
 * Returns `undefined` when none is registered (most runs), else a promise of the failures, one
 * {@link CacheClearError} per cache whose `clear()` threw, rejected or missed its deadline.
 * Never rejects.
 */
export function clearTrackedCaches(): Promise<Error[]> | undefined {
  if (registrations.size === 0) return undefined
  return Promise.all([...registrations].map(clearOne)).then((results) =>
    results.filter((result) => result !== undefined),
  )
}

async function clearOne(registration: CacheRegistration): Promise<Error | undefined> {
  try {
    const result = registration.cache.clear()
    if (isThenable(result)) await withDeadline(result, registration.timeout)
    return undefined
  } catch (error) {
    const created = formatCreationSite(registration.site)
    return new CacheClearError(
      registration.label,
      created,
      error === deadlinePassed ? { timeout: registration.timeout } : { error },
    )
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  )
}
