import { closeSync, openSync, readdirSync, readSync } from 'node:fs'
import { createPsSampler } from './ps-tree.ts'

/** The memory of a process tree at one moment. */
export interface TreeSample {
  /** The sum of the resident set sizes of the processes, in bytes. */
  readonly rssBytes: number
  /**
   * The processes counted, zombies (ended, not yet reaped) left out: the root, its descendants,
   * and those that left the tree.
   */
  readonly pids: readonly number[]
}

/** Reads the memory of a process and every process descended from it. */
export interface TreeSampler {
  /** `'proc'`: Linux's `/proc`; `'ps'`: one `ps` per sample (other platforms). */
  readonly method: 'proc' | 'ps'
  /** Walks the tree now. */
  sample(): TreeSample
}

/**
 * A sampler for the tree under `rootPid`: `/proc` on Linux, `ps -A -o pid=,ppid=,rss=,stat=`
 * elsewhere. A process once seen in the tree stays counted while it lives, even after its parent
 * exits and it is re-parented away (to init, or a subreaper).
 */
export function createTreeSampler(rootPid: number): TreeSampler {
  return process.platform === 'linux' ? createProcSampler(rootPid) : createPsSampler(rootPid)
}

const buffer = Buffer.allocUnsafe(4096)

/** The start of a small `/proc` file, or `undefined` if it cannot be read (the process ended). */
function readProcFile(path: string): string | undefined {
  let fd: number
  try {
    fd = openSync(path, 'r')
  } catch {
    return undefined
  }
  try {
    return buffer.toString('latin1', 0, readSync(fd, buffer, 0, buffer.length, 0))
  } catch {
    return undefined
  } finally {
    closeSync(fd)
  }
}

/** The fields of `/proc/<pid>/stat` that sampling needs. */
interface Stat {
  readonly state: string
  readonly ppid: number
  readonly pgrp: number
  /** Clock ticks after boot: with the pid, identifies the process (pids are reused). */
  readonly startTime: string
  readonly rssPages: number
}

/** Reads `/proc/<pid>/stat` (`man 5 proc`); `undefined` once the process is gone. */
export function readStat(pid: number | string): Stat | undefined {
  const text = readProcFile(`/proc/${pid}/stat`)
  if (text === undefined) return undefined
  // The command name, in parentheses, may hold spaces and parentheses: fields start after the last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ')
  return {
    state: fields[0] ?? '?',
    ppid: Number(fields[1]),
    pgrp: Number(fields[2]),
    startTime: fields[19] ?? '',
    rssPages: Number(fields[21]),
  }
}

/** The pids of the children of `pid`, from each of its threads' `children` file. */
function readChildren(pid: number, into: number[]): void {
  let tasks: string[]
  try {
    tasks = readdirSync(`/proc/${pid}/task`)
  } catch {
    return
  }
  for (const task of tasks) {
    const text = readProcFile(`/proc/${pid}/task/${task}/children`)
    if (text === undefined) continue
    for (const child of text.split(' '))
      if (child !== '' && child !== '\n') into.push(Number(child))
  }
}

/** The kernel's page size, read once from `/proc/self/smaps`; 4096 if it says nothing. */
function readPageSize(): number {
  const kib = /KernelPageSize:\s+(\d+) kB/.exec(readProcFile('/proc/self/smaps') ?? '')?.[1]
  return kib === undefined ? 4096 : Number(kib) * 1024
}

function createProcSampler(rootPid: number): TreeSampler {
  const pageSize = readPageSize()
  /** Every process seen in the tree and still alive, by pid: its start time. */
  const known = new Map<number, string>()

  /** Adds the tree under `from` to `running` (zombies left out); returns its RSS in bytes. */
  function walk(from: number, seen: Set<number>, running: number[], stat?: Stat): number {
    let rss = 0
    const stack = [from]
    let pending = stat
    for (let pid = stack.pop(); pid !== undefined; pid = stack.pop()) {
      if (seen.has(pid)) continue
      const current = pending ?? readStat(pid)
      pending = undefined
      if (current === undefined) continue
      seen.add(pid)
      known.set(pid, current.startTime)
      // A zombie has ended: no memory left, and its children are already re-parented.
      if (current.state === 'Z') continue
      running.push(pid)
      rss += current.rssPages * pageSize
      readChildren(pid, stack)
    }
    return rss
  }

  return {
    method: 'proc',
    sample() {
      const seen = new Set<number>()
      const running: number[] = []
      let rss = walk(rootPid, seen, running)
      // Processes seen before and not reached now: ended, or re-parented out of the tree.
      for (const [pid, startTime] of known) {
        if (seen.has(pid)) continue
        const stat = readStat(pid)
        if (stat === undefined || stat.startTime !== startTime) known.delete(pid)
        else rss += walk(pid, seen, running, stat)
      }
      return { rssBytes: rss, pids: running }
    },
  }
}

/**
 * Every process in process group `pgid`, found by reading each `/proc/<pid>/stat` (Linux; an
 * empty list elsewhere). Costly with many processes on the machine: used once, at the end of a
 * run, to find what the command left behind.
 */
export function listProcessGroup(pgid: number): number[] {
  if (process.platform !== 'linux') return []
  const members: number[] = []
  for (const name of readdirSync('/proc')) {
    const first = name.charCodeAt(0)
    if (first < 48 || first > 57) continue
    const stat = readStat(name)
    if (stat !== undefined && stat.pgrp === pgid && stat.state !== 'Z') members.push(Number(name))
  }
  return members
}
