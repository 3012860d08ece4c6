import { expect } from 'vitest'

/** How many of each type `process.getActiveResourcesInfo()` lists now. */
export function activeResources(): Map<string, number> {
  const counts = new Map<string, number>()
  for (const type of process.getActiveResourcesInfo()) counts.set(type, (counts.get(type) ?? 0) + 1)
  return counts
}

/** The types listed more often now than in `baseline`: fewer is fine, others' handles end too. */
function increases(baseline: Map<string, number>): string[] {
  return [...activeResources()]
    .filter(([type, count]) => count > (baseline.get(type) ?? 0))
    .map(([type, count]) => `${type}: ${baseline.get(type) ?? 0} → ${count}`)
}

/** Two `setImmediate` turns: closed handles leave the active list by then (DESIGN §5). */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(() => setImmediate(resolve)))
}

/**
 * Asserts that no type of active resource is listed more often than in `baseline`. Destroyed
 * sockets and killed children can stay listed a fraction of a millisecond past the settle, so
 * this retries briefly; a resource that was not released stays listed and still fails it.
 */
export async function expectResourcesBackTo(baseline: Map<string, number>): Promise<void> {
  let increased: string[] = []
  for (let attempt = 0; attempt < 10; attempt++) {
    await settle()
    increased = increases(baseline)
    if (increased.length === 0) return
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
  expect(increased).toEqual([])
}
