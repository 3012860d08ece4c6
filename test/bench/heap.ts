import { createScope } from 'cleanroom'
import { heapUsedAfterGc } from './force-gc.ts'
import { formatTable, verdict } from './format-table.ts'
import { isMain } from './is-main.ts'
import type { TargetCheck } from './target.ts'

/**
 * Whether scopes leave anything behind: 10,000 cycles of create → track → dispose, with the
 * heap sampled after a forced GC every 1,000 cycles. A leak shows as a steady climb.
 */

export interface HeapSample {
  readonly cycles: number
  readonly heapUsed: number
}

export interface HeapResult {
  readonly samples: readonly HeapSample[]
  /** Last sample minus first, bytes. */
  readonly growth: number
  /** Least-squares slope over every sample, bytes per 1,000 cycles. */
  readonly slopePer1000: number
  readonly checks: readonly TargetCheck[]
}

const cycles = 10_000
const warmUpCycles = 1_000
const sampleEvery = 1_000
const targetGrowthMb = 1
const mb = 1024 * 1024

const noop = (): void => {}
// An async disposer arms a real deadline timer (default timeout), which must be cleared too.
const asyncNoop = async (): Promise<void> => {}

/** One test's worth of scope use, with the default deadlines. */
async function runCycle(index: number): Promise<void> {
  const scope = createScope({ name: 'heap cycle' })
  const connection = scope.track({ id: index }, { dispose: noop, label: 'connection' })
  scope.track({ [Symbol.dispose]: noop })
  scope.defer(asyncNoop, { label: 'flush' })
  const child = scope.child('test')
  child.track({ id: index }, { dispose: asyncNoop, dependsOn: [connection] })
  const report = await scope.dispose()
  if (report.totals.ok !== 4)
    throw new Error(`expected 4 entries disposed ok, got ${report.totals.ok}`)
}

function slope(samples: readonly HeapSample[]): number {
  const count = samples.length
  const meanX = samples.reduce((sum, s) => sum + s.cycles, 0) / count
  const meanY = samples.reduce((sum, s) => sum + s.heapUsed, 0) / count
  let numerator = 0
  let denominator = 0
  for (const sample of samples) {
    numerator += (sample.cycles - meanX) * (sample.heapUsed - meanY)
    denominator += (sample.cycles - meanX) ** 2
  }
  return numerator / denominator
}

function activeResources(): number {
  return process.getActiveResourcesInfo().length
}

/** Runs the benchmark, prints the samples and the verdict, and returns them. */
export async function runHeap(): Promise<HeapResult> {
  console.log(
    `\n## heap: ${cycles.toLocaleString('en-US')} cycles of createScope → track ×2, defer, child + track → dispose`,
  )
  console.log(
    `default deadlines; heap sampled after a forced GC every ${sampleEvery.toLocaleString('en-US')} cycles, after ${warmUpCycles.toLocaleString('en-US')} warm-up cycles\n`,
  )
  for (let index = 0; index < warmUpCycles; index++) await runCycle(index)
  const resourcesBefore = activeResources()
  const samples: HeapSample[] = [{ cycles: 0, heapUsed: heapUsedAfterGc() }]
  for (let index = 1; index <= cycles; index++) {
    await runCycle(index)
    if (index % sampleEvery === 0) samples.push({ cycles: index, heapUsed: heapUsedAfterGc() })
  }
  const resourcesAfter = activeResources()

  const first = samples[0] as HeapSample
  const last = samples[samples.length - 1] as HeapSample
  const growth = last.heapUsed - first.heapUsed
  const heaps = samples.map((sample) => sample.heapUsed)
  const spread = Math.max(...heaps) - Math.min(...heaps)
  const slopePer1000 = slope(samples) * 1000
  const pass = growth <= targetGrowthMb * mb

  console.log(
    formatTable(
      [
        { title: 'cycles', align: 'right' },
        { title: 'heap used MB', align: 'right' },
        { title: 'Δ from start KB', align: 'right' },
      ],
      samples.map((sample) => [
        sample.cycles.toLocaleString('en-US'),
        (sample.heapUsed / mb).toFixed(3),
        ((sample.heapUsed - first.heapUsed) / 1024).toFixed(1),
      ]),
    ),
  )
  console.log('')
  console.log(
    formatTable(
      [{ title: 'figure' }, { title: 'measured', align: 'right' }, { title: 'target' }],
      [
        [
          'growth, last − first sample',
          `${(growth / mb).toFixed(3)} MB`,
          `${verdict(pass)} (≤ ${targetGrowthMb} MB)`,
        ],
        ['spread, max − min sample', `${(spread / mb).toFixed(3)} MB`, ''],
        ['least-squares slope', `${(slopePer1000 / 1024).toFixed(1)} KB / 1k cycles`, ''],
        ['active resources after − before', `${resourcesAfter - resourcesBefore}`, ''],
      ],
    ),
  )
  return {
    samples,
    growth,
    slopePer1000,
    checks: [
      {
        name: `heap growth over ${cycles.toLocaleString('en-US')} cycles`,
        measured: `${(growth / mb).toFixed(3)} MB`,
        target: `≤ ${targetGrowthMb} MB`,
        pass,
      },
    ],
  }
}

if (isMain(import.meta.url)) await runHeap()
