import type { CreationSite } from './creation-site.ts'
import type { AnyKind } from './kind.ts'
import { describeValue } from './validate.ts'

/** What an entry's disposer is called with: the tracked value, or nothing for `defer`. */
export type Disposer = (value: unknown) => unknown

/** The internal interface a child scope offers its parent's disposal. */
export interface ChildDisposal {
  disposeBefore(deadlineAt: number): Promise<ChildOutcome>
}

/** What a child scope's disposal hands back to its parent. */
export interface ChildOutcome {
  readonly records: readonly import('./report.ts').EntryReport[]
  readonly errors: readonly import('./errors.ts').DisposeError[]
}

/**
 * One thing a scope will dispose: a tracked value, a deferred callback, or a child scope.
 * Entries are created in order (`seq` grows) and dropped once disposed.
 */
export class Entry {
  /** Entries this one depends on: they are disposed after it. */
  deps: Entry[] | undefined = undefined
  /** How many live entries depend on this one and are not yet disposed (during disposal). */
  pendingDependents = 0
  state: 'live' | 'detached' | 'done' = 'live'
  /** The scope holding the entry (a `ScopeImpl`), until the entry is disposed. */
  owner: unknown = undefined

  constructor(
    readonly seq: number,
    public value: unknown,
    /** An ad-hoc disposer or a `defer` callback; when unset, `kind.dispose` is used. */
    public disposer: Disposer | undefined,
    /** The registry kind, when the value was matched or named. */
    public kindRef: AnyKind | undefined,
    readonly kind: string,
    public label: string | undefined,
    readonly timeout: number | undefined,
    public site: CreationSite | undefined,
    readonly child: ChildDisposal | undefined,
  ) {}

  /** Adds a dependency edge, once. Returns whether it was new. */
  dependOn(entry: Entry): boolean {
    if (this.deps === undefined) this.deps = [entry]
    else if (!this.deps.includes(entry)) this.deps.push(entry)
    else return false
    return true
  }

  /** Removes an edge added by a `track()` call that then failed. */
  undoDependOn(entry: Entry): void {
    const at = this.deps?.indexOf(entry) ?? -1
    if (at !== -1) this.deps?.splice(at, 1)
  }

  /** Calls the disposer: the entry's own, else its kind's (as a method, keeping `this`). */
  callDisposer(value: unknown): unknown {
    const { disposer, kindRef } = this
    this.disposer = undefined
    this.kindRef = undefined
    if (disposer !== undefined) return disposer(value)
    return kindRef?.dispose(value)
  }

  /** The label shown in reports, computed while the value is still alive. */
  resolveLabel(): string {
    if (this.label !== undefined) return this.label
    // An ad-hoc disposer has no describe(): say what the value is, as `describeValue` does.
    let label = this.kind === 'custom' ? describeValue(this.value) : this.kind
    if (this.kindRef?.describe !== undefined) {
      try {
        label = this.kindRef.describe(this.value)
      } catch (error) {
        // A describe() that throws must not cost the disposal; its failure shows in the label.
        label = `${this.kind} (describe() threw: ${error instanceof Error ? error.message : String(error)})`
      }
    }
    this.label = label
    return label
  }
}
