import { dirname, resolve } from 'node:path'
import { mergeRun } from '../reporters/merge.ts'
import { ReportInputError } from '../reporters/read-records.ts'
import { formatReportSummary } from '../reporters/summary.ts'
import { assertDirectory } from './assert-directory.ts'
import type { ReportOptions } from './parse-report-args.ts'
import { writeReportFiles } from './write-reports.ts'

/** What `cleanroom report` reads and writes. */
export interface ReportIo {
  readonly stdout: NodeJS.WriteStream
  readonly stderr: NodeJS.WriteStream
  readonly env: NodeJS.ProcessEnv
}

/**
 * Merges the records of a run (one directory, or one a shard), prints the summary on stdout,
 * and writes the HTML and JSON reports. The report informs: leaks and failed tests do not
 * change its exit code (the test run's own exit code says that).
 *
 * @returns 0, or 1 when a report file could not be written
 * @throws {@link UsageError} when the directory of an output file does not exist
 * @throws {@link ReportInputError} when a directory is missing or holds no records file, or a
 *   record is corrupt (its `file:line` named)
 */
export function reportCommand(options: ReportOptions, io: ReportIo): number {
  if (options.htmlFile !== undefined) assertDirectory(dirname(resolve(options.htmlFile)), '--html')
  if (options.jsonFile !== undefined) assertDirectory(dirname(resolve(options.jsonFile)), '--json')
  const report = mergeRun({ dirs: options.dirs, runFile: options.runFile })
  if (report.sources.length === 0) {
    throw new ReportInputError(
      `No records file (*.jsonl) in ${options.dirs.join(', ')}. Run the tests with CLEANROOM_REPORT=<dir> (or under cleanroom run --report <dir>) first.`,
    )
  }
  const color = io.stdout.isTTY && (io.env.NO_COLOR ?? '') === ''
  io.stdout.write(`${formatReportSummary(report, { color })}\n`)
  return writeReportFiles(report, options, 'cleanroom report', io.stderr) ? 0 : 1
}
