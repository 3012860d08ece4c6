import type { Fixture, FixtureLevel } from './fixture-types.ts'
import type { KindNameFor } from './kind.ts'
import type { Registry } from './registry.ts'
import type { DisposeReport } from './report.ts'

/** Options of {@link createScope} and `scope.child()`. */
export interface ScopeOptions {
  /** Shown in reports and messages. */
  name?: string
  /** Which fixtures this scope hosts: those of the same level (see `defineFixture`). */
  level?: FixtureLevel
  /** Where `track()` finds kinds. Default: `defaultRegistry` (a child inherits its parent's). */
  registry?: Registry
  /** Deadline for each disposer, in ms. Default 5,000 (a child inherits its parent's). */
  timeout?: number
  /** Deadline for the whole `dispose()`, in ms. Default 10,000 (a child inherits its parent's). */
  budget?: number
  /**
   * `'lifo'` (default): reverse creation order, where `dependsOn`, fixture dependencies and
   * child scopes allow. `'dependencies'`: only declared edges constrain, and independent
   * entries are disposed concurrently, up to `concurrency`.
   */
  order?: 'lifo' | 'dependencies'
  /** With `order: 'dependencies'`, how many disposers may run at once. Default 4. */
  concurrency?: number
}

/** Options of `scope.track()`. */
export interface TrackOptions<Value> {
  /** A registry kind to dispose it with; only names whose type accepts the value compile. */
  kind?: KindNameFor<Value>
  /** An ad-hoc disposer; wins over the registry. */
  dispose?: (value: Value) => unknown
  /** Shown in reports. Default: the kind's `describe()`, else the kind name. */
  label?: string
  /** Tracked values this one uses: it is disposed before them. */
  dependsOn?: readonly object[]
  /** Deadline for this disposer, in ms. Default: the kind's, else the scope's `timeout`. */
  timeout?: number
}

/** Options of `scope.defer()`. */
export interface DeferOptions {
  /** Shown in reports. Default: the callback's name, else `'deferred cleanup'`. */
  label?: string
  /** Deadline for this callback, in ms. Default: the scope's `timeout`. */
  timeout?: number
}

/**
 * A set of resources disposed together, in dependency order, under deadlines. Create one with
 * {@link createScope}; dispose it with `dispose()` or `await using`.
 */
export interface Scope extends AsyncDisposable {
  /** The scope's own name. */
  readonly name: string
  /**
   * `'open'` until `dispose()` starts, `'disposing'` while it runs (or while an ancestor's
   * runs), then `'disposed'`. Only an `'open'` scope takes new entries.
   */
  readonly state: 'open' | 'disposing' | 'disposed'
  /** The level given at creation, if any. */
  readonly level: FixtureLevel | undefined
  /** The enclosing scope, if this is a child. */
  readonly parent: Scope | undefined
  /**
   * Tracks `value` for disposal and returns it.
   * @throws {@link UnknownResourceError} when no kind recognises it and no `dispose` is given
   * @throws {@link UnknownDependencyError} when a `dependsOn` value is not tracked here or above
   * @throws {@link ScopeClosedError} when the scope is disposing or disposed
   * @throws {TypeError} when `value` is missing or an option is invalid
   */
  track<Value>(value: Value, options?: TrackOptions<Value>): Value
  /**
   * Runs `cleanup` when the scope is disposed, in LIFO order with everything else.
   * @throws {@link ScopeClosedError} when the scope is disposing or disposed
   */
  defer(cleanup: () => unknown, options?: DeferOptions): void
  /**
   * Creates a child scope. It is disposed with this one, before this one's own entries that
   * its entries depend on; disposing it first detaches it.
   * @throws {@link ScopeClosedError} when the scope is disposing or disposed
   */
  child(name: string, options?: ScopeOptions): Scope
  /**
   * Resolves a fixture in the nearest enclosing scope of the fixture's level, creating it on
   * first use.
   * @throws {@link FixtureLevelError} when no enclosing scope can host the fixture's level
   */
  use<Value>(fixture: Fixture<Value>): Promise<Value>
  /**
   * Disposes every entry and child scope. Resolves with the report; rejects with a
   * {@link CleanupError} (carrying every failure and the report) when any disposer failed.
   * A second call returns the first call's promise.
   */
  dispose(): Promise<DisposeReport>
}
