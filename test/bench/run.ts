import { availableParallelism, cpus } from 'node:os'
import { runCliSampling } from './cli-sampling.ts'
import { formatTable, verdict } from './format-table.ts'
import { runGlobalState } from './global-state.ts'
import { runHeap } from './heap.ts'
import { runLeakCheck } from './leak-check.ts'
import { runMemory } from './memory.ts'
import { runParallel } from './parallel.ts'
import { runRunnerOverhead } from './runner-overhead.ts'
import type { TargetCheck } from './target.ts'
import { runTrackDispose } from './track-dispose.ts'

/**
 * Runs every core benchmark in one process and prints each figure, then every target with its
 * verdict. Exits non-zero when a target is missed. `npm run bench` builds first.
 */

const started = performance.now()
console.log(
  `# cleanroom benchmarks: Node ${process.version}, ${availableParallelism()} cores (${cpus()[0]?.model ?? 'unknown CPU'}), ${new Date().toISOString().slice(0, 10)}`,
)

const checks: TargetCheck[] = [
  ...(await runTrackDispose()).checks,
  ...(await runHeap()).checks,
  ...(await runParallel()).checks,
  ...(await runLeakCheck()).checks,
  ...(await runGlobalState()).checks,
  ...(await runMemory()).checks,
  ...runRunnerOverhead().checks,
  ...(await runCliSampling()).checks,
]

const failed = checks.filter((check) => !check.pass)
console.log(`\n## targets: ${checks.length - failed.length} of ${checks.length} met\n`)
console.log(
  formatTable(
    [
      { title: 'target' },
      { title: 'measured', align: 'right' },
      { title: 'bound' },
      { title: 'verdict' },
    ],
    checks.map((check) => [check.name, check.measured, check.target, verdict(check.pass)]),
  ),
)
console.log(`\ntotal run time ${((performance.now() - started) / 1000).toFixed(1)} s`)
if (failed.length > 0) process.exitCode = 1
