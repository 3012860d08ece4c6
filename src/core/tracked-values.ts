import { processSingleton } from './process-singleton.ts'
import type { Entry } from './entry.ts'

/**
 * The entry that tracks each value, so that `dependsOn` can find it and a value is tracked only
 * once. Entries are not removed when disposed (a WeakMap delete costs more than the rest of a
 * synchronous disposal): a disposed entry is a small tombstone, its value, scope and stack
 * dropped, kept only while the user keeps the value.
 */
// One map for every copy of cleanroom in the process (ESM and CommonJS builds): leak detection
// asks it whether a resource is tracked, whichever copy tracked it.
const trackedValues = processSingleton('trackedValues', () => new WeakMap<object, Entry>())

export function isTrackable(value: unknown): value is object {
  return (typeof value === 'object' && value !== null) || typeof value === 'function'
}

/**
 * Finds the parts of a tracked value that things are created on behalf of (a knex instance's
 * pool): what a library creates for a part is covered by the value's tracking. Cheap, and
 * returns nothing for values it does not know.
 */
export type PartsFinder = (value: object) => readonly object[]

interface Parts {
  readonly finders: PartsFinder[]
  /** The entry tracking the value each part belongs to. */
  readonly owners: WeakMap<object, Entry>
}

const parts: Parts = processSingleton('trackedParts', (): Parts => ({
  finders: [],
  owners: new WeakMap(),
}))

/** Registers how to find the parts of tracked values (an integration does, on import). */
export function registerParts(finder: PartsFinder): void {
  parts.finders.push(finder)
}

export function rememberValue(value: object, entry: Entry): void {
  trackedValues.set(value, entry)
  for (const finder of parts.finders) {
    let found: readonly object[]
    try {
      found = finder(value)
    } catch {
      continue
    }
    for (const part of found) {
      // A part shared by several tracked values (clones sharing a pool) stays with a live one.
      if (parts.owners.get(part)?.state !== 'live') parts.owners.set(part, entry)
    }
  }
}

/** The live entry tracking the value `part` belongs to (see {@link registerParts}), if any. */
export function findOwnerOfPart(part: object): Entry | undefined {
  const entry = parts.owners.get(part)
  return entry?.state === 'live' ? entry : undefined
}

/** The live entry tracking `value`, if any. */
export function findValue(value: unknown): Entry | undefined {
  if (!isTrackable(value)) return undefined
  const entry = trackedValues.get(value)
  return entry?.state === 'live' ? entry : undefined
}
