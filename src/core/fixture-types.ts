import type { Scope } from './scope.ts'

/**
 * How long a fixture lives: one per worker process, per test file, or per test. A fixture is
 * hosted by the nearest enclosing scope created with the same `level`, else by the nearest
 * one created without a level.
 */
export type FixtureLevel = 'worker' | 'file' | 'test'

/** A fixture's dependencies, by the name `setup` receives them under. */
export type FixtureDeps = Readonly<Record<string, Fixture<unknown>>>

/**
 * The values of `deps`, by the same names: what a fixture's `setup` receives.
 *
 * @example
 * ```ts
 * import { defineFixture, type ResolvedDeps } from 'cleanroom'
 *
 * const port = defineFixture({ name: 'port', setup: () => 5432 })
 * const deps = { port }
 * const resolved: ResolvedDeps<typeof deps> = { port: 5432 }
 * ```
 */
export type ResolvedDeps<Deps extends FixtureDeps> = {
  readonly [Name in keyof Deps]: Deps[Name] extends Fixture<infer Value> ? Value : never
}

declare const fixtureValue: unique symbol

/**
 * A lazily created, shared value with its own cleanup. Create one with {@link defineFixture};
 * resolve it with `scope.use(fixture)`.
 */
export interface Fixture<Value> {
  /** Shown in reports and messages. */
  readonly name: string
  /** How long one instance lives. */
  readonly level: FixtureLevel
  /** The fixtures its setup receives. */
  readonly deps: FixtureDeps
  /** Deadline in ms for each of its cleanups, when set. */
  readonly timeout: number | undefined
  /** Carries the value's type; never set at run time. */
  readonly [fixtureValue]?: Value
}

/** What {@link defineFixture} takes. */
export interface FixtureSpec<Value, Deps extends FixtureDeps> {
  /** Shown in reports and messages. */
  name: string
  /** Fixtures this one uses; `setup` receives their values under the same names. */
  deps?: Deps
  /** `'test'` (default): one per test; `'file'`: one per test file; `'worker'`: one per process. */
  level?: FixtureLevel
  /**
   * Deadline in ms for each cleanup the fixture's scope runs (an entry's own `timeout`, or its
   * kind's, still wins). Default: the host scope's.
   */
  timeout?: number
  /**
   * Creates the value. Whatever it tracks on `scope` is disposed when the fixture's level
   * ends, after every fixture that depends on this one. If it throws, that failure is what
   * every `use()` of this instance gets, and what it tracked before throwing is still disposed.
   */
  setup: (deps: ResolvedDeps<Deps>, scope: Scope) => Value | Promise<Value>
}
