import { dirname, isAbsolute, relative, resolve } from 'node:path'
import { processSingleton } from '../core/process-singleton.ts'
import type { DisposeReport } from '../core/report.ts'
import type { LeakError, GlobalStateError } from '../core/errors.ts'
import { createRecordWriter } from '../reporters/record-writer.ts'
import type { LeakRecord, RecordWriter, TeardownRecord, TestOutcome } from '../reporters/records.ts'

/** What the runner said of the running test, for its record. */
export interface TestDescription {
  /** Its describe blocks' names, then its own. */
  readonly title: readonly string[]
  /** How it ended, as the runner reports it (before cleanroom's own checks). */
  readonly outcome: TestOutcome
}

/** What a test's end produced, for its record. */
export interface EndedTestFindings {
  readonly name: string
  readonly file: string | undefined
  /** Whether cleanroom failed the test (a cleanup, leak, global-state or memory failure). */
  readonly failedByCleanroom: boolean
  readonly teardown: DisposeReport | undefined
  readonly leaks: LeakError | undefined
  readonly globals: GlobalStateError | undefined
  readonly heap: { readonly before: number; readonly after: number } | undefined
}

/** The writer this process's runtimes share, so that ESM and CommonJS copies write one file. */
const shared: { writer: RecordWriter | undefined } = processSingleton('recordWriter', () => ({
  writer: undefined,
}))

/**
 * The per-test records of one runtime, when the `report` option or `CLEANROOM_REPORT` is set:
 * the runtime tells it when a test begins and what its end found; it writes one `TestRecord`
 * a test through the process's record writer.
 */
export class TestRecorder {
  readonly #dir: string
  readonly #runner: string
  /** When the running test began (`performance.now()`). */
  #started = 0
  /** What the adapter said of the running test. */
  #described: TestDescription | undefined

  /**
   * @param dir - the records directory
   * @param runner - the runner's name, as the records give it (`'vitest'`, `'jest'`, …)
   * @throws {TypeError} when `CLEANROOM_SHARD` is malformed
   * @throws {Error} when the directory cannot be created
   */
  constructor(dir: string, runner: string) {
    this.#dir = resolve(dir)
    this.#runner = runner
    this.#writer()
  }

  /** The process's writer for this directory, created when there is none (or it was closed). */
  #writer(): RecordWriter {
    const current = shared.writer
    if (current !== undefined && dirname(current.file) === this.#dir) return current
    current?.close()
    const writer = createRecordWriter(this.#dir)
    shared.writer = writer
    return writer
  }

  /** A test began: its duration counts from now. */
  beginTest(): void {
    this.#described = undefined
    this.#started = performance.now()
  }

  /** The runner's title and outcome for the running test, given before it ends. */
  describe(description: TestDescription): void {
    this.#described = description
  }

  /** The running test's teardown begins: its duration ends here. */
  bodyEnded(): number {
    return performance.now() - this.#started
  }

  /**
   * Writes the record of the test that ended.
   * @returns the error to fail the test with when the record could not be written
   */
  write(findings: EndedTestFindings, durationMs: number): Error | undefined {
    const described = this.#described
    this.#described = undefined
    const runnerOutcome = described?.outcome ?? 'passed'
    const outcome: TestOutcome =
      findings.failedByCleanroom && runnerOutcome !== 'skipped' ? 'failed' : runnerOutcome
    const heap = findings.heap
    return this.#write(findings.file, {
      test: described?.title ?? [findings.name],
      outcome,
      durationMs,
      teardown: findings.teardown?.entries.map(teardownRecord) ?? [],
      leaks: findings.leaks?.leaks.map(leakRecord) ?? [],
      globalState: findings.globals?.changes.map((change) => change.description) ?? [],
      ...(heap === undefined
        ? {}
        : {
            memory: {
              heapBeforeBytes: heap.before,
              heapAfterBytes: heap.after,
              deltaBytes: heap.after - heap.before,
            },
          }),
    })
  }

  /**
   * Writes the record of a test the runner skipped without running it (no hook ran for it).
   * @returns the error to report when the record could not be written
   */
  writeSkipped(file: string | undefined, title: readonly string[]): Error | undefined {
    return this.#write(file, {
      test: title,
      outcome: 'skipped',
      durationMs: 0,
      teardown: [],
      leaks: [],
      globalState: [],
    })
  }

  #write(
    file: string | undefined,
    record: {
      test: readonly string[]
      outcome: TestOutcome
      durationMs: number
      teardown: readonly TeardownRecord[]
      leaks: readonly LeakRecord[]
      globalState: readonly string[]
      memory?: { heapBeforeBytes: number; heapAfterBytes: number; deltaBytes: number }
    },
  ): Error | undefined {
    let writer: RecordWriter | undefined
    try {
      writer = this.#writer()
      writer.write({ runner: this.#runner, file: displayed(file), ...record })
      return undefined
    } catch (error) {
      return new Error(
        `cleanroom: could not write the record of test "${record.test.join(' › ')}" to ${writer?.file ?? this.#dir}: ${String(error)}. Check that the records directory (CLEANROOM_REPORT, or the report option) is writable; if it is, this is a bug in cleanroom: please report it with this stack.`,
        { cause: error },
      )
    }
  }

  /** Closes the process's records file: the process has finished its tests. */
  close(): void {
    shared.writer?.close()
    shared.writer = undefined
  }
}

/** The file as records name it: relative to the working directory when it is under it. */
function displayed(file: string | undefined): string {
  if (file === undefined) return 'main'
  if (!isAbsolute(file)) return file
  const fromHere = relative(process.cwd(), file)
  return fromHere === '' || fromHere.startsWith('..') || isAbsolute(fromHere) ? file : fromHere
}

function teardownRecord(entry: DisposeReport['entries'][number]): TeardownRecord {
  // `created` is formatted on first read: read once.
  const created = entry.created
  return {
    label: entry.label,
    kind: entry.kind,
    outcome: entry.outcome,
    durationMs: entry.duration,
    ...(created === undefined ? {} : { created }),
  }
}

function leakRecord(leak: LeakError['leaks'][number]): LeakRecord {
  return {
    kind: leak.kind,
    description: leak.description,
    ...(leak.created === undefined ? {} : { created: leak.created }),
  }
}
