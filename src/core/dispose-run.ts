import { realTimers } from './real-timers.ts'
import { formatCreationSite, type CreationSite } from './creation-site.ts'
import { deadlinePassed, withDeadline } from './deadline.ts'
import type { ChildOutcome, Entry } from './entry.ts'
import {
  DisposeError,
  DisposeTimeoutError,
  type DeadlineLimit,
  type ResourceRef,
} from './errors.ts'
import { ReadyHeap } from './max-heap.ts'
import type { DisposeOutcome, EntryReport } from './report.ts'

/**
 * Once a scope's budget is spent, each remaining disposer still starts, with at most this
 * long to settle.
 */
export const lastChanceMs = 100

const now = realTimers.now

/** How one scope's entries are to be disposed. */
export interface RunPlan {
  readonly scopePath: string
  readonly order: 'lifo' | 'dependencies'
  readonly concurrency: number
  /** The scope's default per-disposer deadline. */
  readonly timeout: number
  /** `realTimers.now()` value after which the budget is spent. */
  readonly deadlineAt: number
  /** Whether some edge points from an older entry to a newer one (then LIFO needs the heap). */
  readonly hasBackEdges: boolean
}

/** A line of the report; `created` is formatted from the captured stack on first read. */
class EntryRecord implements ResourceRef {
  readonly #site: CreationSite | undefined
  #created: string | undefined | null = null

  constructor(
    readonly label: string,
    readonly kind: string,
    readonly scope: string,
    site: CreationSite | undefined,
    public outcome: DisposeOutcome = 'ok',
    public duration = 0,
    public error?: DisposeError,
  ) {
    this.#site = site
  }

  get created(): string | undefined {
    if (this.#created === null) this.#created = formatCreationSite(this.#site)
    return this.#created
  }

  toJSON(): EntryReport {
    const { label, kind, scope, created, outcome, duration, error } = this
    return error === undefined
      ? { label, kind, scope, created, outcome, duration }
      : { label, kind, scope, created, outcome, duration, error }
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  )
}

/**
 * Disposes `entries` (one scope's, in creation order): dependents before their dependencies,
 * newest first where edges allow, up to `concurrency` at a time under `order: 'dependencies'`.
 * Every disposer runs whatever the others do; each failure becomes a {@link DisposeError}.
 */
export function runDisposal(entries: readonly Entry[], plan: RunPlan): Promise<ChildOutcome> {
  return new DisposalRun(plan).run(entries)
}

/** Entries whose dependents are all disposed: a heap (exact LIFO) or a plain stack. */
type ReadyQueue = Pick<Entry[], 'push' | 'pop' | 'length'>

class DisposalRun {
  // A child scope's entries fill one slot, where the child stood, whenever it finishes.
  readonly #records: (EntryReport | readonly EntryReport[])[] = []
  readonly #errors: (DisposeError | readonly DisposeError[])[] = []
  readonly #plan: RunPlan
  #hasSlots = false

  constructor(plan: RunPlan) {
    this.#plan = plan
  }

  async run(entries: readonly Entry[]): Promise<ChildOutcome> {
    const plan = this.#plan
    if (plan.order === 'lifo' && !plan.hasBackEdges) {
      // Reverse creation order already puts every dependent before its dependencies.
      for (let index = entries.length - 1; index >= 0; index--) {
        const entry = entries[index] as Entry
        if (entry.state !== 'live') continue
        const pending = this.#start(entry)
        if (pending !== undefined) await pending
      }
    } else if (plan.order === 'dependencies' && !plan.hasBackEdges) {
      // Synchronous disposers taken in reverse creation order satisfy every edge, and
      // concurrency means nothing for them: walk that way up to the first disposer that
      // returns a promise, then hand the rest to the graph with that one in flight.
      for (let index = entries.length - 1; index >= 0; index--) {
        const entry = entries[index] as Entry
        if (entry.state !== 'live') continue
        const pending = this.#start(entry)
        if (pending !== undefined) {
          await this.#runGraph(entries, index, plan.concurrency, entry, pending)
          break
        }
      }
    } else {
      const limit = plan.order === 'lifo' ? 1 : plan.concurrency
      await this.#runGraph(entries, entries.length, limit)
    }
    // Flattening 100k records costs as much as disposing them: only when a child filled a slot.
    if (!this.#hasSlots) {
      return { records: this.#records as EntryReport[], errors: this.#errors as DisposeError[] }
    }
    return { records: this.#records.flat(), errors: this.#errors.flat() }
  }

  /**
   * Disposes `entries[0 .. end)` in dependency order, up to `limit` at a time. `inFlight`, when
   * given, is an entry already started (its disposal `inFlightDisposal`) that the rest must wait for.
   */
  async #runGraph(
    entries: readonly Entry[],
    end: number,
    limit: number,
    inFlight?: Entry,
    inFlightDisposal?: Promise<void>,
  ): Promise<void> {
    // LIFO needs the newest ready entry each time (a heap); under 'dependencies' any ready
    // entry will do, and a stack is cheaper.
    const ready: ReadyQueue = this.#plan.order === 'lifo' ? new ReadyHeap() : []
    for (const dep of inFlight?.deps ?? []) if (dep.state === 'live') dep.pendingDependents++
    if (this.#plan.hasBackEdges) {
      for (let index = 0; index < end; index++) {
        const entry = entries[index] as Entry
        if (entry.state !== 'live' || entry.deps === undefined) continue
        for (const dep of entry.deps) if (dep.state === 'live') dep.pendingDependents++
      }
      for (let index = 0; index < end; index++) {
        const entry = entries[index] as Entry
        if (entry.state === 'live' && entry.pendingDependents === 0) ready.push(entry)
      }
    } else {
      // Every edge points from a newer entry to an older one: walking from the newest, an
      // entry's dependents have all been counted by the time it is reached. One pass.
      for (let index = end - 1; index >= 0; index--) {
        const entry = entries[index] as Entry
        if (entry.state !== 'live') continue
        if (entry.pendingDependents === 0) ready.push(entry)
        if (entry.deps === undefined) continue
        for (const dep of entry.deps) if (dep.state === 'live') dep.pendingDependents++
      }
    }
    let running = 0
    let wake: (() => void) | undefined
    const finish = (entry: Entry): void => {
      if (entry.deps === undefined) return
      for (const dep of entry.deps) {
        if (dep.state === 'live' && --dep.pendingDependents === 0) ready.push(dep)
      }
    }
    const settle = (entry: Entry, disposal: Promise<void>): void => {
      running++
      void disposal.then(() => {
        running--
        finish(entry)
        wake?.()
      })
    }
    if (inFlight !== undefined && inFlightDisposal !== undefined) settle(inFlight, inFlightDisposal)
    for (;;) {
      while (running < limit && ready.length > 0) {
        const entry = ready.pop() as Entry
        const pending = this.#start(entry)
        if (pending === undefined) finish(entry)
        else settle(entry, pending)
      }
      if (running === 0) return
      await new Promise<void>((resolve) => {
        wake = resolve
      })
      wake = undefined
    }
  }

  /**
   * Starts one entry's disposal. Returns `undefined` when it finished synchronously, else a
   * promise that settles (never rejects) when it has finished or missed its deadline.
   */
  #start(entry: Entry): Promise<void> | undefined {
    if (entry.child !== undefined) return this.#startChild(entry)
    const plan = this.#plan
    const label = entry.resolveLabel()
    const value = entry.value
    const record = new EntryRecord(label, entry.kind, plan.scopePath, entry.site)
    // What is left of the entry is a tombstone (see tracked-values.ts): drop what it holds.
    entry.state = 'done'
    entry.value = undefined
    entry.owner = undefined
    entry.site = undefined
    this.#records.push(record as EntryReport)
    const started = now()
    let result: unknown
    try {
      result = entry.callDisposer(value)
    } catch (error) {
      this.#fail(record, error, started)
      return undefined
    }
    if (!isThenable(result)) {
      record.duration = now() - started
      return undefined
    }
    const remaining = plan.deadlineAt - started
    const timeout = entry.timeout ?? plan.timeout
    // However little budget is left, a disposer that starts gets its last chance.
    const limit: DeadlineLimit =
      timeout <= remaining ? 'timeout' : remaining > lastChanceMs ? 'budget' : 'last-chance'
    const ms = limit === 'timeout' ? timeout : Math.min(timeout, Math.max(remaining, lastChanceMs))
    return withDeadline(result, ms).then(
      () => {
        record.duration = now() - started
      },
      (error: unknown) => {
        if (error === deadlinePassed) {
          record.outcome = 'timeout'
          record.duration = now() - started
          record.error = new DisposeTimeoutError(record, ms, limit)
          this.#errors.push(record.error)
        } else {
          this.#fail(record, error, started)
        }
      },
    )
  }

  #fail(record: EntryRecord, error: unknown, started: number): void {
    record.outcome = 'error'
    record.duration = now() - started
    record.error = new DisposeError(record, error)
    this.#errors.push(record.error)
  }

  async #startChild(entry: Entry): Promise<void> {
    const child = entry.child as NonNullable<Entry['child']>
    entry.state = 'done'
    const records: EntryReport[] = []
    const errors: DisposeError[] = []
    this.#hasSlots = true
    this.#records.push(records)
    this.#errors.push(errors)
    const outcome = await child.disposeBefore(this.#plan.deadlineAt)
    records.push(...outcome.records)
    errors.push(...outcome.errors)
  }
}
