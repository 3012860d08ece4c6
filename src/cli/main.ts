#!/usr/bin/env node
import { readFileSync } from 'node:fs'
import { ReportInputError } from '../reporters/read-records.ts'
import { parseReportArgs, reportUsage } from './parse-report-args.ts'
import { parseRunArgs, runUsage } from './parse-run-args.ts'
import { reportCommand } from './report.ts'
import { runCommand } from './run.ts'
import { UsageError } from './usage-error.ts'

/**
 * The `cleanroom` command: `cleanroom run [options] -- <command…>`, `cleanroom report <dir…>`.
 * Exit codes: the run's (see `run.ts`), the report's (`report.ts`); 2 for a command line it
 * cannot run or records it cannot read; 70 for a failure of its own.
 */

const usage = `Usage: cleanroom <command> [options]

Commands:
  run [options] -- <command…>   run a test command and report the memory of its process tree
  report <dir…> [options]       merge the per-test records of a run: summary, HTML, JSON

Options:
  -h, --help      show this help (cleanroom run --help, cleanroom report --help: their options)
  -v, --version   show the version`

/** The version in the package.json next to the built file (dist/) or two levels up (src/cli/). */
function readVersion(): string {
  for (const path of ['../package.json', '../../package.json']) {
    try {
      const manifest = JSON.parse(readFileSync(new URL(path, import.meta.url), 'utf8')) as {
        name?: unknown
        version?: unknown
      }
      if (manifest.name === 'cleanroom' && typeof manifest.version === 'string') {
        return manifest.version
      }
    } catch {
      // Not this one.
    }
  }
  return 'unknown'
}

async function main(args: readonly string[]): Promise<number> {
  const [command, ...rest] = args
  switch (command) {
    case undefined:
      process.stderr.write(`${usage}\n`)
      return 2
    case '-h':
    case '--help':
    case 'help':
      process.stdout.write(`${usage}\n`)
      return 0
    case '-v':
    case '--version':
      process.stdout.write(`${readVersion()}\n`)
      return 0
    case 'run': {
      const options = parseRunArgs(rest)
      if ('help' in options) {
        process.stdout.write(`${runUsage}\n`)
        return 0
      }
      if (process.platform === 'win32') {
        throw new UsageError(
          'cleanroom run needs process groups to end the whole process tree: Linux or macOS, not Windows (WSL works).',
        )
      }
      return runCommand(options, { stderr: process.stderr, env: process.env })
    }
    case 'report': {
      const options = parseReportArgs(rest)
      if ('help' in options) {
        process.stdout.write(`${reportUsage}\n`)
        return 0
      }
      return reportCommand(options, {
        stdout: process.stdout,
        stderr: process.stderr,
        env: process.env,
      })
    }
    default:
      throw new UsageError(`Unknown command \`${command}\`. The commands are: run, report.`)
  }
}

// A terminal that hangs up (SIGHUP, forwarded to the command) makes writes fail: the run still
// ends its process tree and exits, with nothing more to say.
process.stderr.on('error', () => undefined)

try {
  process.exitCode = await main(process.argv.slice(2))
} catch (error) {
  if (error instanceof UsageError) {
    const subcommand = process.argv[2]
    const help =
      subcommand === 'run' || subcommand === 'report'
        ? `cleanroom ${subcommand} --help`
        : 'cleanroom --help'
    process.stderr.write(`cleanroom: ${error.message}\nSee ${help}.\n`)
    process.exitCode = 2
  } else if (error instanceof ReportInputError) {
    process.stderr.write(`cleanroom report: ${error.message}\n`)
    process.exitCode = 2
  } else {
    process.stderr.write(
      `cleanroom: an unexpected error, a bug in cleanroom: please report it with this output.\n${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    )
    process.exitCode = 70
  }
}
