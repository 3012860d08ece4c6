import { ChildProcess } from 'node:child_process'
import { basename, isAbsolute } from 'node:path'
import { defineKind, type Kind } from '../kind.ts'
import { realTimers } from '../real-timers.ts'

/** How long a child process has to exit after `SIGTERM` before it gets `SIGKILL`, in ms. */
export const childProcessGraceMs = 2_000

function hasExited(child: ChildProcess): boolean {
  // Node sets one of the two just before it emits 'exit'.
  return child.exitCode !== null || child.signalCode !== null
}

/** Resolves `true` when `exited` settles within `ms`, `false` when the time runs out first. */
function exitsWithin(exited: Promise<void>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    // Real and unref'd: fake timers cannot stall the grace, and it holds no process open.
    const timer = realTimers.setTimeout(resolve, ms, false)
    timer.unref()
    void exited.then(() => {
      realTimers.clearTimeout(timer)
      resolve(true)
    })
  })
}

/** Destroys the child's pipes and IPC channel, which can outlive the child's exit. */
function releaseStdio(child: ChildProcess): void {
  for (const stream of child.stdio) stream?.destroy()
  if (child.connected) child.disconnect()
}

async function stopChildProcess(child: ChildProcess): Promise<void> {
  // No pid: it failed to spawn, and there is nothing to signal.
  if (child.pid !== undefined && !hasExited(child)) {
    const exited = new Promise<void>((resolve) => {
      child.once('exit', () => {
        resolve()
      })
    })
    child.kill('SIGTERM')
    if (!(await exitsWithin(exited, childProcessGraceMs))) {
      child.kill('SIGKILL')
      await exited
    }
  }
  releaseStdio(child)
}

/** Whether `args` continues at `from` with the parent's own `execArgv`, as `fork()` makes it. */
function inheritsExecArgv(args: readonly string[], from: number): boolean {
  const { execArgv } = process
  return execArgv.length > 0 && execArgv.every((arg, index) => args[from + index] === arg)
}

/** `node /abs/path/worker.js --flag` → `node worker.js --flag`, one line, at most 60 chars. */
function shortenCommand(spawnargs: readonly string[]): string {
  // fork() copies the parent's execArgv (a test runner's loader flags): they would fill the
  // label and say nothing about which child this is.
  const args =
    spawnargs[0] === process.execPath && inheritsExecArgv(spawnargs, 1)
      ? [spawnargs[0], ...spawnargs.slice(1 + process.execArgv.length)]
      : spawnargs
  const text = args
    .map((arg, index) => (index === 0 || isPath(arg) ? basename(arg) : arg))
    .join(' ')
    .replace(/\s+/g, ' ')
    .trim()
  return text.length > 60 ? `${text.slice(0, 59)}…` : text
}

function isPath(arg: string): boolean {
  return isAbsolute(arg) && !/\s/.test(arg)
}

/**
 * `ChildProcess`: sent `SIGTERM`, then `SIGKILL` if it has not exited after
 * {@link childProcessGraceMs}; disposal waits for `'exit'`, then destroys the child's stdio
 * pipes. A child that already exited only has its stdio released. The kind sets no `timeout`
 * of its own: under a deadline shorter than the grace, a child that ignores `SIGTERM` is
 * reported as timed out, and still gets `SIGKILL` when the grace ends.
 */
export const childProcessKind: Kind<ChildProcess> = defineKind({
  name: 'child-process',
  match: (value): value is ChildProcess => value instanceof ChildProcess,
  dispose: stopChildProcess,
  describe: (child) =>
    `child process ${child.pid ?? '(not spawned)'} (${shortenCommand(child.spawnargs)})`,
})
