import { parseArgs } from 'node:util'
import { UsageError } from './usage-error.ts'

/** What `cleanroom report` was asked to do. */
export interface ReportOptions {
  /** The records directories: one for a run, or one a shard. */
  readonly dirs: readonly [string, ...string[]]
  /** Where to write the HTML report. */
  readonly htmlFile: string | undefined
  /** Where to write the merged report as JSON. */
  readonly jsonFile: string | undefined
  /** The file `cleanroom run --json` wrote for the same run: its samples draw the memory chart. */
  readonly runFile: string | undefined
}

export const reportUsage = `Usage: cleanroom report <dir…> [options]

Merges the per-test records that the tests wrote to <dir> (CLEANROOM_REPORT, or
cleanroom run --report <dir>) and prints a summary: the slowest teardowns, leaks by test, memory
growth by file and by test. Give one directory a shard to merge a sharded run.

Options:
  --html <file>   write the report as one self-contained HTML page, with charts
  --json <file>   write the merged report as JSON
  --run <file>    the file cleanroom run --json wrote for the same run: the HTML report
                  charts its memory samples
  -h, --help      show this help

Example:
  cleanroom report reports/shard-1 reports/shard-2 --html report.html`

const options = {
  html: { type: 'string' },
  json: { type: 'string' },
  run: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const

/**
 * Reads the arguments of `cleanroom report` (those after `report`).
 *
 * @param args - the arguments after the subcommand
 * @returns the report's options, or a help request
 * @throws {@link UsageError} on an unknown flag, a missing value, or no directory
 */
export function parseReportArgs(args: readonly string[]): ReportOptions | { readonly help: true } {
  let parsed
  try {
    parsed = parseArgs({ args: [...args], options, allowPositionals: true, strict: true })
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code
    const message = error instanceof Error ? error.message : String(error)
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      const flag = /'([^']+)'/.exec(message)?.[1] ?? 'option'
      throw new UsageError(
        `Unknown option \`${flag}\` for cleanroom report. Its options are --html, --json, --run, --help.`,
      )
    }
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
      const flag = /'(--[^' ]+)/.exec(message)?.[1] ?? 'an option'
      throw new UsageError(`${flag} needs a value: write ${flag} <file>.`)
    }
    throw error
  }
  const { values, positionals } = parsed
  if (values.help === true) return { help: true }
  const [first, ...rest] = positionals
  if (first === undefined) {
    throw new UsageError(
      'No records directory. Give the directory the tests wrote their records to: cleanroom report <dir>.',
    )
  }
  for (const flag of ['html', 'json', 'run'] as const) {
    if (values[flag] === '') {
      throw new UsageError(`Expected --${flag} to name a file, got an empty string.`)
    }
  }
  return {
    dirs: [first, ...rest],
    htmlFile: values.html,
    jsonFile: values.json,
    runFile: values.run,
  }
}
