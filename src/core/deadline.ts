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
  // p-timeout builds a TimeoutError, stack included, on every call, for the case where no
  // fallback is given. Ours always is, so that stack is never seen: not capturing it makes
  // a deadline cost about a third as much.
  const limit = Error.stackTraceLimit
  Error.stackTraceLimit = 0
  try {
    return pTimeout(
      promise instanceof Promise ? (promise as Promise<Value>) : Promise.resolve(promise),
      {
        milliseconds: ms,
        customTimers,
        fallback: () => {
          throw deadlinePassed
        },
      },
    )
  } finally {
    Error.stackTraceLimit = limit
  }
}
