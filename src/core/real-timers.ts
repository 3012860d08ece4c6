import * as timers from 'node:timers'
import { processSingleton } from './process-singleton.ts'

/** The timer functions cleanroom's deadlines and timer disposal run on. */
export interface RealTimers {
  readonly setTimeout: typeof timers.setTimeout
  readonly clearTimeout: typeof timers.clearTimeout
  readonly setImmediate: typeof timers.setImmediate
  readonly clearImmediate: typeof timers.clearImmediate
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
  clearImmediate: timers.clearImmediate,
  now: performance.now.bind(performance),
}))
