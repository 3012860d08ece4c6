import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { formatTable } from './format-table.ts'
import { isMain } from './is-main.ts'
import { median } from './median.ts'
import type { TargetCheck } from './target.ts'

/**
 * What the memory checks cost each test: empty tests through cleanroom's generic hooks adapter
 * (the built package; leak detection and the guard off, to see the checks alone) with `memory`
 * off, on (every test: four full collections), and `every: 10`, in a process whose live heap is
 * about 4 MB (a bare Node program) or padded to about 50 MB with small objects, as an
 * application's heap is made of. Each figure runs in a fresh process (test/bench/memory-child.mjs),
 * ms per test, median of `rounds`, the modes interleaved. A full collection's cost grows with the
 * live heap, and so does what a checked test costs.
 */

const run = promisify(execFile)
const child = fileURLToPath(new URL('memory-child.mjs', import.meta.url))
const rounds = 3

interface Heap {
  readonly label: string
  /** Bytes of padding the child allocates before it installs cleanroom. */
  readonly pad: number
}

const heaps: readonly Heap[] = [
  { label: '~4 MB', pad: 0 },
  { label: '~50 MB', pad: 52e6 },
]

interface Mode {
  readonly label: string
  readonly arg: 'off' | 'on' | 'every10'
  /** Tests per run, at a small and at a large heap. */
  readonly tests: readonly [number, number]
}

const modes: readonly Mode[] = [
  { label: 'off', arg: 'off', tests: [2_000, 2_000] },
  { label: 'on (every test)', arg: 'on', tests: [40, 10] },
  { label: 'every: 10', arg: 'every10', tests: [200, 40] },
]

interface ChildResult {
  readonly heap: number
  readonly msPerTest: number
}

async function measure(mode: Mode, heap: Heap, large: boolean): Promise<ChildResult> {
  const { stdout } = await run(process.execPath, [
    child,
    mode.arg,
    String(heap.pad),
    String(mode.tests[large ? 1 : 0]),
  ])
  return JSON.parse(stdout) as ChildResult
}

export interface MemoryRow {
  readonly heap: string
  /** Heap in use after a forced collection at the end of the 'off' runs, bytes. */
  readonly heapUsed: number
  /** ms per test for each mode, in the order of `modes`. */
  readonly ms: readonly number[]
}

export async function runMemory(): Promise<{ rows: MemoryRow[]; checks: TargetCheck[] }> {
  const started = performance.now()
  console.log(
    `\n## memory checks per test: empty tests through cleanroom/hooks (leaks and globals 'off'), memory off vs on vs every: 10, live heap ~4 MB (bare) and ~50 MB (small objects); a process per figure, median of ${rounds} interleaved rounds\n`,
  )
  const rows: MemoryRow[] = []
  for (const [heapIndex, heap] of heaps.entries()) {
    const samples = modes.map((): ChildResult[] => [])
    for (let round = 0; round < rounds; round++) {
      for (const [index, mode] of modes.entries()) {
        samples[index]?.push(await measure(mode, heap, heapIndex > 0))
      }
    }
    rows.push({
      heap: heap.label,
      heapUsed: median((samples[0] ?? []).map((sample) => sample.heap)),
      ms: samples.map((values) => median(values.map((sample) => sample.msPerTest))),
    })
  }
  console.log(
    formatTable(
      [
        { title: 'live heap' },
        { title: 'heap used', align: 'right' },
        ...modes.map((mode) => ({ title: `${mode.label} ms/test`, align: 'right' as const })),
        { title: 'on − off ms', align: 'right' },
      ],
      rows.map((row) => [
        row.heap,
        `${(row.heapUsed / 1e6).toFixed(1)} MB`,
        ...row.ms.map((ms) => (ms < 0.1 ? ms.toFixed(3) : ms.toFixed(1))),
        ((row.ms[1] ?? NaN) - (row.ms[0] ?? NaN)).toFixed(1),
      ]),
    ),
  )
  console.log(`\nmemory checks: ${((performance.now() - started) / 1000).toFixed(1)} s`)
  // No bound: the cost is the collections', documented for users to choose `every` by.
  return { rows, checks: [] }
}

if (isMain(import.meta.url)) await runMemory()
