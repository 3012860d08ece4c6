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

export function rememberValue(value: object, entry: Entry): void {
  trackedValues.set(value, entry)
}

/** The live entry tracking `value`, if any. */
export function findValue(value: unknown): Entry | undefined {
  if (!isTrackable(value)) return undefined
  const entry = trackedValues.get(value)
  return entry?.state === 'live' ? entry : undefined
}
