import { writeFileSync } from 'node:fs'
import { renderHtmlReport } from '../reporters/html.ts'
import type { MergedReport } from '../reporters/merge.ts'

/** Where the merged report goes, besides the summary. */
export interface ReportFiles {
  readonly htmlFile?: string | undefined
  readonly jsonFile?: string | undefined
}

/**
 * Writes the HTML page and the JSON of a merged report.
 *
 * @param report - the merged report
 * @param files - the files to write; none by default
 * @param command - the command's name, as the messages name it: `cleanroom report`
 * @param stderr - where a file that cannot be written is reported
 * @returns whether every file was written
 */
export function writeReportFiles(
  report: MergedReport,
  files: ReportFiles,
  command: string,
  stderr: NodeJS.WritableStream,
): boolean {
  const outputs: [string, string | undefined, () => string][] = [
    ['--html', files.htmlFile, () => renderHtmlReport(report)],
    ['--json', files.jsonFile, () => `${JSON.stringify(report, null, 2)}\n`],
  ]
  let written = true
  for (const [flag, file, render] of outputs) {
    if (file === undefined) continue
    try {
      writeFileSync(file, render())
    } catch (error) {
      stderr.write(`${command}: could not write ${flag} ${file}: ${(error as Error).message}\n`)
      written = false
    }
  }
  return written
}
