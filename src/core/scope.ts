import { realTimers } from './real-timers.ts'
import { captureCreationSite, type CreationSite } from './creation-site.ts'
import { defaultRegistry } from './default-registry.ts'
import { runDisposal } from './dispose-run.ts'
import { Entry, type ChildOutcome, type Disposer } from './entry.ts'
import {
  CleanupError,
  DependencyCycleError,
  ScopeClosedError,
  UnknownDependencyError,
  UnknownResourceError,
} from './errors.ts'
import type { Fixture, FixtureLevel } from './fixture-types.ts'
import type { AnyKind, KindNameFor } from './kind.ts'
import { isRegistry, type Registry } from './registry.ts'
import { findValue, isTrackable, rememberValue } from './tracked-values.ts'
import { useFixture } from './fixture.ts'
import type { DisposeReport, EntryReport } from './report.ts'
import {
  assertFunction,
  assertKnownKeys,
  assertOptionalDeadline,
  assertOptionalOneOf,
  assertOptionalPositiveInteger,
  assertOptionalString,
  assertPlainObject,
  describeValue,
} from './validate.ts'

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

const now = realTimers.now

const scopeOptionKeys = [
  'name',
  'level',
  'registry',
  'timeout',
  'budget',
  'order',
  'concurrency',
] as const
const trackOptionKeys = ['kind', 'dispose', 'label', 'dependsOn', 'timeout'] as const
const deferOptionKeys = ['label', 'timeout'] as const
const levels = ['worker', 'file', 'test'] as const
const orders = ['lifo', 'dependencies'] as const

const defaults = { timeout: 5_000, budget: 10_000, order: 'lifo', concurrency: 4 } as const

let anonymousScopes = 0

function validateScopeOptions(options: unknown, call: string): void {
  if (options === undefined) return
  assertPlainObject(options, call, 'options')
  assertKnownKeys(options, scopeOptionKeys, call)
  const o = options as ScopeOptions
  assertOptionalString(o.name, call, 'name')
  assertOptionalOneOf(o.level, levels, call, 'level')
  if (o.registry !== undefined && !isRegistry(o.registry)) {
    throw new TypeError(
      `${call}: expected \`registry\` to be a registry from createRegistry(), got ${describeValue(o.registry)}`,
    )
  }
  assertOptionalDeadline(o.timeout, call, 'timeout')
  assertOptionalDeadline(o.budget, call, 'budget')
  assertOptionalOneOf(o.order, orders, call, 'order')
  assertOptionalPositiveInteger(o.concurrency, call, 'concurrency')
}

/** What one disposal of a scope produced. */
interface ScopeOutcome extends ChildOutcome {
  readonly report: DisposeReport
}

type ScopeState =
  | { readonly state: 'open' }
  | { readonly state: 'disposing' | 'disposed'; readonly outcome: Promise<ScopeOutcome> }

/** Options a scope is built with, after defaults and inheritance. */
interface ResolvedScopeOptions {
  readonly name: string
  readonly level: FixtureLevel | undefined
  readonly registry: Registry
  readonly timeout: number
  readonly budget: number
  readonly order: 'lifo' | 'dependencies'
  readonly concurrency: number
  readonly hostsFixtures: boolean
}

/** A fixture's instance in the scope that hosts it. */
export interface FixtureInstance {
  scope: ScopeImpl | undefined
  readonly value: Promise<unknown>
}

/** The scope implementation. Only the {@link Scope} interface is public. */
export class ScopeImpl implements Scope {
  readonly name: string
  readonly path: string
  readonly level: FixtureLevel | undefined
  readonly parent: ScopeImpl | undefined
  readonly options: ResolvedScopeOptions
  /** Fixtures created in this scope, by definition. */
  readonly fixtures: Map<Fixture<unknown>, FixtureInstance> = new Map()
  /** This scope's entry in its parent, when it is a child. */
  readonly entryInParent: Entry | undefined

  #status: ScopeState = { state: 'open' }
  #entries: Entry[] = []
  #detachedCount = 0
  #seq = 0
  #hasBackEdges = false
  #disposed: Promise<DisposeReport> | undefined

  constructor(
    options: ResolvedScopeOptions,
    parent: ScopeImpl | undefined,
    site: Error | undefined,
  ) {
    this.options = options
    this.name = options.name
    this.level = options.level
    this.parent = parent
    this.path = parent === undefined ? options.name : `${parent.path} › ${options.name}`
    if (parent !== undefined) {
      this.entryInParent = parent.#addEntry(
        new Entry(
          parent.#seq++,
          undefined,
          undefined,
          undefined,
          'scope',
          this.path,
          undefined,
          site,
          this,
        ),
      )
    }
  }

  /** This scope's own state, whatever its ancestors' are. */
  get ownState(): 'open' | 'disposing' | 'disposed' {
    return this.#status.state
  }

  get state(): 'open' | 'disposing' | 'disposed' {
    // A child whose ancestor has started disposing refuses entries too: say so.
    if (this.#status.state === 'open' && firstClosed(this) !== undefined) return 'disposing'
    return this.#status.state
  }

  /** Throws a {@link ScopeClosedError} unless this scope and its ancestors are open. */
  assertOpen(what: string): void {
    const closed = firstClosed(this)
    if (closed !== undefined) {
      const whose = closed === this ? '' : ` (its ancestor "${closed.path}" is ${closed.state})`
      throw new ScopeClosedError(this.path, `${closed.state}${whose}`, what)
    }
  }

  #addEntry(entry: Entry): Entry {
    this.#entries.push(entry)
    return entry
  }

  track<Value>(value: Value, options?: TrackOptions<Value>): Value {
    if (value === undefined || value === null) {
      throw new TypeError(`scope.track: expected a value to track, got ${describeValue(value)}`)
    }
    let disposer: Disposer | undefined
    let kind: AnyKind | undefined
    let kindName: string
    let timeout: number | undefined
    let label: string | undefined
    if (options !== undefined) {
      assertPlainObject(options, 'scope.track', 'options')
      assertKnownKeys(options, trackOptionKeys, 'scope.track')
      assertOptionalString(options.label, 'scope.track', 'label')
      assertOptionalDeadline(options.timeout, 'scope.track', 'timeout')
      label = options.label
      timeout = options.timeout
    }
    this.assertOpen(`track ${label === undefined ? describeValue(value) : `"${label}"`}`)
    if (options?.dispose !== undefined) {
      assertFunction(options.dispose, 'scope.track', 'dispose')
      disposer = options.dispose as Disposer
      kindName = options.kind ?? 'custom'
    } else {
      kind = this.#findKind(value, options?.kind)
      kindName = kind.name
      timeout ??= kind.timeout
    }
    const existing = findValue(value)
    if (existing !== undefined) {
      throw new TypeError(
        `scope.track: ${describeValue(value)} is already tracked as "${existing.resolveLabel()}" in scope "${(existing.owner as ScopeImpl).path}". Track a value once; use dependsOn to order it against others.`,
      )
    }
    const entry = new Entry(
      this.#seq++,
      value,
      disposer,
      kind,
      kindName,
      label,
      timeout,
      captureCreationSite(markers.track),
      undefined,
    )
    if (options?.dependsOn !== undefined)
      this.#addDependencies(entry, options.dependsOn, label ?? kindName)
    this.#entries.push(entry)
    if (isTrackable(value)) {
      entry.owner = this
      rememberValue(value, entry)
    }
    return value
  }

  #findKind(value: unknown, name: string | undefined): AnyKind {
    const registry = this.options.registry
    if (name === undefined) {
      const kind = registry.match(value)
      if (kind === undefined) throw new UnknownResourceError(describeValue(value), this.path)
      return kind
    }
    if (typeof name !== 'string') {
      throw new TypeError(
        `scope.track: expected \`kind\` to be a kind name, got ${describeValue(name)}`,
      )
    }
    const kind = registry.get(name)
    if (kind === undefined) {
      const known = registry.kinds.map((k) => `"${k.name}"`).join(', ')
      throw new TypeError(
        `scope.track: unknown kind "${name}". Registered kinds: ${known === '' ? 'none' : known}. Register it with registry.register(defineKind(…)).`,
      )
    }
    if (!kind.match(value)) {
      throw new TypeError(
        `scope.track: ${describeValue(value)} is not a "${name}": the kind's match() rejects it`,
      )
    }
    return kind
  }

  #addDependencies(entry: Entry, dependsOn: unknown, label: string): void {
    if (!Array.isArray(dependsOn)) {
      throw new TypeError(
        `scope.track: expected \`dependsOn\` to be an array of tracked values, got ${describeValue(dependsOn)}`,
      )
    }
    // Edges between other entries (lifted across scopes) are undone if a later one is refused,
    // so a track() that throws leaves the graph as it was.
    const lifted: [Entry, Entry][] = []
    // Sized up front: an array grown by push() reserves 17 slots, for every tracked entry.
    const own = new Array<Entry>(dependsOn.length)
    let owned = 0
    try {
      for (let index = 0; index < dependsOn.length; index++) {
        const found = findValue(dependsOn[index])
        if (found === undefined) {
          throw new UnknownDependencyError(label, index, this.path, undefined)
        }
        const foundIn = found.owner as ScopeImpl
        if (foundIn !== this) {
          linkAcrossScopes(this, entry, foundIn, found, label, index, lifted)
        } else if (own.indexOf(found) === -1) {
          own[owned++] = found
        }
      }
    } catch (error) {
      for (const [from, to] of lifted) from.undoDependOn(to)
      throw error
    }
    if (owned === 0) return
    own.length = owned
    // Edges lifted from this entry to itself (a dependency in a descendant) were added first.
    entry.deps =
      entry.deps === undefined
        ? own
        : [...entry.deps, ...own.filter((e) => !entry.deps?.includes(e))]
  }

  /** The entry standing for `scope` (this scope or a descendant) among this scope's entries. */
  branchOf(scope: ScopeImpl, entry: Entry): Entry {
    if (scope === this) return entry
    let child = scope
    while (child.parent !== this) child = child.parent as ScopeImpl
    return child.entryInParent as Entry
  }

  /**
   * Records that `from` (an entry of `fromScope`, this scope or a descendant) must be disposed
   * before `to` (an entry of this scope). Across scopes, the edge is lifted to the child of
   * this scope that contains `fromScope`. Returns the entry that got the edge, if it is new.
   */
  addEdge(fromScope: ScopeImpl, from: Entry, to: Entry): Entry | undefined {
    const dependent = this.branchOf(fromScope, from)
    if (dependent === to || !dependent.dependOn(to)) return undefined
    if (dependent.seq < to.seq) this.#hasBackEdges = true
    return dependent
  }

  defer(cleanup: () => unknown, options?: DeferOptions): void {
    assertFunction(cleanup, 'scope.defer', 'cleanup')
    let label = cleanup.name === '' ? 'deferred cleanup' : cleanup.name
    let timeout: number | undefined
    if (options !== undefined) {
      assertPlainObject(options, 'scope.defer', 'options')
      assertKnownKeys(options, deferOptionKeys, 'scope.defer')
      assertOptionalString(options.label, 'scope.defer', 'label')
      assertOptionalDeadline(options.timeout, 'scope.defer', 'timeout')
      label = options.label ?? label
      timeout = options.timeout
    }
    this.assertOpen(`defer "${label}"`)
    this.#entries.push(
      new Entry(
        this.#seq++,
        undefined,
        cleanup,
        undefined,
        'defer',
        label,
        timeout,
        captureCreationSite(markers.defer),
        undefined,
      ),
    )
  }

  child(name: string, options?: ScopeOptions): Scope {
    if (typeof name !== 'string' || name === '') {
      throw new TypeError(
        `scope.child: expected \`name\` to be a non-empty string, got ${describeValue(name)}`,
      )
    }
    validateScopeOptions(options, 'scope.child')
    return this.createChild({ ...options, name }, captureCreationSite(markers.child))
  }

  /** Creates a child with resolved options; `hostsFixtures: false` for fixtures' own scopes. */
  createChild(
    options: ScopeOptions & { name: string },
    site: CreationSite,
    hostsFixtures = true,
  ): ScopeImpl {
    this.assertOpen(`create child scope "${options.name}"`)
    const inherited = this.options
    return new ScopeImpl(
      {
        name: options.name,
        level: options.level,
        registry: options.registry ?? inherited.registry,
        timeout: options.timeout ?? inherited.timeout,
        budget: options.budget ?? inherited.budget,
        order: options.order ?? inherited.order,
        concurrency: options.concurrency ?? inherited.concurrency,
        hostsFixtures,
      },
      this,
      site,
    )
  }

  use<Value>(fixture: Fixture<Value>): Promise<Value> {
    return useFixture(this, fixture, captureCreationSite(markers.use))
  }

  dispose(): Promise<DisposeReport> {
    this.#disposed ??= this.#disposeUntil(now() + this.options.budget).then(
      ({ report, errors }) => {
        if (errors.length > 0) throw new CleanupError([...errors], report)
        return report
      },
    )
    return this.#disposed
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.dispose()
  }

  /** Called by the parent's disposal: disposes within the parent's remaining budget. */
  disposeBefore(deadlineAt: number): Promise<ChildOutcome> {
    return this.#disposeUntil(Math.min(deadlineAt, now() + this.options.budget))
  }

  #disposeUntil(deadlineAt: number): Promise<ScopeOutcome> {
    if (this.#status.state !== 'open') return this.#status.outcome
    const started = now()
    const entries = this.#entries
    this.#entries = []
    const { order, concurrency, timeout } = this.options
    const plan = {
      scopePath: this.path,
      order,
      concurrency,
      timeout,
      deadlineAt,
      hasBackEdges: this.#hasBackEdges,
    }
    // The state switches before any disposer runs: from here on, track() refuses.
    let run!: (outcome: Promise<ScopeOutcome>) => void
    const outcome = new Promise<ScopeOutcome>((resolve) => (run = resolve))
    this.#status = { state: 'disposing', outcome }
    run(
      runDisposal(entries, plan).then(({ records, errors }) => {
        for (const entry of entries) entry.deps = undefined
        this.fixtures.clear()
        const report = buildReport(this.path, records, now() - started)
        this.#status = { state: 'disposed', outcome }
        this.#detachFromParent()
        return { records, errors, report }
      }),
    )
    return outcome
  }

  #detachFromParent(): void {
    const parent = this.parent
    const entry = this.entryInParent
    if (parent === undefined || entry === undefined || entry.state !== 'live') return
    entry.state = 'detached'
    // Tombstones are swept once they are half the list, so a long-lived parent whose children
    // come and go (a file scope and its tests) stays small.
    if (++parent.#detachedCount * 2 > parent.#entries.length) {
      parent.#entries = parent.#entries.filter((e) => e.state === 'live')
      parent.#detachedCount = 0
    }
  }
}

/**
 * The public methods whose callers are creation sites: a captured stack starts below them.
 * Used as markers only, never called from here.
 */
const markers: Readonly<Record<'track' | 'defer' | 'child' | 'use', object>> = {
  // eslint-disable-next-line @typescript-eslint/unbound-method -- stack markers, never called
  track: ScopeImpl.prototype.track,
  // eslint-disable-next-line @typescript-eslint/unbound-method -- stack markers, never called
  defer: ScopeImpl.prototype.defer,
  // eslint-disable-next-line @typescript-eslint/unbound-method -- stack markers, never called
  child: ScopeImpl.prototype.child,
  // eslint-disable-next-line @typescript-eslint/unbound-method -- stack markers, never called
  use: ScopeImpl.prototype.use,
}

/** The scope itself or its nearest ancestor that has started disposing, if any. */
function firstClosed(start: ScopeImpl): ScopeImpl | undefined {
  for (let scope: ScopeImpl | undefined = start; scope !== undefined; scope = scope.parent) {
    if (scope.ownState !== 'open') return scope
  }
  return undefined
}

/**
 * Orders `entry` (being tracked in `scope`) before `dependency` (tracked in `dependencyScope`,
 * another scope of the same tree): the edge goes between the two branches of their lowest
 * common ancestor that hold them. A value may so depend on an ancestor's value, on a value of
 * a fixture (whose scope is a sibling or a child), or of any related scope, as long as the
 * edge closes no cycle.
 */
function linkAcrossScopes(
  scope: ScopeImpl,
  entry: Entry,
  dependencyScope: ScopeImpl,
  dependency: Entry,
  label: string,
  index: number,
  lifted: [Entry, Entry][],
): void {
  const ancestors = new Set<ScopeImpl>()
  for (let s: ScopeImpl | undefined = dependencyScope; s !== undefined; s = s.parent)
    ancestors.add(s)
  let common: ScopeImpl | undefined = scope
  while (common !== undefined && !ancestors.has(common)) common = common.parent
  if (common === undefined) {
    throw new UnknownDependencyError(label, index, scope.path, dependencyScope.path)
  }
  const from = common.branchOf(scope, entry)
  const to = common.branchOf(dependencyScope, dependency)
  if (from !== entry && reaches(to, from)) {
    throw new DependencyCycleError(label, index, scope.path, dependencyScope.path)
  }
  const added = common.addEdge(common, from, to)
  if (added !== undefined && added !== entry) lifted.push([added, to])
}

/** Whether `target` is reachable from `start` along dependency edges. */
function reaches(start: Entry, target: Entry): boolean {
  const seen = new Set<Entry>([start])
  const stack = [start]
  for (let current = stack.pop(); current !== undefined; current = stack.pop()) {
    if (current === target) return true
    for (const next of current.deps ?? []) {
      if (!seen.has(next)) {
        seen.add(next)
        stack.push(next)
      }
    }
  }
  return false
}

function buildReport(
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

/**
 * Creates a scope: a set of resources disposed together, dependents before their
 * dependencies, each disposer under a deadline, every failure kept.
 *
 * @param options - name, fixture level, registry, deadlines and disposal order
 * @returns an open scope
 * @throws {TypeError} when an option is unknown or invalid, naming it and the value received
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http'
 * import { createScope } from 'cleanroom'
 *
 * await using scope = createScope({ name: 'api' })
 * const server = scope.track(createServer((_, res) => res.end('ok')).listen(0))
 * const poll = scope.track(setInterval(() => {}, 1_000), { dependsOn: [server] })
 * // leaving the block disposes poll, then server, and throws a CleanupError if either failed
 * ```
 */
export function createScope(options?: ScopeOptions): Scope {
  validateScopeOptions(options, 'createScope')
  return new ScopeImpl(
    {
      name: options?.name ?? `scope-${++anonymousScopes}`,
      level: options?.level,
      registry: options?.registry ?? defaultRegistry,
      timeout: options?.timeout ?? defaults.timeout,
      budget: options?.budget ?? defaults.budget,
      order: options?.order ?? defaults.order,
      concurrency: options?.concurrency ?? defaults.concurrency,
      hostsFixtures: true,
    },
    undefined,
    undefined,
  )
}

/** The implementation behind a public {@link Scope}. */
export function scopeImpl(scope: Scope): ScopeImpl {
  if (!(scope instanceof ScopeImpl)) {
    throw new TypeError(`expected a scope from createScope(), got ${describeValue(scope)}`)
  }
  return scope
}
