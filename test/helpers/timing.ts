import { setTimeout as sleepTimer } from 'node:timers/promises'

/** Resolves after `ms` of real time. */
export function sleep(ms: number): Promise<void> {
  return sleepTimer(ms).then(() => undefined)
}

/** A promise that never settles: a disposer meant to hang. */
export function never(): Promise<never> {
  return new Promise<never>(() => undefined)
}

/** Milliseconds since an arbitrary origin, for measuring overlap and durations. */
export function now(): number {
  return performance.now()
}
