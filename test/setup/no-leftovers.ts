import { afterAll, beforeAll } from 'vitest'

/**
 * The suite checks its own cleanup: after each test file, the process holds no more active
 * handles of any type than it did before the file's tests ran.
 */
let baseline: Map<string, number>

function countResources(): Map<string, number> {
  const counts = new Map<string, number>()
  for (const type of process.getActiveResourcesInfo()) counts.set(type, (counts.get(type) ?? 0) + 1)
  return counts
}

function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(() => setImmediate(resolve)))
}

beforeAll(async () => {
  await settle()
  baseline = countResources()
})

afterAll(async () => {
  let extra: string[] = []
  for (let attempt = 0; attempt < 20; attempt++) {
    await settle()
    extra = []
    for (const [type, count] of countResources()) {
      const before = baseline.get(type) ?? 0
      if (count > before) extra.push(`${count - before} × ${type}`)
    }
    if (extra.length === 0) return
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
  throw new Error(`This test file left active resources behind: ${extra.join(', ')}`)
})
