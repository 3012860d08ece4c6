import { realTimers } from './real-timers.ts'
import { captureCreationSite } from './creation-site.ts'
import { defaultRegistry } from './default-registry.ts'
import { runDisposal } from './dispose-run.ts'
import { Entry, type ChildOutcome, type Disposer } from './entry.ts'
import { addDependencies } from './dependency-edges.ts'
import { resolveKind } from './resolve-kind.ts'
import { buildReport, type DisposeReport } from './report.ts'
import { CleanupError, ScopeClosedError } from './errors.ts'
import type { Fixture, FixtureLevel } from './fixture-types.ts'
import type { AnyKind } from './kind.ts'
import { defaults, validateScopeOptions, type ResolvedScopeOptions } from './scope-options.ts'
import type { DeferOptions, Scope, ScopeOptions, TrackOptions } from './scope-types.ts'
import { findValue, isTrackable, rememberValue } from './tracked-values.ts'
import { useFixture } from './fixture.ts'
import {
  assertFunction,
  assertKnownKeys,
  assertOptionalDeadline,
  assertOptionalString,
  assertPlainObject,
  describeValue,
} from './validate.ts'

export type { DeferOptions, Scope, ScopeOptions, TrackOptions }

const now = realTimers.now

const trackOptionKeys = ['kind', 'dispose', 'label', 'dependsOn', 'timeout'] as const
const deferOptionKeys = ['label', 'timeout'] as const

let anonymousScopes = 0

/** What one disposal of a scope produced. */
interface ScopeOutcome extends ChildOutcome {
  readonly report: DisposeReport
}

type ScopeState =
  | { readonly state: 'open' }
  | { readonly state: 'disposing' | 'disposed'; readonly outcome: Promise<ScopeOutcome> }

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

  constructor(options: ResolvedScopeOptions, parent: ScopeImpl | undefined) {
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
          // A child scope is never a line of the report (its entries are), so it needs no site.
          undefined,
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
    return this.trackFrom(markers.track, value, options)
  }

  /**
   * `track()`, with the creation site taken as the caller of `api`: a helper that tracks on
   * the user's behalf passes itself, so the site is the user's line, not the helper's.
   */
  trackFrom<Value>(api: object, value: Value, options?: TrackOptions<Value>): Value {
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
    if (options?.dispose !== undefined) assertFunction(options.dispose, 'scope.track', 'dispose')
    if (options?.dispose === undefined || options.kind !== undefined) {
      // A named kind is checked against the value and lends its timeout and describe(), even
      // when an ad-hoc `dispose` replaces its disposer.
      kind = resolveKind(this.options.registry, value, options?.kind, this.path)
      kindName = kind.name
      timeout ??= kind.timeout
    } else {
      kindName = 'custom'
    }
    if (options?.dispose !== undefined) disposer = options.dispose as Disposer
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
      captureCreationSite(api),
      undefined,
    )
    if (options?.dependsOn !== undefined)
      addDependencies(this, entry, options.dependsOn, label ?? kindName)
    this.#entries.push(entry)
    if (isTrackable(value)) {
      entry.owner = this
      rememberValue(value, entry)
    }
    return value
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
    this.deferFrom(markers.defer, cleanup, options)
  }

  /** `defer()`, with the creation site taken as the caller of `api` (see `trackFrom`). */
  deferFrom(api: object, cleanup: () => unknown, options?: DeferOptions): void {
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
        captureCreationSite(api),
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
    return this.createChild({ ...options, name })
  }

  /** Creates a child with resolved options; `hostsFixtures: false` for fixtures' own scopes. */
  createChild(options: ScopeOptions & { name: string }, hostsFixtures = true): ScopeImpl {
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
    )
  }

  use<Value>(fixture: Fixture<Value>): Promise<Value> {
    return useFixture(this, fixture)
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

  /**
   * Disposes the scope at once, without a chain of promises, when it holds nothing: most tests
   * track nothing, and their teardown should cost next to nothing. Returns whether it did.
   */
  disposeIfEmpty(): boolean {
    if (this.#status.state !== 'open') return false
    for (const entry of this.#entries) if (entry.state === 'live') return false
    const report = buildReport(this.path, [], 0)
    this.#entries = []
    this.fixtures.clear()
    this.#status = {
      state: 'disposed',
      outcome: Promise.resolve({ records: [], errors: [], report }),
    }
    this.#detachFromParent()
    return true
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
const markers: Readonly<Record<'track' | 'defer', object>> = {
  // eslint-disable-next-line @typescript-eslint/unbound-method -- stack markers, never called
  track: ScopeImpl.prototype.track,
  // eslint-disable-next-line @typescript-eslint/unbound-method -- stack markers, never called
  defer: ScopeImpl.prototype.defer,
}

/** The scope itself or its nearest ancestor that has started disposing, if any. */
function firstClosed(start: ScopeImpl): ScopeImpl | undefined {
  for (let scope: ScopeImpl | undefined = start; scope !== undefined; scope = scope.parent) {
    if (scope.ownState !== 'open') return scope
  }
  return undefined
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
  )
}
