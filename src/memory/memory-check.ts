import { MemoryGrowthError } from '../core/errors.ts'
import { heapUsedAfterGc } from './force-gc.ts'
import { formatSize, type ResolvedMemoryOptions } from './options.ts'
import { fitTrend, isSteadyGrowth, type HeapSample } from './trend.ts'

/**
 * Per-test memory checks: the heap in use after a forced collection as a checked test begins,
 * and again after its teardown; a growth above `warnAbove` is printed, above `failAbove` fails
 * the test. The heap after each checked test is kept for the file's trend, read as the file
 * ends: steady growth that no single test shows.
 */
export class MemoryCheck {
  readonly options: ResolvedMemoryOptions
  /** Tests begun in the running file. */
  #tests = 0
  /** The heap as the running test began, when it is checked. */
  #baseline: number | undefined
  #samples: HeapSample[] = []
  /**
   * The heap as the last checked test began and after its teardown, in bytes: the per-test
   * records read them, having cleared them before the test they want. Written only for a
   * checked test.
   */
  lastHeap: { readonly before: number; readonly after: number } | undefined

  constructor(options: ResolvedMemoryOptions) {
    this.options = options
  }

  /** Begins a file: its count of tests and its trend start afresh. */
  beginFile(): void {
    this.#tests = 0
    this.#baseline = undefined
    this.#samples = []
  }

  /** Begins a test: takes its baseline when it is one of the checked tests. */
  beginTest(): void {
    const index = this.#tests++
    this.#baseline = index % this.options.every === 0 ? heapUsedAfterGc() : undefined
  }

  /** Ends a test (its scope disposed): its growth, printed or as the error to fail it with. */
  endTest(name: string): Error | undefined {
    const baseline = this.#baseline
    this.#baseline = undefined
    if (baseline === undefined) return undefined
    const heap = heapUsedAfterGc()
    this.lastHeap = { before: baseline, after: heap }
    if (this.options.trend) this.#samples.push({ test: this.#tests, heap })
    const growth = heap - baseline
    const { warnAbove, failAbove } = this.options
    const owner = `test "${name}"`
    if (failAbove !== undefined && growth > failAbove) {
      return new MemoryGrowthError(
        owner,
        growth,
        failAbove,
        testMessage(owner, growth, baseline, heap, 'failAbove', failAbove),
      )
    }
    if (growth > warnAbove) {
      console.warn(
        `cleanroom: ${testMessage(owner, growth, baseline, heap, 'warnAbove', warnAbove)}`,
      )
    }
    return undefined
  }

  /** Ends a file: reports its trend when its heap grew steadily over its tests. */
  endFile(name: string): Error | undefined {
    const samples = this.#samples
    this.#samples = []
    this.#tests = 0
    this.#baseline = undefined
    const trend = fitTrend(samples)
    if (!isSteadyGrowth(trend)) return undefined
    const owner = `file ${name}`
    const failAbove = this.options.failAbove
    const fails = failAbove !== undefined && trend.growth > failAbove
    const message =
      `${owner}: its heap grew steadily, ${formatSize(trend.slope)} a test over ${trend.samples} checked tests ` +
      `(${formatSize(trend.growth)} in all on the fitted line, R² ${trend.r2.toFixed(2)}), though no single test need be above ` +
      `memory.warnAbove. Each test leaves something reachable: an entry in a module-level array, map or cache, ` +
      `a listener added and never removed. Call expectCollected(value) on what a test should leave as garbage to find it.` +
      (fails ? ` The growth is above memory.failAbove (${formatSize(failAbove)}).` : '')
    if (fails) return new MemoryGrowthError(owner, trend.growth, failAbove, message)
    console.warn(`cleanroom: ${message}`)
    return undefined
  }
}

function testMessage(
  owner: string,
  growth: number,
  before: number,
  after: number,
  option: 'warnAbove' | 'failAbove',
  limit: number,
): string {
  return (
    `${owner} grew the heap by ${formatSize(growth)} (after a forced garbage collection: ${formatSize(before)} as it began, ` +
    `${formatSize(after)} after its teardown), above memory.${option} (${formatSize(limit)}). Something the test created is still ` +
    'reachable: an entry in a module-level array, map or cache, a listener, a closure kept by a timer. Call ' +
    'expectCollected(value) on what should be garbage to find it, or take a heap snapshot.'
  )
}
