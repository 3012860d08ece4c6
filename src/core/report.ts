import type { DisposeError } from './errors.ts'

/** How one entry's disposal ended. */
export type DisposeOutcome = 'ok' | 'error' | 'timeout'

/** One disposed entry in a {@link DisposeReport}. */
export interface EntryReport {
  /** The entry's label. */
  readonly label: string
  /** Its kind name; `'defer'` for `defer()` callbacks, `'custom'` for ad-hoc `dispose` options. */
  readonly kind: string
  /** The name of the scope it was tracked in (child scopes' entries appear in their parent's report). */
  readonly scope: string
  /** Where it was tracked, as `file:line:column` in user code, when known. Formatted on first read. */
  readonly created: string | undefined
  /** How its disposal ended. */
  readonly outcome: DisposeOutcome
  /** Milliseconds from the start of its disposer until it settled, or until its deadline. */
  readonly duration: number
  /** The failure, when `outcome` is not `'ok'`. */
  readonly error?: DisposeError
}

/** Counts over a {@link DisposeReport}. */
export interface DisposeTotals {
  /** Entries disposed, child scopes' entries included. */
  readonly entries: number
  /** Entries whose disposer settled without error. */
  readonly ok: number
  /** Entries whose disposer threw or rejected. */
  readonly error: number
  /** Entries whose disposer missed its deadline. */
  readonly timeout: number
  /** Milliseconds the whole dispose took. */
  readonly duration: number
}

/**
 * What `dispose()` did: every entry in the order its disposer started, with its outcome and
 * duration, and totals. Holds no reference to the disposed values.
 */
export interface DisposeReport {
  /** The disposed scope's name. */
  readonly scope: string
  /** Every entry, in the order its disposer started. */
  readonly entries: readonly EntryReport[]
  /** Counts and total duration. */
  readonly totals: DisposeTotals
}
