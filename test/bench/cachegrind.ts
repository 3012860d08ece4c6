import { spawnSync } from 'node:child_process'

/**
 * Whether Valgrind is missing, said so for the benchmark being skipped: the instruction counts
 * run under its cachegrind tool.
 */
export function valgrindMissing(): boolean {
  if (spawnSync('valgrind', ['--version']).status === 0) return false
  console.log('skipped: valgrind is not installed (Debian: apt-get install -y valgrind)')
  return true
}

/**
 * `count` over every item, two at a time, in order: an instruction count does not depend on
 * what else runs, and two at a time keep a 2-core machine busy.
 */
export async function countInPairs<T, R>(
  items: readonly T[],
  count: (item: T) => Promise<R>,
): Promise<R[]> {
  const counts: R[] = []
  for (let index = 0; index < items.length; index += 2) {
    counts.push(...(await Promise.all(items.slice(index, index + 2).map(count))))
  }
  return counts
}
