import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'

type Collect = () => void

/**
 * `gc()` without `--expose-gc`: setting the flag at run time makes a new context see `gc`, and
 * that function collects the whole isolate, this context included.
 */
function obtainGc(): Collect {
  const exposed = (globalThis as { gc?: Collect }).gc
  if (exposed !== undefined) return exposed
  setFlagsFromString('--expose-gc')
  return runInNewContext('gc') as Collect
}

const collect = obtainGc()

/** Runs two full collections, so objects freed by finalization of the first are gone too. */
export function forceGc(): void {
  collect()
  collect()
}

/** Bytes of heap in use after a forced full collection. */
export function heapUsedAfterGc(): number {
  forceGc()
  return process.memoryUsage().heapUsed
}
