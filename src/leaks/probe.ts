/**
 * What keeps the event loop alive, by resource type, as `process.getActiveResourcesInfo()`
 * lists it (`Timeout`, `TCPServerWrap`, `TCPSocketWrap`, `ProcessWrap`, `FSEventWrap`, …):
 * only ref'd resources, and never worker threads. ~0.2 µs with nothing open.
 */
export type Counts = ReadonlyMap<string, number>

/**
 * Not counted: pending requests and transient work, which finish by themselves, and timers,
 * which the runner itself starts and clears around every hook (Mocha's hook timeouts, say):
 * a leaked timer is found by its object instead (`creations.ts`).
 */
const uncounted = new Set(['Immediate', 'FSReqCallback', 'FSReqPromise', 'TTYWrap', 'Timeout'])

/** Counts resources by type, from a list `process.getActiveResourcesInfo()` gave. */
export function countTypes(types: readonly string[]): Counts {
  const counts = new Map<string, number>()
  for (const type of types) {
    if (!uncounted.has(type)) counts.set(type, (counts.get(type) ?? 0) + 1)
  }
  return counts
}

/** The types of which there are more now than in `before`, and how many more; none: undefined. */
export function grown(before: Counts, now: Counts): Map<string, number> | undefined {
  let more: Map<string, number> | undefined
  for (const [type, count] of now) {
    const extra = count - (before.get(type) ?? 0)
    if (extra > 0) (more ??= new Map()).set(type, extra)
  }
  return more
}

/** `counts` plus `added`: a baseline that takes in what was allowed or charged already. */
export function plus(counts: Counts, added: ReadonlyMap<string, number>): Counts {
  const sum = new Map(counts)
  for (const [type, count] of added) sum.set(type, (sum.get(type) ?? 0) + count)
  return sum
}

/**
 * The objects behind the active handles (servers, sockets, child processes, watchers, UDP
 * sockets, message ports; never timers), from `process._getActiveHandles()`: the one API that
 * gives them without async hooks. It is documented as deprecated, and is on Node 20 to 24.
 */
export function activeHandles(): readonly object[] {
  const list = (process as { _getActiveHandles?: () => object[] })._getActiveHandles
  return typeof list === 'function' ? list.call(process) : []
}
