import { readStat } from './process-tree.ts'

/**
 * Sends `signal` to process group `pgid` (the command leads it) and to each of `pids` (those
 * that left the group). A process that already ended is skipped.
 */
export function signalTree(pgid: number, pids: Iterable<number>, signal: NodeJS.Signals): void {
  sendSignal(-pgid, signal)
  for (const pid of pids) sendSignal(pid, signal)
}

function sendSignal(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal)
  } catch {
    // ESRCH: it ended already. EPERM: not ours (a reused pid), leave it.
  }
}

/** Whether `pid` is a process that still runs: not ended, not a zombie waiting to be reaped. */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0)
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
  return process.platform !== 'linux' || readStat(pid)?.state !== 'Z'
}
