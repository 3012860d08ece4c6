/**
 * The per-test records a test process writes when `CLEANROOM_REPORT=<dir>` (or the `report`
 * option) is set, and that `cleanroom report <dir>` merges: one JSON object a line, one file a
 * process. A change that breaks a reader changes `schema`.
 */

/** The `schema` of every record line. */
export const recordsSchema = 'cleanroom-records/1'

/** How a test ended, as its runner reported it. */
export type TestOutcome = 'passed' | 'failed' | 'skipped'

/** How one teardown entry (a tracked value's disposer, a `defer()`) ended. */
export type TeardownOutcome = 'ok' | 'error' | 'timeout'

/** One entry of a test's teardown: an entry of its scope's `DisposeReport`. */
export interface TeardownRecord {
  /** The entry's label, as the dispose report names it. */
  readonly label: string
  /** The registry kind, or `'defer'`, `'custom'`. */
  readonly kind: string
  readonly outcome: TeardownOutcome
  /** How long its disposer ran, in milliseconds. */
  readonly durationMs: number
  /** Where the value was tracked (`file:line:column`), when known. */
  readonly created?: string
}

/** One resource the test left running, as leak detection reported it. */
export interface LeakRecord {
  /** `'timer'`, `'server'`, `'socket'`, … (a `LeakInfo` kind). */
  readonly kind: string
  /** What it is: `setInterval(poll, 1000 ms)`. */
  readonly description: string
  /** Where it was created (`file:line:column`), when known. */
  readonly created?: string
}

/** The test's heap, measured after a forced collection, when memory checks are on. */
export interface MemoryRecord {
  readonly heapBeforeBytes?: number
  readonly heapAfterBytes?: number
  /** After − before, in bytes. */
  readonly deltaBytes?: number
}

/** Which shard of a sharded run wrote the record (`CLEANROOM_SHARD=<index>/<count>`). */
export interface ShardRecord {
  /** 1-based. */
  readonly index: number
  readonly count: number
}

/** One test, as a line of a records file. */
export interface TestRecord {
  readonly schema: typeof recordsSchema
  /** `'vitest'`, `'jest'`, `'mocha'`, `'node-test'`, `'hooks'`. */
  readonly runner: string
  /** The test file, as the runner names it (relative to the working directory when it can). */
  readonly file: string
  /** The test's full title: its describe blocks, then its own name. */
  readonly test: readonly string[]
  readonly outcome: TestOutcome
  /** How long the test ran, in milliseconds (its teardown excluded). */
  readonly durationMs: number
  /** Its teardown entries, in the order they were disposed. */
  readonly teardown: readonly TeardownRecord[]
  readonly leaks: readonly LeakRecord[]
  /** What the global-state guard found changed: `process.env.PORT was set`, … */
  readonly globalState: readonly string[]
  readonly memory?: MemoryRecord
  /** When the test ended, ISO 8601. */
  readonly timestamp: string
  /** The process that ran it. */
  readonly pid: number
  readonly shard?: ShardRecord
}

/** What a caller gives {@link RecordWriter.write}: the writer adds the rest. */
export type NewTestRecord = Omit<TestRecord, 'schema' | 'pid' | 'shard' | 'timestamp'> & {
  /** Default: now. */
  readonly timestamp?: string
}

/** Appends the records of one process to a file of its own. */
export interface RecordWriter {
  /** The file this process writes: `<dir>/records-<hostname>-<pid>-<random>.jsonl`. */
  readonly file: string
  /**
   * Appends one record, synchronously: a process that crashes loses at most the line it was
   * writing.
   * @throws {TypeError} when the record does not follow the schema
   */
  write(record: NewTestRecord): void
  /** Closes the file. Later writes throw. */
  close(): void
}

export { readShard, createRecordWriter } from './record-writer.ts'
export { validateTestRecord } from './validate-record.ts'
