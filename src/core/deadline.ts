import pTimeout from 'p-timeout'
import { realTimers } from './real-timers.ts'

/** What `withDeadline` rejects with when the deadline passes first: one shared instance. */
export const deadlinePassed: Error = new Error('deadline passed')

const customTimers = {
  setTimeout: realTimers.setTimeout,
  clearTimeout: realTimers.clearTimeout,
}

/**
 * Settles with `promise`, or rejects with {@link deadlinePassed} after `ms` of real time.
 * Runs on the timers captured at import, never on fake ones.
 */
export function withDeadline<Value>(promise: PromiseLike<Value>, ms: number): Promise<Value> {
  return pTimeout(Promise.resolve(promise), {
    milliseconds: ms,
    customTimers,
    fallback: () => {
      throw deadlinePassed
    },
  })
}
