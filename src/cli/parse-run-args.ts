import { parseArgs } from 'node:util'
import { parseSize } from './size.ts'
import { UsageError } from './usage-error.ts'

/** What `cleanroom run` was asked to do. */
export interface RunOptions {
  /** The test command and its arguments: everything after `--`. */
  readonly command: readonly [string, ...string[]]
  /** Milliseconds between two memory samples. */
  readonly intervalMs: number
  /** The fitted growth, in bytes, past which the run fails; `undefined`: no limit. */
  readonly maxGrowthBytes: number | undefined
  /** Where to write the samples and the summary as JSON. */
  readonly jsonFile: string | undefined
  /** Samples in the first `warmUpMs` are left out of the growth; `undefined`: 20 % of the run, ≤ 10 s. */
  readonly warmUpMs: number | undefined
  /** Milliseconds the tree has after a forwarded signal before it is killed with `SIGKILL`. */
  readonly graceMs: number
  /** The directory of per-test records, passed to the command as `CLEANROOM_REPORT`. */
  readonly reportDir: string | undefined
  /** Where to write the HTML report: the memory chart, and the records merged from `reportDir`. */
  readonly htmlFile: string | undefined
}

/** `--help` was given: the caller prints the usage. */
export interface HelpRequest {
  readonly help: true
}

export const defaultIntervalMs = 250
export const defaultGraceMs = 5000

export const runUsage = `Usage: cleanroom run [options] -- <command…>

Runs the test command, samples the memory (RSS) of its whole process tree, prints the peak and
the growth rate at the end, and exits with the command's exit code.

Options:
  --interval <ms>       time between two samples: 250, 250ms or 1s (default 250 ms, at least 10 ms)
  --max-growth <size>   fail (exit code 1) when the memory grows more than this over the run:
                        100MB, 100 MB, 512KiB, or bytes (MB = 1,000,000 bytes, MiB = 1,048,576)
  --warm-up <ms>        leave the samples of the first <ms> out of the growth (default: the
                        first 20 % of the run, at most 10 s): start-up is not a leak
  --json <file>         write the samples and the summary to <file> as JSON
  --grace <ms>          after Ctrl-C or SIGTERM, time the command has to exit before its whole
                        process tree is killed with SIGKILL (default 5000 ms)
  --report <dir>        create <dir>, pass it to the command as CLEANROOM_REPORT (where the
                        tests write their per-test records), and merge the records at the end
  --html <file>         write an HTML report: the memory over the run, and with --report the
                        slowest teardowns, leaks and memory by test and file
  -h, --help            show this help

Example:
  cleanroom run --max-growth 200MB --json memory.json -- npx vitest run
  cleanroom run --report reports --html report.html -- npx vitest run`

const options = {
  interval: { type: 'string' },
  'max-growth': { type: 'string' },
  json: { type: 'string' },
  html: { type: 'string' },
  report: { type: 'string' },
  grace: { type: 'string' },
  'warm-up': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const

const placeholders = new Map([
  ['--interval', '<ms>'],
  ['--max-growth', '<size>'],
  ['--json', '<file>'],
  ['--grace', '<ms>'],
  ['--warm-up', '<ms>'],
  ['--html', '<file>'],
  ['--report', '<dir>'],
])

const known = '--interval, --max-growth, --warm-up, --json, --report, --html, --grace, --help'

/**
 * Reads the arguments of `cleanroom run` (those after `run`).
 *
 * @param args - the arguments after the subcommand
 * @returns the run's options, or a help request
 * @throws {@link UsageError} on an unknown flag, a bad value, or no command after `--`
 */
export function parseRunArgs(args: readonly string[]): RunOptions | HelpRequest {
  let parsed
  try {
    parsed = parseArgs({
      args: [...args],
      options,
      allowPositionals: true,
      strict: true,
      tokens: true,
    })
  } catch (error) {
    throw describeParseError(error)
  }
  const { values, positionals, tokens } = parsed
  if (values.help === true) return { help: true }

  const terminator = tokens.findIndex((token) => token.kind === 'option-terminator')
  const before = tokens.find(
    (token, index) => token.kind === 'positional' && (terminator === -1 || index < terminator),
  )
  if (before !== undefined || terminator === -1) {
    const given = positionals.join(' ')
    throw new UsageError(
      given === ''
        ? 'No command to run. Put the test command after `--`: cleanroom run [options] -- npx vitest run'
        : `Put \`--\` before the test command: cleanroom run [options] -- ${given}`,
    )
  }
  const [program, ...rest] = positionals
  if (program === undefined || program === '') {
    throw new UsageError(
      'No command after `--`. Put the test command there: cleanroom run [options] -- npx vitest run',
    )
  }
  if (values.json === '')
    throw new UsageError('Expected --json to name a file, got an empty string.')
  if (values.html === '')
    throw new UsageError('Expected --html to name a file, got an empty string.')
  if (values.report === '')
    throw new UsageError('Expected --report to name a directory, got an empty string.')

  return {
    command: [program, ...rest],
    intervalMs:
      values.interval === undefined
        ? defaultIntervalMs
        : parseMilliseconds(values.interval, '--interval', 10),
    maxGrowthBytes:
      values['max-growth'] === undefined
        ? undefined
        : parseSize(values['max-growth'], '--max-growth'),
    warmUpMs:
      values['warm-up'] === undefined
        ? undefined
        : parseMilliseconds(values['warm-up'], '--warm-up', 0),
    jsonFile: values.json,
    graceMs:
      values.grace === undefined ? defaultGraceMs : parseMilliseconds(values.grace, '--grace', 0),
    reportDir: values.report,
    htmlFile: values.html,
  }
}

const durationPattern = /^(\d+(?:\.\d+)?)\s*(ms|s)?$/i

/**
 * Reads a duration: `250`, `250ms` or `1.5s`, in milliseconds, at least `min` and at most an hour.
 * @throws {@link UsageError} when `text` is not such a duration
 */
export function parseMilliseconds(text: string, flag: string, min: number): number {
  const match = durationPattern.exec(text.trim())
  const ms = match === null ? NaN : Number(match[1]) * (match[2]?.toLowerCase() === 's' ? 1000 : 1)
  if (!(ms >= min && ms <= 3_600_000)) {
    throw new UsageError(
      `Expected ${flag} to be a duration from ${min} ms to 1 hour, such as 250, 250ms or 1s, got \`${text}\`.`,
    )
  }
  return Math.round(ms)
}

function describeParseError(error: unknown): unknown {
  const code = (error as { code?: unknown } | null)?.code
  const message = error instanceof Error ? error.message : String(error)
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const flag = /'([^']+)'/.exec(message)?.[1] ?? 'option'
    return new UsageError(
      `Unknown option \`${flag}\` for cleanroom run. Its options are ${known}; put the test command and its own options after \`--\`.`,
    )
  }
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && !message.includes('does not take')) {
    const flag = /'(--[^' ]+)/.exec(message)?.[1] ?? 'an option'
    const value = placeholders.get(flag) ?? '<value>'
    return new UsageError(
      `${flag} needs a value: write ${flag} ${value} (or ${flag}=${value}) before the \`--\` that starts the test command.`,
    )
  }
  if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_')) return new UsageError(message)
  return error
}
