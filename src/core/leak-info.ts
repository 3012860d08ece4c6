/** What kind of resource leaked, as a leak report names it. */
export type LeakKind =
  | 'timer'
  | 'server'
  | 'socket'
  | 'child-process'
  | 'worker'
  | 'fs-watcher'
  | 'udp-socket'
  | 'message-port'
  | 'other'

/**
 * One resource a test (or a file) left running, as leak detection found it: what `ignore`
 * predicates receive, and what {@link LeakError.leaks} lists.
 */
export interface LeakInfo {
  /** What kind of resource it is. */
  readonly kind: LeakKind
  /**
   * Its type as `process.getActiveResourcesInfo()` names it (`'Timeout'`, `'TCPServerWrap'`,
   * `'ProcessWrap'`, …), or `'Worker'` for a worker thread.
   */
  readonly type: string
  /** What it is, as the code that created it reads: `setInterval(poll, 1000 ms)`. */
  readonly description: string
  /** Where it was created (`file:line:column`), when known. */
  readonly created: string | undefined
  /** The line in the test file that led to its creation, when it was created elsewhere. */
  readonly from: string | undefined
  /** How many alike resources this one stands for (resources cleanroom could not reach). */
  readonly count: number
  /** Whether cleanroom closed it after the verdict (`forceClose`). */
  readonly forceClosed: boolean
}
