import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
// Internal: the sampler `cleanroom run` drives, measured alone as well as inside the built bin.
import { createTreeSampler, listProcessGroup } from '../../src/cli/process-tree.ts'
import { formatTable, verdict } from './format-table.ts'
import { isMain } from './is-main.ts'
import { median } from './median.ts'
import type { TargetCheck } from './target.ts'

/**
 * What `cleanroom run` costs while a test command runs: the CPU of the built bin
 * (`dist/cli.mjs`) sampling a tree of 5 idle node processes every 250 ms for 20 s, read from its
 * `/proc/<pid>/stat` (user + system time) after 2 s and after 22 s, so its start-up is left out;
 * and, in this process, the CPU of one sample of the same tree with the walk `cleanroom run` uses
 * (each thread's `children` file) and with a scan of every `/proc/<pid>/stat` on the machine.
 * Linux only.
 */

const cliPath = fileURLToPath(new URL('../../dist/cli.mjs', import.meta.url))
const intervalMs = 250
const settleMs = 2000
const measuredMs = 20_000
const samplesPerRound = 40
const rounds = 5
/** The bound: % of one core. */
const targetPercent = 1

/** A node process that starts 4 idle node children: 5 processes. */
const treeScript = `
  const { spawn } = require('node:child_process')
  for (let i = 0; i < 4; i++) spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' })
  console.log('ready')
  setInterval(() => {}, 1000)`

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/** User + system CPU of a process so far, in ms, from `/proc/<pid>/stat` (clock ticks). */
function cpuMsOf(pid: number, msPerTick: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'latin1')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return (Number(fields[11]) + Number(fields[12])) * msPerTick
}

/** CPU µs of one call of `sample`, median of `rounds` rounds of `samplesPerRound` calls. */
function cpuUsPerCall(sample: () => unknown): number {
  for (let index = 0; index < 10; index++) sample()
  const perRound: number[] = []
  for (let round = 0; round < rounds; round++) {
    const before = process.cpuUsage()
    for (let index = 0; index < samplesPerRound; index++) sample()
    const used = process.cpuUsage(before)
    perRound.push((used.user + used.system) / samplesPerRound)
  }
  return median(perRound)
}

export interface CliSamplingResult {
  readonly binPercent: number
  readonly idlePercent: number
  readonly walkUs: number
  readonly scanUs: number
  readonly processesOnMachine: number
  readonly checks: TargetCheck[]
}

export async function runCliSampling(): Promise<CliSamplingResult> {
  console.log(
    `\n## cleanroom run: sampling a tree of 5 node processes every ${intervalMs} ms, CPU of the bin over ${measuredMs / 1000} s (after ${settleMs / 1000} s), and of one sample in-process (median of ${rounds} rounds of ${samplesPerRound})\n`,
  )
  if (process.platform !== 'linux') throw new Error('cli-sampling: Linux only (/proc)')
  const msPerTick = 1000 / Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }))

  // In this process: one sample of a 5-process tree, two ways.
  const tree = spawn(process.execPath, ['-e', treeScript], {
    stdio: ['ignore', 'pipe', 'inherit'],
    detached: true,
  })
  let walkUs: number
  let scanUs: number
  try {
    await once(tree.stdout, 'data')
    await sleep(500)
    const sampler = createTreeSampler(tree.pid ?? 0)
    const counted = sampler.sample().pids.length
    if (counted !== 5)
      throw new Error(`cli-sampling: the sampler counted ${counted} processes, not 5`)
    walkUs = cpuUsPerCall(() => sampler.sample())
    scanUs = cpuUsPerCall(() => listProcessGroup(tree.pid ?? 0))
  } finally {
    killGroup(tree)
  }
  const processesOnMachine = countProcesses()

  // The built bin, as a user runs it.
  const cli = spawn(
    process.execPath,
    [cliPath, 'run', '--interval', String(intervalMs), '--', process.execPath, '-e', treeScript],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  )
  // For comparison, measured over the same 20 s: node doing nothing but a timer at the same interval.
  const idle = spawn(process.execPath, ['-e', `setInterval(() => {}, ${intervalMs})`], {
    stdio: 'ignore',
  })
  let binPercent: number
  let idlePercent: number
  try {
    await once(cli.stdout, 'data')
    await sleep(settleMs)
    const pids = [cli.pid ?? 0, idle.pid ?? 0] as const
    const before = pids.map((pid) => cpuMsOf(pid, msPerTick))
    const started = performance.now()
    await sleep(measuredMs)
    const elapsed = performance.now() - started
    const [bin, node] = pids.map((pid, index) => cpuMsOf(pid, msPerTick) - (before[index] ?? 0))
    binPercent = ((bin ?? NaN) / elapsed) * 100
    idlePercent = ((node ?? NaN) / elapsed) * 100
  } finally {
    cli.kill('SIGTERM')
    idle.kill('SIGKILL')
  }
  await Promise.all([once(cli, 'close'), once(idle, 'close')])

  console.log(
    formatTable(
      [{ title: 'what' }, { title: 'measured', align: 'right' }, { title: `≤ ${targetPercent} %` }],
      [
        [
          `cleanroom run, whole process, ${intervalMs} ms interval`,
          `${binPercent.toFixed(2)} % of one core`,
          verdict(binPercent <= targetPercent),
        ],
        [
          `for comparison: node with only a ${intervalMs} ms setInterval`,
          `${idlePercent.toFixed(2)} % of one core`,
          '',
        ],
        [
          'one sample: walk of each thread’s children file (used)',
          `${walkUs.toFixed(0)} µs CPU = ${(walkUs / 10 / intervalMs).toFixed(3)} % at ${intervalMs} ms`,
          '',
        ],
        [
          `one sample: scan of every /proc/<pid>/stat (${processesOnMachine} processes)`,
          `${scanUs.toFixed(0)} µs CPU = ${(scanUs / 10 / intervalMs).toFixed(3)} % at ${intervalMs} ms`,
          '',
        ],
      ],
    ),
  )
  return {
    binPercent,
    idlePercent,
    walkUs,
    scanUs,
    processesOnMachine,
    checks: [
      {
        name: `cleanroom run sampling, 5 processes, ${intervalMs} ms interval`,
        measured: `${binPercent.toFixed(2)} % of one core`,
        target: `≤ ${targetPercent} % of one core`,
        pass: binPercent <= targetPercent,
      },
    ],
  }
}

function killGroup(child: ChildProcess): void {
  try {
    if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL')
  } catch {
    // Ended already.
  }
}

/** How many processes run on the machine: what a scan of /proc reads. */
function countProcesses(): number {
  return readdirSync('/proc').filter((name) => /^\d+$/.test(name)).length
}

if (isMain(import.meta.url)) {
  const { checks } = await runCliSampling()
  if (checks.some((check) => !check.pass)) process.exitCode = 1
}
