import type { RunReport } from '../reporters/run-report.ts'
import { formatMegabytes } from '../core/size.ts'

/** Below this, the summary says the growth is mostly start-up. */
const shortRunMs = 30_000

/** A growth rate in MB (SI) per minute, signed: `+12.4 MB/min`. */
export function formatRate(bytesPerSecond: number): string {
  const perMinute = (bytesPerSecond * 60) / 1e6
  return `${perMinute >= 0 ? '+' : '−'}${Math.abs(perMinute).toFixed(1)} MB/min`
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : noun.endsWith('s') ? 'es' : 's'}`
}

/** The command as a shell would read it back: arguments with spaces or quotes single-quoted. */
export function formatCommand(command: readonly string[]): string {
  return command
    .map((arg) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", "'\\''")}'`))
    .join(' ')
}

function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`
}

/** How the command ended, in words: `exited with code 3`, `was killed by SIGTERM`. */
export function describeExit(exit: RunReport['exit']): string {
  return exit.signal === null
    ? `exited with code ${exit.code ?? '?'}`
    : `was ended by ${exit.signal}`
}

/**
 * The summary `cleanroom run` prints on stderr when the command has ended: how it ended, the
 * peak and the growth of its memory, and, past `--max-growth`, what to do.
 */
export function formatSummary(report: RunReport): string {
  const { memory, exit } = report
  const lines = [
    `cleanroom run: \`${formatCommand(report.command)}\` ${describeExit(exit)} after ${formatSeconds(report.durationMs)}`,
  ]
  if (exit.forwarded !== null) {
    lines.push(
      `  ${exit.forwarded} forwarded to its process tree${exit.killed ? '; what was still running after the grace period was killed with SIGKILL' : ''}`,
    )
  }
  if (report.leftovers.length > 0) {
    lines.push(
      `  it left ${plural(report.leftovers.length, 'process')} running (pid ${report.leftovers.join(', ')}): they were ended`,
    )
  }
  if (report.samples.length === 0) {
    lines.push(
      `  memory: not sampled, the command ended within the first interval (${report.intervalMs} ms)`,
    )
    return lines.join('\n')
  }
  lines.push(
    `  memory (RSS of the process tree, ${plural(report.samples.length, 'sample')} every ${report.intervalMs} ms): peak ${formatMegabytes(memory.peakBytes)} at ${formatSeconds(memory.peakAtMs)} (${plural(memory.peakProcesses, 'process')} at most), start ${formatMegabytes(memory.startBytes)}, end ${formatMegabytes(memory.endBytes)}`,
  )
  const { growth } = memory
  const limit =
    memory.maxGrowthBytes === null ? '' : `, limit ${formatMegabytes(memory.maxGrowthBytes)}`
  if (growth === null) {
    lines.push(`  growth: not measured, the run was too short for a trend${limit}`)
  } else {
    lines.push(
      `  growth: ${formatRate(growth.bytesPerSecond)} (${growth.fittedBytes >= 0 ? '+' : '−'}${formatMegabytes(Math.abs(growth.fittedBytes))} fitted over ${formatSeconds(growth.toMs - growth.fromMs)}, after ${formatSeconds(growth.fromMs)} of warm-up)${limit}${memory.maxGrowthBytes === null ? '' : memory.exceeded ? ': EXCEEDED' : ': ok'}`,
    )
  }
  if (growth !== null && report.durationMs < shortRunMs) {
    lines.push(
      `  (a run under ${shortRunMs / 1000} s measures mostly start-up: --warm-up <ms> leaves more of it out)`,
    )
  }
  if (memory.exceeded && growth !== null && memory.maxGrowthBytes !== null) {
    lines.push(
      `cleanroom run: memory grew ${formatMegabytes(growth.fittedBytes)} over the run, more than --max-growth ${formatMegabytes(memory.maxGrowthBytes)}. ` +
        'Something keeps memory alive from test to test (a cache, a listener, a global, a leaked resource): find it, or raise --max-growth if this growth is expected. --json <file> records every sample.',
    )
  }
  return lines.join('\n')
}
