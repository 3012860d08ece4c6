import type { DisposeError } from './errors.ts'

/**
 * How one entry's disposal ended: `'ok'`, `'error'` (it threw or rejected) or `'timeout'` (its
 * promise missed the deadline).
 */
export type DisposeOutcome = 'ok' | 'error' | 'timeout'

/**
 * One disposed entry in a {@link DisposeReport}. `created` is computed when first read, so
 * copy an entry with `JSON.stringify` (or by naming the fields), not with object spread.
 */
export interface EntryReport {
  /**
   * The entry's label: the `label` option, else the kind's `describe()` at disposal time, else
   * the kind name.
   */
  readonly label: string
  /** Its kind name; `'defer'` for `defer()` callbacks, `'custom'` for ad-hoc `dispose` options. */
  readonly kind: string
  /**
   * The path of the scope it was tracked in, such as `'file › test'`: a child scope's entries
   * appear in its parent's report.
   */
  readonly scope: string
  /** Where it was tracked, as `file:line:column` in user code, when known. Formatted on first read. */
  readonly created: string | undefined
  /** How its disposal ended. */
  readonly outcome: DisposeOutcome
  /**
   * Milliseconds from the start of its disposer until it settled, or until its deadline. A
   * disposer that returns no promise is never cut short, so this may exceed its timeout.
   */
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
 * duration, and totals. Holds no reference to the disposed values. `dispose()` resolves with
 * it, and a {@link CleanupError} carries it as `report`.
 *
 * @example
 * ```ts
 * import { createScope } from 'cleanroom'
 *
 * const scope = createScope({ name: 'report' })
 * scope.track(new AbortController())
 * const report = await scope.dispose()
 * for (const entry of report.entries) console.log(entry.label, entry.outcome, entry.created)
 * console.log(report.totals) // { entries: 1, ok: 1, error: 0, timeout: 0, duration: … }
 * ```
 */
export interface DisposeReport {
  /** The disposed scope's path: its name, after its ancestors' names for a child scope. */
  readonly scope: string
  /** Every entry, in the order its disposer started. */
  readonly entries: readonly EntryReport[]
  /** Counts and total duration. */
  readonly totals: DisposeTotals
}

/** The report of one scope's disposal: its records, counted. */
export function buildReport(
  scope: string,
  records: readonly EntryReport[],
  duration: number,
): DisposeReport {
  let ok = 0
  let error = 0
  let timeout = 0
  for (const record of records) {
    if (record.outcome === 'ok') ok++
    else if (record.outcome === 'error') error++
    else timeout++
  }
  return {
    scope,
    entries: records,
    totals: { entries: records.length, ok, error, timeout, duration },
  }
}
