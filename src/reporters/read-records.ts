import { readdirSync, readFileSync, realpathSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import type { RunReport } from './run-report.ts'
import type { TestRecord } from './records.ts'
import { validateTestRecord } from './validate-record.ts'

/**
 * Input `cleanroom report` cannot read: a missing directory, a corrupt line, a file of another
 * schema. The command prints the message and exits with code 2.
 */
export class ReportInputError extends Error {
  /** `ERR_CLEANROOM_REPORT_INPUT`, in the family of the library's error codes. */
  readonly code = 'ERR_CLEANROOM_REPORT_INPUT'

  /** @param message - what is wrong, where (`file:line`), and what to do */
  constructor(message: string) {
    super(message)
    this.name = 'ReportInputError'
  }
}

/** A record and where it was read: its file, its line, and its place in the files read. */
export interface ReadRecord {
  readonly record: TestRecord
  /** The records file, as given (relative to the working directory when under it). */
  readonly source: string
  readonly line: number
}

/** What the records directories held. */
export interface ReadResult {
  readonly records: readonly ReadRecord[]
  /** The records files read, once each. */
  readonly files: readonly string[]
  /** What was skipped, and why: a truncated last line. */
  readonly warnings: readonly string[]
}

function display(path: string): string {
  const fromHere = relative(process.cwd(), path)
  return fromHere.startsWith('..') || fromHere === '' ? path : fromHere
}

function listRecordFiles(dir: string): string[] {
  let isDirectory = false
  try {
    isDirectory = statSync(dir).isDirectory()
  } catch {
    // Reported below.
  }
  if (!isDirectory) {
    throw new ReportInputError(
      `${dir} is not a directory. Give the directory the tests wrote their records to (CLEANROOM_REPORT, or cleanroom run --report <dir>).`,
    )
  }
  return readdirSync(dir)
    .filter((name) => name.endsWith('.jsonl'))
    .sort()
    .map((name) => join(dir, name))
}

function readRecordFile(path: string, records: ReadRecord[], warnings: string[]): void {
  const source = display(path)
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (error) {
    throw new ReportInputError(
      `${source}: cannot read it (${(error as Error).message}). Check its permissions, or remove it.`,
    )
  }
  const lines = text.split('\n')
  // A file ends with a newline: what follows the last one is a line cut short by a crash.
  const complete = text.endsWith('\n')
  lines.pop()
  for (const [index, line] of lines.entries()) {
    if (line.trim() === '') continue
    let value: unknown
    try {
      value = JSON.parse(line)
    } catch {
      throw new ReportInputError(
        `${source}:${index + 1}: not a JSON line (${JSON.stringify(line.slice(0, 40))}${line.length > 40 ? '…' : ''}). A records file holds one JSON object a line, as cleanroom writes it; remove the line, or the file.`,
      )
    }
    const problem = validateTestRecord(value)
    if (problem !== undefined) {
      throw new ReportInputError(
        `${source}:${index + 1}: not a cleanroom-records/1 record: ${problem}. Records written by another version of cleanroom need that version's cleanroom report.`,
      )
    }
    records.push({ record: value as TestRecord, source, line: index + 1 })
  }
  const last = complete ? '' : text.slice(text.lastIndexOf('\n') + 1)
  if (last.trim() !== '') {
    // Written by a process that was killed mid-line: the record is lost, the rest is good.
    let parsed = false
    try {
      const value: unknown = JSON.parse(last)
      if (validateTestRecord(value) === undefined) {
        records.push({ record: value as TestRecord, source, line: lines.length + 1 })
        parsed = true
      }
    } catch {
      // A truncated line.
    }
    if (!parsed) {
      warnings.push(
        `${source}:${lines.length + 1}: skipped a truncated last line (its process was likely killed while writing it).`,
      )
    }
  }
}

/**
 * Reads every `*.jsonl` records file in each directory (files shared by two directories, or a
 * directory given twice, are read once) and validates each line.
 *
 * @param dirs - the records directories of one run: one, or one a shard
 * @returns the records in the order read (by directory, file name, line), the files, warnings
 * @throws {@link ReportInputError} when a directory is missing, or a line is not a valid record
 *   (its `file:line` named); a truncated last line is skipped with a warning instead
 */
export function readRecords(dirs: readonly string[]): ReadResult {
  const records: ReadRecord[] = []
  const warnings: string[] = []
  const seen = new Set<string>()
  const files: string[] = []
  for (const dir of dirs) {
    for (const path of listRecordFiles(dir)) {
      const real = realpathSync(path)
      if (seen.has(real)) continue
      seen.add(real)
      files.push(display(path))
      readRecordFile(path, records, warnings)
    }
  }
  return { records, files, warnings }
}

/**
 * Reads the JSON that `cleanroom run --json <file>` wrote.
 *
 * @param file - the file
 * @returns the run report
 * @throws {@link ReportInputError} when it cannot be read, or is not a `cleanroom-run/1` report
 */
export function readRunReport(file: string): RunReport {
  let value: unknown
  try {
    value = JSON.parse(readFileSync(file, 'utf8'))
  } catch (error) {
    throw new ReportInputError(
      `--run ${file}: cannot read it as JSON (${(error as Error).message}). Give the file cleanroom run --json wrote.`,
    )
  }
  const report = value as Partial<RunReport> | null
  if (
    report?.schema !== 'cleanroom-run/1' ||
    !Array.isArray(report.samples) ||
    typeof report.memory !== 'object'
  ) {
    throw new ReportInputError(
      `--run ${file}: not a cleanroom-run/1 report (schema ${JSON.stringify(report?.schema)}). Give the file cleanroom run --json wrote.`,
    )
  }
  return report as RunReport
}
