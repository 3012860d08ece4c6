/**
 * The JSON that `cleanroom run --json <file>` writes: the schema the reports read. A change
 * that breaks a reader changes `schema`.
 */

/** One memory sample of the command's process tree. */
export interface RunSample {
  /** Milliseconds since the command started. */
  readonly t: number
  /** The sum of the resident set sizes (RSS) of the tree's processes, in bytes. */
  readonly rss: number
  /** How many processes were counted. */
  readonly processes: number
}

/** The least-squares line fitted through the samples after the warm-up. */
export interface RunGrowth {
  /** The slope, in bytes per second. */
  readonly bytesPerSecond: number
  /** The line's rise from its first fitted sample to the last: slope × their time apart. */
  readonly fittedBytes: number
  /** Samples before this time (ms since the start) were left out as warm-up. */
  readonly fromMs: number
  /** The time of the last sample fitted (ms since the start). */
  readonly toMs: number
  /** How many samples the line was fitted through. */
  readonly samples: number
}

/** How the command ended. */
export interface RunExit {
  /** The command's exit code; `null` if a signal ended it. */
  readonly code: number | null
  /** The signal that ended the command, e.g. `'SIGTERM'`; `null` if it exited. */
  readonly signal: string | null
  /** The signal `cleanroom run` forwarded to the tree (Ctrl-C, SIGTERM, SIGHUP), if any. */
  readonly forwarded: string | null
  /** Whether the tree was killed with `SIGKILL` after the grace period. */
  readonly killed: boolean
  /** The exit code of `cleanroom run` itself. */
  readonly exitCode: number
}

/** `cleanroom run`'s record of one run, written by `--json`. */
export interface RunReport {
  readonly schema: 'cleanroom-run/1'
  /** The command and its arguments, as given after `--`. */
  readonly command: readonly string[]
  /** When the command started, ISO 8601. */
  readonly startedAt: string
  /** Milliseconds from the command's start to its exit. */
  readonly durationMs: number
  /** The sampling interval asked for, in milliseconds. */
  readonly intervalMs: number
  /** How the tree was read: `'proc'` (Linux) or `'ps'`. */
  readonly sampler: 'proc' | 'ps'
  readonly memory: {
    /** The first sample's RSS, bytes (taken as the command starts: mostly the runtime loading). */
    readonly startBytes: number
    /** The last sample's RSS, bytes. */
    readonly endBytes: number
    /** The highest RSS sampled, bytes, and when (ms since the start). */
    readonly peakBytes: number
    readonly peakAtMs: number
    /** The most processes counted in one sample. */
    readonly peakProcesses: number
    /** `null` when too few samples followed the warm-up to fit a line (a short run). */
    readonly growth: RunGrowth | null
    /** `--max-growth`, bytes; `null` without a limit. */
    readonly maxGrowthBytes: number | null
    /** Whether `growth.fittedBytes` passed `maxGrowthBytes`. */
    readonly exceeded: boolean
  }
  readonly exit: RunExit
  /** Pids of processes the command left running after it exited, which were then killed. */
  readonly leftovers: readonly number[]
  readonly samples: readonly RunSample[]
}
