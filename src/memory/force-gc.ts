import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { processSingleton } from '../core/process-singleton.ts'

type Collect = () => void

/**
 * The `gc()` function, obtained once per process: `globalThis.gc` when Node runs with
 * `--expose-gc`; otherwise the flag is set at run time, after which a new `vm` context sees a
 * `gc` global. That function collects the whole isolate, every context in it included (a Jest
 * test file's too), so one serves every copy of cleanroom in the process.
 */
const holder: { collect: Collect | undefined } = processSingleton('gc', () => ({
  collect: undefined,
}))

function obtainGc(): Collect {
  const exposed = (globalThis as { gc?: unknown }).gc
  if (typeof exposed === 'function') return exposed as Collect
  setFlagsFromString('--expose-gc')
  return runInNewContext('gc') as Collect
}

/**
 * Runs two full, blocking collections: what the first frees may hold the last reference to
 * more (weak callbacks, finalization), which the second frees. Costs about 3 ms at 4 MB of
 * heap and 50 ms at 50 MB (see docs/memory.md for the measured figures).
 */
export function forceGc(): void {
  holder.collect ??= obtainGc()
  holder.collect()
  holder.collect()
}

/** Bytes of JavaScript heap in use after a forced full collection. */
export function heapUsedAfterGc(): number {
  forceGc()
  return process.memoryUsage().heapUsed
}
