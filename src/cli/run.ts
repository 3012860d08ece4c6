import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdirSync, writeFileSync } from 'node:fs'
import { constants } from 'node:os'
import { dirname, resolve } from 'node:path'
import type { RunReport, RunSample } from '../reporters/run-report.ts'
import { mergeRecords } from '../reporters/merge.ts'
import { readRecords, ReportInputError, type ReadResult } from '../reporters/read-records.ts'
import { formatReportSummary } from '../reporters/summary.ts'
import { assertDirectory } from './assert-directory.ts'
import { fitGrowth } from './growth.ts'
import type { RunOptions } from './parse-run-args.ts'
import { createTreeSampler, listProcessGroup } from './process-tree.ts'
import { formatMegabytes } from '../core/size.ts'
import { createStatusLine } from './status-line.ts'
import { formatRate, formatSummary } from './summary.ts'
import { isRunning, signalTree } from './tree-signals.ts'
import { writeReportFiles } from './write-reports.ts'

/** What `cleanroom run` reads and writes besides the command's own stdio. */
export interface RunIo {
  readonly stderr: NodeJS.WriteStream
  readonly env: NodeJS.ProcessEnv
}

/** The signals `cleanroom run` forwards to the command's whole process tree. */
export const forwardedSignals: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP']

/**
 * Runs the command with the terminal's stdio in a process group of its own, samples the memory
 * of its process tree every `intervalMs`, forwards Ctrl-C, SIGTERM and SIGHUP to the whole tree
 * (then `SIGKILL` after `graceMs`), ends what it leaves running, prints the summary on stderr
 * and writes the JSON report.
 *
 * @returns the exit code for `cleanroom run`: the command's, 128 + the signal's number if a
 *   signal ended it, 1 if it succeeded but its memory grew past `maxGrowthBytes` or a report
 *   could not be written (or the records of `--report` read)
 * @throws {@link UsageError} when the JSON report's directory does not exist
 */
export async function runCommand(options: RunOptions, io: RunIo): Promise<number> {
  const jsonFile = options.jsonFile === undefined ? undefined : resolve(options.jsonFile)
  if (jsonFile !== undefined) assertDirectory(dirname(jsonFile), '--json')
  if (options.htmlFile !== undefined) assertDirectory(dirname(resolve(options.htmlFile)), '--html')
  const [program, ...args] = options.command
  const startedAt = new Date()
  const t0 = performance.now()
  // detached: the command leads a new session and process group, so one kill(-pgid) reaches it all.
  const child = spawn(program, args, {
    stdio: 'inherit',
    detached: true,
    env: buildChildEnv(io.env, options.reportDir),
  })
  const pgid = child.pid
  if (pgid === undefined) {
    const [error] = (await once(child, 'error')) as [NodeJS.ErrnoException]
    io.stderr.write(
      `cleanroom run: cannot start \`${program}\`: ${error.message}. Check that it is installed and on PATH.\n`,
    )
    return error.code === 'ENOENT' ? 127 : 126
  }
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>

  const sampler = createTreeSampler(pgid)
  const status = createStatusLine(io.stderr)
  const samples: RunSample[] = []
  let peak: RunSample | undefined
  let peakProcesses = 0
  let rate = ''
  const takeSample = (): void => {
    const { rssBytes, pids } = sampler.sample()
    // The command has ended and waits to be reaped: what is left is not its run.
    if (!pids.includes(pgid)) return
    const sample = { t: Math.round(performance.now() - t0), rss: rssBytes, processes: pids.length }
    samples.push(sample)
    if (peak === undefined || sample.rss > peak.rss) peak = sample
    peakProcesses = Math.max(peakProcesses, pids.length)
    if (!io.stderr.isTTY) return
    // The fit reads every sample: every 4th is enough for a line a person reads.
    const growth = samples.length % 4 === 0 ? fitGrowth(samples, options.warmUpMs) : undefined
    if (growth !== undefined) rate = ` · ${formatRate(growth.bytesPerSecond)}`
    status.update(describeProgress(sample, peak, rate))
  }
  // The first sample one interval in: sampled at once, the command has not even started its program.
  const timer = setInterval(takeSample, options.intervalMs)

  // Written by the signal handlers and the kill timer, read when the command has exited.
  const ending: { forwarded: NodeJS.Signals | null; killed: boolean } = {
    forwarded: null,
    killed: false,
  }
  let killTimer: NodeJS.Timeout | undefined
  const killTree = (): void => {
    ending.killed = true
    signalTree(pgid, sampler.sample().pids, 'SIGKILL')
  }
  const onSignal = (signal: NodeJS.Signals): void => {
    ending.forwarded ??= signal
    signalTree(pgid, sampler.sample().pids, signal)
    killTimer ??= setTimeout(killTree, options.graceMs)
  }
  for (const signal of forwardedSignals) process.on(signal, onSignal)

  try {
    const [code, signal] = await exited
    clearInterval(timer)
    const durationMs = Math.round(performance.now() - t0)
    // What the command left running: its descendants (re-parented now) and its process group.
    const remaining = (): number[] =>
      [...new Set([...sampler.sample().pids, ...listProcessGroup(pgid)])].filter(
        (pid) => pid !== pgid && isRunning(pid),
      )
    let leftovers = remaining()
    if (leftovers.length > 0 && ending.forwarded !== null) {
      // The signal reached them too: a process still ending (a busy machine takes a while to
      // tear one down) was not left running. Those that end within a short while are not.
      const until = performance.now() + Math.min(options.graceMs, settleMs)
      while (leftovers.some(isRunning) && performance.now() < until) {
        await new Promise((resolve) => setTimeout(resolve, 10))
      }
      leftovers = leftovers.filter(isRunning)
    }
    if (leftovers.length > 0) {
      if (ending.forwarded === null) signalTree(pgid, leftovers, 'SIGTERM')
      killTimer ??= setTimeout(killTree, options.graceMs)
      await waitUntilEnded(leftovers, () => ending.killed)
    }
    status.clear()
    const report = buildReport({
      options,
      startedAt,
      durationMs,
      sampler: sampler.method,
      samples,
      peak,
      peakProcesses,
      exit: { code, signal, ...ending },
      leftovers,
    })
    io.stderr.write(`${formatSummary(report)}\n`)
    if (jsonFile !== undefined) {
      try {
        writeFileSync(jsonFile, `${JSON.stringify(report, null, 2)}\n`)
      } catch (error) {
        io.stderr.write(
          `cleanroom run: could not write --json ${jsonFile}: ${(error as Error).message}\n`,
        )
        return report.exit.exitCode === 0 ? 1 : report.exit.exitCode
      }
    }
    const reported = writeRunReports(report, options, io)
    return reported || report.exit.exitCode !== 0 ? report.exit.exitCode : 1
  } catch (error) {
    // A failure of our own: leave nothing of the command running behind us.
    signalTree(pgid, sampler.sample().pids, 'SIGKILL')
    throw error
  } finally {
    clearInterval(timer)
    clearTimeout(killTimer)
    for (const signal of forwardedSignals) process.off(signal, onSignal)
  }
}

/**
 * With `--report`, merges the records the tests wrote and prints their summary; with `--html`,
 * writes the HTML report (the memory chart, and the merged records).
 *
 * @returns whether the records could be read and the HTML written
 */
function writeRunReports(report: RunReport, options: RunOptions, io: RunIo): boolean {
  const { stderr } = io
  if (options.reportDir === undefined && options.htmlFile === undefined) return true
  let read: ReadResult = { records: [], files: [], warnings: [] }
  if (options.reportDir !== undefined) {
    try {
      read = readRecords([resolve(options.reportDir)])
    } catch (error) {
      if (!(error instanceof ReportInputError)) throw error
      stderr.write(`cleanroom run: could not merge the records of --report: ${error.message}\n`)
      return false
    }
  }
  const merged = mergeRecords(read, report)
  if (options.reportDir !== undefined) {
    const color = stderr.isTTY && (io.env.NO_COLOR ?? '') === ''
    stderr.write(`${formatReportSummary(merged, { color })}\n`)
  }
  return writeReportFiles(merged, { htmlFile: options.htmlFile }, 'cleanroom run', stderr)
}

/** The command's environment: ours, with `CLEANROOM_REPORT` when a report directory is given. */
export function buildChildEnv(
  env: NodeJS.ProcessEnv,
  reportDir: string | undefined,
): NodeJS.ProcessEnv {
  if (reportDir === undefined) return env
  const dir = resolve(reportDir)
  mkdirSync(dir, { recursive: true })
  return { ...env, CLEANROOM_REPORT: dir }
}

/** Polls until every pid has ended, or 2 s after the tree was killed. */
/**
 * How long, at most, processes the forwarded signal reached are given to finish ending before
 * those still there are reported as left running.
 */
const settleMs = 500

async function waitUntilEnded(pids: readonly number[], wasKilled: () => boolean): Promise<void> {
  let killedAt: number | undefined
  while (pids.some(isRunning)) {
    if (wasKilled()) killedAt ??= performance.now()
    if (killedAt !== undefined && performance.now() - killedAt > 2000) return
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

function describeProgress(sample: RunSample, peak: RunSample, rate: string): string {
  return `cleanroom run: ${(sample.t / 1000).toFixed(0)} s · ${sample.processes} process${sample.processes === 1 ? '' : 'es'} · RSS ${formatMegabytes(sample.rss)} · peak ${formatMegabytes(peak.rss)}${rate}`
}

interface ReportParts {
  readonly options: RunOptions
  readonly startedAt: Date
  readonly durationMs: number
  readonly sampler: 'proc' | 'ps'
  readonly samples: readonly RunSample[]
  readonly peak: RunSample | undefined
  readonly peakProcesses: number
  readonly exit: {
    code: number | null
    signal: NodeJS.Signals | null
    forwarded: NodeJS.Signals | null
    killed: boolean
  }
  readonly leftovers: readonly number[]
}

function buildReport(parts: ReportParts): RunReport {
  const { options, samples, exit } = parts
  const fit = fitGrowth(samples, options.warmUpMs)
  // Whole bytes: the fit's fractions mean nothing.
  const growth =
    fit === undefined
      ? null
      : {
          ...fit,
          bytesPerSecond: Math.round(fit.bytesPerSecond),
          fittedBytes: Math.round(fit.fittedBytes),
        }
  const maxGrowthBytes = options.maxGrowthBytes ?? null
  const exceeded = growth !== null && maxGrowthBytes !== null && growth.fittedBytes > maxGrowthBytes
  const signalNumber = exit.signal === null ? undefined : constants.signals[exit.signal]
  let exitCode = exit.signal === null ? (exit.code ?? 1) : 128 + (signalNumber ?? 0)
  if (exitCode === 0 && exceeded) exitCode = 1
  return {
    schema: 'cleanroom-run/1',
    command: options.command,
    startedAt: parts.startedAt.toISOString(),
    durationMs: parts.durationMs,
    intervalMs: options.intervalMs,
    sampler: parts.sampler,
    memory: {
      startBytes: samples[0]?.rss ?? 0,
      endBytes: samples.at(-1)?.rss ?? 0,
      peakBytes: parts.peak?.rss ?? 0,
      peakAtMs: parts.peak?.t ?? 0,
      peakProcesses: parts.peakProcesses,
      growth,
      maxGrowthBytes,
      exceeded,
    },
    exit: { ...exit, exitCode },
    leftovers: parts.leftovers,
    samples,
  }
}
