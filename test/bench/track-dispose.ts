import { createScope } from 'cleanroom'
import { forceGc, heapUsedAfterGc } from './force-gc.ts'
import { formatTable, verdict } from './format-table.ts'
import { isMain } from './is-main.ts'
import { median } from './median.ts'
import { createSeededRandom } from './seeded-random.ts'
import type { TargetCheck } from './target.ts'

/**
 * Per-entry cost of `scope.track()` (creation-site capture included) and of `scope.dispose()`,
 * over random dependency graphs where each entry depends on about two earlier ones.
 */

type Order = 'lifo' | 'dependencies'
type DisposerKind = 'sync' | 'async'

interface Config {
  readonly order: Order
  readonly disposer: DisposerKind
  /** Per-disposer deadline and scope budget, ms. */
  readonly deadline: number
}

interface Sample {
  readonly trackMs: number
  readonly disposeMs: number
}

export interface TrackDisposeRow extends Config {
  readonly entries: number
  /** Median µs per entry of the timed `track()` loop. */
  readonly trackUs: number
  /** Median µs per entry of `await scope.dispose()`. */
  readonly disposeUs: number
  /** Median ms of track plus dispose. */
  readonly totalMs: number
}

export interface TrackDisposeResult {
  readonly rows: readonly TrackDisposeRow[]
  readonly checks: readonly TargetCheck[]
}

/** Entries per scope, with runs per configuration: small sizes are noisier and cheap to repeat. */
const sizes: readonly { readonly entries: number; readonly runs: number }[] = [
  { entries: 1_000, runs: 21 },
  { entries: 10_000, runs: 9 },
  { entries: 100_000, runs: 5 },
]
/** `concurrency` used with `order: 'dependencies'`. */
export const concurrency = 64
const warmUpRuns = 3
const seed = 0x5eed
/** Large and finite: every async disposer gets its real deadline timer, as in real use. */
const finiteDeadline = 1e9

const targets = {
  trackUs: 3,
  disposeUs: { sync: 1, async: 5 },
  ratio: 12,
} as const

const mainConfigs: readonly Config[] = (['lifo', 'dependencies'] as const).flatMap((order) =>
  (['sync', 'async'] as const).map((disposer) => ({ order, disposer, deadline: finiteDeadline })),
)
/** For comparison only: `Infinity` deadlines, where no timer is armed per async disposer. */
const noDeadlineConfigs: readonly Config[] = (['lifo', 'dependencies'] as const).map((order) => ({
  order,
  disposer: 'async',
  deadline: Number.POSITIVE_INFINITY,
}))

interface Workload {
  readonly values: readonly object[]
  readonly dependsOn: readonly (readonly object[])[]
}

/** `entries` fresh objects; each depends on two distinct random earlier ones (fewer at the start). */
function buildWorkload(entries: number): Workload {
  const random = createSeededRandom(seed)
  const values: object[] = []
  const dependsOn: object[][] = []
  for (let index = 0; index < entries; index++) {
    const edges: object[] = []
    if (index === 1) edges.push(values[0] as object)
    if (index >= 2) {
      const first = Math.floor(random() * index)
      let second = Math.floor(random() * (index - 1))
      if (second >= first) second++
      edges.push(values[first] as object, values[second] as object)
    }
    values.push({ id: index })
    dependsOn.push(edges)
  }
  return { values, dependsOn }
}

const syncNoop = (): void => {}
// What users write for a disposer with nothing to wait for: its promise settles at once.
const asyncNoop = async (): Promise<void> => {}

async function measureOnce(entries: number, config: Config, collectFirst = true): Promise<Sample> {
  const { values, dependsOn } = buildWorkload(entries)
  const dispose = config.disposer === 'sync' ? syncNoop : asyncNoop
  if (collectFirst) forceGc()
  const scope = createScope({
    name: `bench ${config.order} ${config.disposer} ${entries}`,
    order: config.order,
    concurrency,
    timeout: config.deadline,
    budget: config.deadline,
  })
  const started = performance.now()
  for (let index = 0; index < entries; index++) {
    scope.track(values[index] as object, { dispose, dependsOn: dependsOn[index] as object[] })
  }
  const tracked = performance.now()
  const report = await scope.dispose()
  const disposed = performance.now()
  if (report.totals.ok !== entries) {
    throw new Error(`expected ${entries} entries disposed ok, got ${report.totals.ok}`)
  }
  return { trackMs: tracked - started, disposeMs: disposed - tracked }
}

/** Frames kept per creation site, as `src/core/creation-site.ts` does. */
const siteFrames = 1

/** What `captureCreationSite` does: one frame, the caller of the marked function. */
function captureSite(marker: (sites: object[]) => void): object {
  const holder = {}
  const limit = Error.stackTraceLimit
  Error.stackTraceLimit = siteFrames
  Error.captureStackTrace(holder, marker)
  Error.stackTraceLimit = limit
  return holder
}

/** Stands where `scope.track` stands, so the captured stack has the same depth. */
function trackSiteOnly(sites: object[]): void {
  sites.push(captureSite(trackSiteOnly))
}

/** µs per bare V8 stack capture, kept alive like a tracked entry's creation site. */
function measureStackCapture(entries: number): number {
  const runs: number[] = []
  for (let run = 0; run < 5; run++) {
    const sites: object[] = []
    forceGc()
    const started = performance.now()
    for (let index = 0; index < entries; index++) trackSiteOnly(sites)
    runs.push(((performance.now() - started) * 1000) / entries)
  }
  return median(runs)
}

/** Heap held per tracked entry (entry, creation site, bookkeeping; not the value), bytes. */
async function measureRetained(entries: number): Promise<number> {
  const { values, dependsOn } = buildWorkload(entries)
  const before = heapUsedAfterGc()
  const scope = createScope({
    name: 'bench retained',
    timeout: finiteDeadline,
    budget: finiteDeadline,
  })
  for (let index = 0; index < entries; index++) {
    scope.track(values[index] as object, {
      dispose: syncNoop,
      dependsOn: dependsOn[index] as object[],
    })
  }
  const after = heapUsedAfterGc()
  await scope.dispose()
  return (after - before) / entries
}

async function measure(
  entries: number,
  runs: number,
  configs: readonly Config[],
): Promise<TrackDisposeRow[]> {
  const samples = configs.map((): Sample[] => [])
  // Interleaved, so drift on the machine spreads over every configuration alike.
  for (let run = 0; run < runs; run++) {
    for (const [index, config] of configs.entries()) {
      samples[index]?.push(await measureOnce(entries, config))
    }
  }
  return configs.map((config, index) => {
    const runs = samples[index] ?? []
    const trackMs = median(runs.map((run) => run.trackMs))
    const disposeMs = median(runs.map((run) => run.disposeMs))
    return {
      ...config,
      entries,
      trackUs: (trackMs * 1000) / entries,
      disposeUs: (disposeMs * 1000) / entries,
      totalMs: median(runs.map((run) => run.trackMs + run.disposeMs)),
    }
  })
}

function deadlineText(deadline: number): string {
  return deadline === Number.POSITIVE_INFINITY ? 'Infinity' : deadline.toExponential(0)
}

function orderText(order: Order): string {
  return order === 'dependencies' ? `dependencies (c=${concurrency})` : order
}

/** Runs the benchmark, prints its tables, and returns every row and target check. */
export async function runTrackDispose(): Promise<TrackDisposeResult> {
  console.log(
    `\n## track / dispose: per-entry cost, ~2 random dependsOn edges per entry (seed ${seed})`,
  )
  console.log(
    `median of ${sizes.map((size) => `${size.runs} runs at ${size.entries / 1000}k`).join(', ')}, after ${warmUpRuns} warm-up runs at 10k;`,
  )
  console.log(
    `a forced GC before each run; timeout = budget = ${deadlineText(finiteDeadline)} ms unless noted\n`,
  )
  for (let run = 0; run < warmUpRuns; run++) {
    for (const config of [...mainConfigs, ...noDeadlineConfigs]) await measureOnce(10_000, config)
  }

  const rows: TrackDisposeRow[] = []
  for (const { entries, runs } of sizes) rows.push(...(await measure(entries, runs, mainConfigs)))
  const noDeadlineRows = await measure(100_000, 5, noDeadlineConfigs)

  const checks: TargetCheck[] = []
  const table = rows.map((row) => {
    const trackPass = row.trackUs <= targets.trackUs
    const disposeTarget = targets.disposeUs[row.disposer]
    const disposePass = row.disposeUs <= disposeTarget
    const atFullSize = row.entries === 100_000
    const name = `${row.order}, ${row.disposer}, ${row.entries.toLocaleString('en-US')} entries`
    checks.push({
      name: `track: ${name}`,
      measured: `${row.trackUs.toFixed(2)} µs/entry`,
      target: `≤ ${targets.trackUs} µs/entry`,
      pass: trackPass,
    })
    if (atFullSize) {
      checks.push({
        name: `dispose: ${name}`,
        measured: `${row.disposeUs.toFixed(2)} µs/entry`,
        target: `≤ ${disposeTarget} µs/entry`,
        pass: disposePass,
      })
    }
    return [
      row.entries.toLocaleString('en-US'),
      orderText(row.order),
      row.disposer,
      row.trackUs.toFixed(2),
      verdict(trackPass),
      row.disposeUs.toFixed(2),
      atFullSize ? `${verdict(disposePass)} (≤ ${disposeTarget})` : '',
      row.totalMs.toFixed(1),
    ]
  })
  console.log(
    formatTable(
      [
        { title: 'entries', align: 'right' },
        { title: 'order' },
        { title: 'disposer' },
        { title: 'track µs/entry', align: 'right' },
        { title: `≤ ${targets.trackUs}` },
        { title: 'dispose µs/entry', align: 'right' },
        { title: 'target at 100k' },
        { title: 'total ms', align: 'right' },
      ],
      table,
    ),
  )

  console.log(`\n100k / 10k total time (track + dispose), target ≤ ${targets.ratio}:\n`)
  const ratioRows = mainConfigs.map((config) => {
    const at = (entries: number): TrackDisposeRow | undefined =>
      rows.find(
        (row) =>
          row.entries === entries && row.order === config.order && row.disposer === config.disposer,
      )
    const small = at(10_000)?.totalMs ?? Number.NaN
    const large = at(100_000)?.totalMs ?? Number.NaN
    const ratio = large / small
    const pass = ratio <= targets.ratio
    checks.push({
      name: `100k/10k time ratio: ${config.order}, ${config.disposer}`,
      measured: ratio.toFixed(2),
      target: `≤ ${targets.ratio}`,
      pass,
    })
    return [
      orderText(config.order),
      config.disposer,
      small.toFixed(1),
      large.toFixed(1),
      ratio.toFixed(2),
      verdict(pass),
    ]
  })
  console.log(
    formatTable(
      [
        { title: 'order' },
        { title: 'disposer' },
        { title: '10k ms', align: 'right' },
        { title: '100k ms', align: 'right' },
        { title: 'ratio', align: 'right' },
        { title: `≤ ${targets.ratio}` },
      ],
      ratioRows,
    ),
  )

  console.log(
    '\nFor comparison (no target): async disposers at 100k with timeout = budget = Infinity, so no deadline timer is armed:\n',
  )
  console.log(
    formatTable(
      [
        { title: 'order' },
        { title: 'dispose µs/entry, Infinity', align: 'right' },
        { title: `dispose µs/entry, ${deadlineText(finiteDeadline)} ms`, align: 'right' },
      ],
      noDeadlineRows.map((row) => [
        orderText(row.order),
        row.disposeUs.toFixed(2),
        (
          rows.find(
            (other) =>
              other.entries === 100_000 && other.order === row.order && other.disposer === 'async',
          )?.disposeUs ?? Number.NaN
        ).toFixed(2),
      ]),
    ),
  )

  console.log(
    `\nFor context (no target): a bare Error.captureStackTrace (limit ${siteFrames}, same call depth as track, kept alive) at 100k: ${measureStackCapture(100_000).toFixed(2)} µs each`,
  )
  console.log(
    '\nFor context (no target): sync disposers at 10k, with and without a forced GC just before each run:\n',
  )
  const gcRows: string[][] = []
  for (const order of ['lifo', 'dependencies'] as const) {
    const config: Config = { order, disposer: 'sync', deadline: finiteDeadline }
    const disposeUs = async (collectFirst: boolean): Promise<number> => {
      const runs: number[] = []
      for (let run = 0; run < 9; run++) {
        runs.push(((await measureOnce(10_000, config, collectFirst)).disposeMs * 1000) / 10_000)
      }
      return median(runs)
    }
    gcRows.push([
      orderText(order),
      (await disposeUs(true)).toFixed(2),
      (await disposeUs(false)).toFixed(2),
    ])
  }
  console.log(
    formatTable(
      [
        { title: 'order' },
        { title: 'dispose µs/entry, GC first', align: 'right' },
        { title: 'no GC first', align: 'right' },
      ],
      gcRows,
    ),
  )
  console.log(
    '\nFor context (no target): heap held per tracked entry while the scope is open, after a forced GC:\n',
  )
  const retained: string[][] = []
  for (const { entries } of sizes) {
    retained.push([entries.toLocaleString('en-US'), (await measureRetained(entries)).toFixed(0)])
  }
  console.log(
    formatTable(
      [
        { title: 'entries', align: 'right' },
        { title: 'bytes/entry', align: 'right' },
      ],
      retained,
    ),
  )
  return { rows: [...rows, ...noDeadlineRows], checks }
}

if (isMain(import.meta.url)) await runTrackDispose()
