import { readRecords, readRunReport, type ReadRecord, type ReadResult } from './read-records.ts'
import type { LeakRecord, ShardRecord, TeardownRecord, TestOutcome } from './records.ts'
import type { RunReport } from './run-report.ts'

/** One test of the merged run. */
export interface MergedTest {
  /** Its place in the run: records ordered by time, then process, then line. */
  readonly order: number
  readonly runner: string
  readonly file: string
  /** The full title, its parts joined with ` › `. */
  readonly name: string
  readonly outcome: TestOutcome
  readonly durationMs: number
  readonly teardown: readonly TeardownRecord[]
  /** The sum of its teardown entries' durations, ms. */
  readonly teardownMs: number
  readonly leaks: readonly LeakRecord[]
  readonly globalState: readonly string[]
  /** Its heap delta, bytes, when memory was measured. */
  readonly deltaBytes: number | undefined
  readonly timestamp: string
  readonly pid: number
  readonly shard: ShardRecord | undefined
}

/** One test file of the merged run. */
export interface MergedFile {
  readonly file: string
  readonly tests: number
  readonly failed: number
  readonly leaks: number
  readonly teardownMs: number
  /** How many of its tests have a heap delta. */
  readonly measured: number
  /** The sum of its tests' heap deltas, bytes (0 when none was measured). */
  readonly deltaBytes: number
  /** The least-squares slope of its cumulative heap, bytes a test, from 3 measured tests on. */
  readonly bytesPerTest: number | undefined
}

/** A teardown entry, with the test it belonged to. */
export interface TeardownRow extends TeardownRecord {
  readonly file: string
  readonly test: string
}

/** The merged records of a run: what the summary and the HTML report show. */
export interface MergedReport {
  readonly schema: 'cleanroom-report/1'
  /** The records files read. */
  readonly sources: readonly string[]
  readonly warnings: readonly string[]
  /** The shards the records came from, in order; empty when the run was not sharded. */
  readonly shards: readonly ShardRecord[]
  /** The processes that wrote records. */
  readonly processes: number
  readonly totals: {
    readonly tests: number
    readonly passed: number
    readonly failed: number
    readonly skipped: number
    readonly files: number
    readonly leaks: number
    readonly testsWithLeaks: number
    readonly globalStateChanges: number
    readonly teardownEntries: number
    readonly teardownMs: number
    readonly teardownErrors: number
    readonly teardownTimeouts: number
    /** How many tests have a heap delta, and their sum, bytes. */
    readonly measured: number
    readonly deltaBytes: number
  }
  /** Every test, in run order. */
  readonly tests: readonly MergedTest[]
  /** Every file, by name. */
  readonly files: readonly MergedFile[]
  /** The slowest teardown entries, slowest first (at most {@link topCount}). */
  readonly slowestTeardowns: readonly TeardownRow[]
  /** The tests that leaked, most leaks first. */
  readonly leaksByTest: readonly MergedTest[]
  /** The files whose tests leaked, most leaks first. */
  readonly leaksByFile: readonly MergedFile[]
  /** The measured tests whose heap grew most, largest first (at most {@link topCount}). */
  readonly memoryByTest: readonly MergedTest[]
  /** The files with measured tests, largest growth first. */
  readonly memoryByFile: readonly MergedFile[]
  /** `cleanroom run`'s report of the same run, when given. */
  readonly run: RunReport | undefined
}

/** How many rows the "slowest" and "largest" lists keep. */
export const topCount = 20

/** A least-squares slope of `ys` over 0, 1, 2, … */
function slope(ys: readonly number[]): number {
  const n = ys.length
  const meanX = (n - 1) / 2
  const meanY = ys.reduce((sum, y) => sum + y, 0) / n
  let covariance = 0
  let variance = 0
  for (const [x, y] of ys.entries()) {
    covariance += (x - meanX) * (y - meanY)
    variance += (x - meanX) ** 2
  }
  return variance === 0 ? 0 : covariance / variance
}

function deltaOf(read: ReadRecord): number | undefined {
  const memory = read.record.memory
  if (memory === undefined) return undefined
  if (memory.deltaBytes !== undefined) return memory.deltaBytes
  if (memory.heapAfterBytes !== undefined && memory.heapBeforeBytes !== undefined) {
    return memory.heapAfterBytes - memory.heapBeforeBytes
  }
  return undefined
}

function toTest(read: ReadRecord, order: number): MergedTest {
  const { record } = read
  return {
    order,
    runner: record.runner,
    file: record.file,
    name: record.test.join(' › '),
    outcome: record.outcome,
    durationMs: record.durationMs,
    teardown: record.teardown,
    teardownMs: record.teardown.reduce((sum, entry) => sum + entry.durationMs, 0),
    leaks: record.leaks,
    globalState: record.globalState,
    deltaBytes: deltaOf(read),
    timestamp: record.timestamp,
    pid: record.pid,
    shard: record.shard,
  }
}

function summarizeFile(file: string, tests: readonly MergedTest[]): MergedFile {
  const deltas = tests.flatMap((test) => (test.deltaBytes === undefined ? [] : [test.deltaBytes]))
  let cumulative = 0
  const heap = deltas.map((delta) => (cumulative += delta))
  return {
    file,
    tests: tests.length,
    failed: tests.filter((test) => test.outcome === 'failed').length,
    leaks: tests.reduce((sum, test) => sum + test.leaks.length, 0),
    teardownMs: tests.reduce((sum, test) => sum + test.teardownMs, 0),
    measured: deltas.length,
    deltaBytes: cumulative,
    bytesPerTest: heap.length >= 3 ? slope(heap) : undefined,
  }
}

/**
 * Merges the records of one run, read from one or more directories (one a shard, or one for all),
 * into one model: every test in run order, every file, totals, the slowest teardowns, leaks and
 * memory growth by test and by file.
 *
 * @param read - the records, files and warnings, as {@link readRecords} read them
 * @param run - `cleanroom run`'s report of the same run, if any
 * @returns the merged report
 */
export function mergeRecords(read: ReadResult, run?: RunReport): MergedReport {
  const { records, files: sources, warnings } = read
  // Run order: by time, then by process, then by line (records of one process are in order).
  // ISO 8601 times in UTC compare as strings; localeCompare would be slower, and locale-bound.
  const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)
  const ordered = [...records].sort(
    (a, b) =>
      compare(a.record.timestamp, b.record.timestamp) ||
      a.record.pid - b.record.pid ||
      compare(a.source, b.source) ||
      a.line - b.line,
  )
  const tests = ordered.map((record, index) => toTest(record, index + 1))
  const byFile = new Map<string, MergedTest[]>()
  for (const test of tests) {
    const fileTests = byFile.get(test.file)
    if (fileTests === undefined) byFile.set(test.file, [test])
    else fileTests.push(test)
  }
  const files = [...byFile.keys()].sort().map((file) => summarizeFile(file, byFile.get(file) ?? []))
  const shards = new Map<string, ShardRecord>()
  for (const test of tests) {
    if (test.shard !== undefined) shards.set(`${test.shard.index}/${test.shard.count}`, test.shard)
  }
  const entries = tests.flatMap((test) =>
    test.teardown.map((entry) => ({ ...entry, file: test.file, test: test.name })),
  )
  const measured = tests.filter((test) => test.deltaBytes !== undefined)
  return {
    schema: 'cleanroom-report/1',
    sources,
    warnings,
    shards: [...shards.values()].sort((a, b) => a.index - b.index),
    processes: new Set(tests.map((test) => test.pid)).size,
    totals: {
      tests: tests.length,
      passed: tests.filter((test) => test.outcome === 'passed').length,
      failed: tests.filter((test) => test.outcome === 'failed').length,
      skipped: tests.filter((test) => test.outcome === 'skipped').length,
      files: files.length,
      leaks: tests.reduce((sum, test) => sum + test.leaks.length, 0),
      testsWithLeaks: tests.filter((test) => test.leaks.length > 0).length,
      globalStateChanges: tests.reduce((sum, test) => sum + test.globalState.length, 0),
      teardownEntries: entries.length,
      teardownMs: entries.reduce((sum, entry) => sum + entry.durationMs, 0),
      teardownErrors: entries.filter((entry) => entry.outcome === 'error').length,
      teardownTimeouts: entries.filter((entry) => entry.outcome === 'timeout').length,
      measured: measured.length,
      deltaBytes: measured.reduce((sum, test) => sum + (test.deltaBytes ?? 0), 0),
    },
    tests,
    files,
    slowestTeardowns: entries.sort((a, b) => b.durationMs - a.durationMs).slice(0, topCount),
    leaksByTest: tests
      .filter((test) => test.leaks.length > 0)
      .sort((a, b) => b.leaks.length - a.leaks.length || a.order - b.order),
    leaksByFile: files.filter((file) => file.leaks > 0).sort((a, b) => b.leaks - a.leaks),
    memoryByTest: [...measured]
      .sort((a, b) => (b.deltaBytes ?? 0) - (a.deltaBytes ?? 0))
      .slice(0, topCount),
    memoryByFile: files
      .filter((file) => file.measured > 0)
      .sort((a, b) => b.deltaBytes - a.deltaBytes),
    run,
  }
}

/** Where `cleanroom report` reads from. */
export interface ReportSources {
  /** The records directories: one, or one a shard. */
  readonly dirs: readonly string[]
  /** The file `cleanroom run --json` wrote, if any. */
  readonly runFile?: string | undefined
}

/**
 * Reads and merges the records of a run: {@link readRecords}, then {@link mergeRecords}.
 *
 * @param sources - the records directories, and `cleanroom run`'s JSON file
 * @returns the merged report
 * @throws {@link ReportInputError} on a missing directory or a corrupt record (`file:line`)
 */
export function mergeRun(sources: ReportSources): MergedReport {
  const read = readRecords(sources.dirs)
  const run = sources.runFile === undefined ? undefined : readRunReport(sources.runFile)
  return mergeRecords(read, run)
}
