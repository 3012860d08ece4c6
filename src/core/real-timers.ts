import * as timers from 'node:timers'
import { processSingleton } from './process-singleton.ts'

/** The timer functions cleanroom's own deadlines run on. */
export interface RealTimers {
  readonly setTimeout: typeof timers.setTimeout
  readonly clearTimeout: typeof timers.clearTimeout
  readonly setImmediate: typeof timers.setImmediate
  /** `performance.now()`, which fake timers replace too. */
  readonly now: () => number
}

/**
 * The timers captured from `node:timers` when cleanroom was first loaded in this process.
 * Fake timers a test installs later replace the globals, not these, so a test that leaves
 * fake timers behind cannot stop a teardown deadline. Kept on `globalThis` so every copy of
 * the library (ESM, CommonJS, one per Jest module registry) shares the first capture.
 */
export const realTimers: RealTimers = processSingleton('realTimers', () => ({
  setTimeout: timers.setTimeout,
  clearTimeout: timers.clearTimeout,
  setImmediate: timers.setImmediate,
  now: performance.now.bind(performance),
}))

/**
 * Resolves after `ms` milliseconds of real time, whatever fake timers are installed. The
 * timer is unref'd: waiting on it never keeps the process alive by itself.
 */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => {
    realTimers.setTimeout(resolve, ms).unref()
  })
}
