import { createScope } from 'cleanroom'
import { formatTable, verdict } from './format-table.ts'
import { isMain } from './is-main.ts'
import { median } from './median.ts'
import type { TargetCheck } from './target.ts'

/**
 * What `order: 'dependencies'` buys: 100 independent disposers that each wait 20 ms on a real
 * timer, disposed one at a time (`lifo`) and 16 at a time (`dependencies`).
 */

type Order = 'lifo' | 'dependencies'

export interface ParallelRow {
  readonly order: Order
  /** Median wall time of `await scope.dispose()`, ms. */
  readonly wallMs: number
  /** Most disposers seen running at once. */
  readonly maxInFlight: number
}

export interface ParallelResult {
  readonly rows: readonly ParallelRow[]
  /** dependencies wall time / lifo wall time. */
  readonly ratio: number
  readonly checks: readonly TargetCheck[]
}

const disposers = 100
const sleepMs = 20
const concurrency = 16
const runs = 3
const targetRatio = 1 / 5

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

async function measureOnce(order: Order): Promise<{ wallMs: number; maxInFlight: number }> {
  let inFlight = 0
  let maxInFlight = 0
  const dispose = async (): Promise<void> => {
    maxInFlight = Math.max(maxInFlight, ++inFlight)
    await sleep(sleepMs)
    inFlight--
  }
  // Default deadlines (5 s each, 10 s budget): far above what either order needs.
  const scope = createScope(
    order === 'dependencies'
      ? { name: 'parallel', order, concurrency }
      : { name: 'parallel', order },
  )
  for (let index = 0; index < disposers; index++) scope.track({ id: index }, { dispose })
  const started = performance.now()
  const report = await scope.dispose()
  const wallMs = performance.now() - started
  if (report.totals.ok !== disposers) {
    throw new Error(`expected ${disposers} entries disposed ok, got ${report.totals.ok}`)
  }
  return { wallMs, maxInFlight }
}

/** Runs the benchmark, prints both wall times and their ratio, and returns them. */
export async function runParallel(): Promise<ParallelResult> {
  console.log(
    `\n## parallel: ${disposers} independent async disposers of ${sleepMs} ms (real setTimeout), median of ${runs} runs\n`,
  )
  const orders: readonly Order[] = ['lifo', 'dependencies']
  const samples = new Map<Order, { wallMs: number; maxInFlight: number }[]>(
    orders.map((order) => [order, []]),
  )
  await measureOnce('dependencies')
  for (let run = 0; run < runs; run++) {
    for (const order of orders) samples.get(order)?.push(await measureOnce(order))
  }
  const rows = orders.map((order): ParallelRow => {
    const runsOf = samples.get(order) ?? []
    return {
      order,
      wallMs: median(runsOf.map((sample) => sample.wallMs)),
      maxInFlight: Math.max(...runsOf.map((sample) => sample.maxInFlight)),
    }
  })
  const [lifo, dependencies] = rows as [ParallelRow, ParallelRow]
  const ratio = dependencies.wallMs / lifo.wallMs
  const pass = ratio <= targetRatio
  const floorMs = (order: Order): number =>
    Math.ceil(disposers / (order === 'lifo' ? 1 : concurrency)) * sleepMs
  console.log(
    formatTable(
      [
        { title: 'order' },
        { title: 'wall ms', align: 'right' },
        { title: 'floor ms', align: 'right' },
        { title: 'max in flight', align: 'right' },
      ],
      rows.map((row) => [
        row.order === 'dependencies' ? `dependencies (c=${concurrency})` : row.order,
        row.wallMs.toFixed(1),
        String(floorMs(row.order)),
        String(row.maxInFlight),
      ]),
    ),
  )
  console.log(
    `\ndependencies / lifo = ${ratio.toFixed(3)} (1/${(1 / ratio).toFixed(1)}); target ≤ ${targetRatio} (1/5): ${verdict(pass)}`,
  )
  return {
    rows,
    ratio,
    checks: [
      {
        name: `parallel: dependencies (c=${concurrency}) / lifo wall time`,
        measured: `${ratio.toFixed(3)} (${dependencies.wallMs.toFixed(0)} / ${lifo.wallMs.toFixed(0)} ms)`,
        target: `≤ ${targetRatio}`,
        pass,
      },
    ],
  }
}

if (isMain(import.meta.url)) await runParallel()
