import { formatCreationSite, type CreationSite } from '../core/creation-site.ts'
import { NotCollectedError } from '../core/errors.ts'
import { realTimers } from '../core/real-timers.ts'
import { forceGc } from './force-gc.ts'

interface Expectation {
  readonly ref: WeakRef<object>
  readonly label: string
  readonly site: CreationSite
}

/**
 * The values `expectCollected()` was given, until the check after the test's teardown. Only a
 * `WeakRef` to each is kept, so the expectation itself holds nothing alive.
 */
export class CollectionExpectations {
  #pending: Expectation[] = []

  /** Whether any value waits for the check. */
  get pending(): boolean {
    return this.#pending.length > 0
  }

  /** Records that `value` must be garbage once the running test is torn down. */
  expect(value: object, label: string, site: CreationSite): void {
    this.#pending.push({ ref: new WeakRef(value), label, site })
  }

  /**
   * Checks the pending values after a forced collection: `owner` (`test "name"`) fails with a
   * {@link NotCollectedError} naming each value still reachable. Costs nothing when none waits.
   */
  async check(owner: string): Promise<Error | undefined> {
    if (this.#pending.length === 0) return undefined
    const pending = this.#pending
    this.#pending = []
    // A WeakRef keeps its target alive until the job that made (or last read) it has ended:
    // a turn of the event loop lets those go before the collection.
    await new Promise<void>((resolve) => realTimers.setImmediate(resolve))
    forceGc()
    const alive = pending.filter((expectation) => expectation.ref.deref() !== undefined)
    if (alive.length === 0) return undefined
    return new NotCollectedError(
      owner,
      alive.map((expectation) => ({
        label: expectation.label,
        site: formatCreationSite(expectation.site),
      })),
    )
  }
}
