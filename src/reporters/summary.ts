import { formatBytes, formatDuration, plural, truncateMiddle } from './format.ts'
import type { MergedReport } from './merge.ts'
import { formatTable } from './text-table.ts'

/** How the summary is printed. */
export interface SummaryOptions {
  /** The longest line, in characters: 100 by default. */
  readonly width?: number
  /** Bold headings and red failures, for a terminal: off by default. */
  readonly color?: boolean
  /** Rows a list shows: 10 by default. */
  readonly rows?: number
}

function describeTotals(report: MergedReport): string[] {
  const { totals } = report
  const outcomes = [
    `${totals.passed} passed`,
    ...(totals.failed > 0 ? [`${totals.failed} failed`] : []),
    ...(totals.skipped > 0 ? [`${totals.skipped} skipped`] : []),
  ]
  const shards =
    report.shards.length === 0
      ? ''
      : `, ${plural(report.shards.length, 'shard')} (${report.shards.map((s) => `${s.index}/${s.count}`).join(', ')})`
  const lines = [
    `cleanroom report: ${plural(totals.tests, 'test')} (${outcomes.join(', ')}) in ${plural(totals.files, 'file')}`,
    `  from ${plural(report.processes, 'process')}${shards}, ${plural(report.sources.length, 'records file')}`,
    `  teardown: ${plural(totals.teardownEntries, 'entry')}, ${formatDuration(totals.teardownMs)} in all` +
      (totals.teardownErrors > 0 ? `, ${plural(totals.teardownErrors, 'error')}` : '') +
      (totals.teardownTimeouts > 0 ? `, ${plural(totals.teardownTimeouts, 'timeout')}` : ''),
    `  leaks: ${totals.leaks === 0 ? 'none' : `${totals.leaks} in ${plural(totals.testsWithLeaks, 'test')}`}` +
      ` · global state: ${totals.globalStateChanges === 0 ? 'unchanged' : plural(totals.globalStateChanges, 'change')}`,
    totals.measured === 0
      ? '  memory: no test measured (memory checks were off)'
      : `  memory: ${plural(totals.measured, 'test')} measured, heap ${formatBytes(totals.deltaBytes, true)} in all`,
  ]
  const { run } = report
  if (run !== undefined) {
    const growth =
      run.memory.growth === null
        ? 'no trend (a short run)'
        : `${formatBytes(run.memory.growth.fittedBytes, true)} fitted`
    lines.push(
      `  process tree (cleanroom run): peak ${formatBytes(run.memory.peakBytes)} RSS, ${growth}, ${plural(run.samples.length, 'sample')}`,
    )
  }
  return lines
}

/**
 * The plain-text summary of a merged run: totals, the slowest teardowns, leaks by test, memory
 * growth by file and by test. No line is longer than `width`; colors only when asked (a TTY).
 *
 * @param report - the merged report
 * @param options - width, color, rows
 * @returns the summary, lines joined with `\n`, without a final newline
 */
export function formatReportSummary(report: MergedReport, options: SummaryOptions = {}): string {
  const width = options.width ?? 100
  const rows = options.rows ?? 10
  const bold = (text: string): string => (options.color === true ? `\x1b[1m${text}\x1b[22m` : text)
  const red = (text: string): string => (options.color === true ? `\x1b[31m${text}\x1b[39m` : text)
  const lines = describeTotals(report)
  for (const warning of report.warnings) lines.push(`  warning: ${warning}`)
  if (report.tests.length === 0) {
    lines.push(
      '  no per-test records: were the tests run with CLEANROOM_REPORT set (cleanroom run --report <dir>)?',
    )
    return lines.join('\n')
  }

  if (report.slowestTeardowns.length > 0) {
    lines.push('', bold(`Slowest teardowns (${Math.min(rows, report.slowestTeardowns.length)})`))
    lines.push(
      ...formatTable(
        [
          { header: 'time', align: 'right' },
          { header: 'outcome' },
          { header: 'entry' },
          { header: 'test', flexible: true },
        ],
        report.slowestTeardowns
          .slice(0, rows)
          .map((row) => [
            formatDuration(row.durationMs),
            row.outcome === 'ok' ? 'ok' : red(row.outcome),
            truncateMiddle(row.label, 28),
            `${row.file} › ${row.test}`,
          ]),
        width,
      ),
    )
  }

  if (report.leaksByTest.length > 0) {
    lines.push('', bold(`Leaks by test (${report.leaksByTest.length})`))
    for (const test of report.leaksByTest.slice(0, rows)) {
      lines.push(`  ${truncateMiddle(`${test.file} › ${test.name}`, width - 2)}`)
      for (const leak of test.leaks) {
        const where = leak.created === undefined ? '' : ` at ${leak.created}`
        lines.push(
          `    ${red(leak.kind)}  ${truncateMiddle(`${leak.description}${where}`, width - 6 - leak.kind.length)}`,
        )
      }
    }
    if (report.leaksByTest.length > rows) {
      lines.push(`  … and ${plural(report.leaksByTest.length - rows, 'more test')}`)
    }
  }

  if (report.memoryByFile.length > 0) {
    lines.push('', bold('Memory growth by file (heap after each test, summed)'))
    lines.push(
      ...formatTable(
        [
          { header: 'growth', align: 'right' },
          { header: 'trend/test', align: 'right' },
          { header: 'tests', align: 'right' },
          { header: 'file', flexible: true },
        ],
        report.memoryByFile
          .slice(0, rows)
          .map((file) => [
            formatBytes(file.deltaBytes, true),
            file.bytesPerTest === undefined ? '–' : formatBytes(file.bytesPerTest, true),
            `${file.measured}`,
            file.file,
          ]),
        width,
      ),
    )
    lines.push(
      '',
      bold(`Memory growth by test (largest ${Math.min(rows, report.memoryByTest.length)})`),
    )
    lines.push(
      ...formatTable(
        [
          { header: 'growth', align: 'right' },
          { header: 'test', flexible: true },
        ],
        report.memoryByTest
          .slice(0, rows)
          .map((test) => [formatBytes(test.deltaBytes ?? 0, true), `${test.file} › ${test.name}`]),
        width,
      ),
    )
  }
  return lines.join('\n')
}
