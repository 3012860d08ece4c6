import type { Entry } from './entry.ts'

/** Where a value is tracked: its entry and the scope that holds it. */
export interface TrackedAt<ScopeRef> {
  readonly entry: Entry
  readonly scope: ScopeRef
}

/**
 * Which entry tracks each live value, so that `dependsOn` can find it and a value is tracked
 * only once. A value is forgotten as soon as its disposer starts, so nothing here keeps a
 * disposed value's scope alive.
 */
const trackedValues = new WeakMap<object, TrackedAt<unknown>>()

export function isTrackable(value: unknown): value is object {
  return (typeof value === 'object' && value !== null) || typeof value === 'function'
}

export function rememberValue<ScopeRef>(value: object, at: TrackedAt<ScopeRef>): void {
  trackedValues.set(value, at)
}

export function findValue<ScopeRef>(value: unknown): TrackedAt<ScopeRef> | undefined {
  return isTrackable(value)
    ? (trackedValues.get(value) as TrackedAt<ScopeRef> | undefined)
    : undefined
}

export function forgetValue(value: unknown, entry: Entry): void {
  if (isTrackable(value) && trackedValues.get(value)?.entry === entry) trackedValues.delete(value)
}
