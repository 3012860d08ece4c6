// tsyringe throws on import unless a Reflect metadata polyfill is loaded first.
import 'reflect-metadata'
import { container as globalContainer, type DependencyContainer } from 'tsyringe'
import { currentScopeFor, trackFor } from '../core/current-scope.ts'
import { captureCreationSite } from '../core/creation-site.ts'
import { defaultRegistry } from '../core/default-registry.ts'
import { defineKind, type Kind } from '../core/kind.ts'
import type { TrackOptions } from '../core/scope-types.ts'
import { describeValue } from '../core/validate.ts'
import { TestContainerState, disposerOf } from './tsyringe-container.ts'
import {
  checkOptions,
  checkOverrides,
  describeToken,
  isContainer,
  type CreateTestContainerOptions,
} from './tsyringe-options.ts'

export type {
  ClassOverride,
  CreateTestContainerOptions,
  FactoryOverride,
  TestContainerOverride,
  TokenOverride,
  ValueOverride,
} from './tsyringe-options.ts'

// The kind name, for users' code: `track(c, { kind: 'tsyringe-container' })` type-checks.
declare module 'cleanroom' {
  interface ResourceKinds {
    /** A test container from `createTestContainer()`. */
    'tsyringe-container': DependencyContainer
  }
}

/**
 * Where a test container keeps its bookkeeping: a registered symbol, so that the kind in
 * `defaultRegistry` (one per process) recognises test containers made by any copy of this
 * module (the ESM and CommonJS builds, Jest's per-file module registries).
 */
const stateKey: unique symbol = Symbol.for('cleanroom.tsyringe-container')

/** What every copy's bookkeeping offers the kind. */
interface ContainerBookkeeping {
  readonly label: string
  release(): void
}

function bookkeepingOf(value: unknown): ContainerBookkeeping | undefined {
  if (typeof value !== 'object' || value === null) return undefined
  const state = (value as { [stateKey]?: ContainerBookkeeping })[stateKey]
  return typeof state?.release === 'function' ? state : undefined
}

/**
 * A child container made by {@link createTestContainer}: tsyringe's `DependencyContainer`,
 * whose `dispose()` (and `Symbol.asyncDispose`, for `await using`) disposes it the way its
 * scope would, now, instead of tsyringe's way.
 */
export interface TestContainer extends DependencyContainer, AsyncDisposable {
  /**
   * Disposes what the container built, dependents first, each under its deadline, and
   * detaches it from its scope. Rejects with a `CleanupError` naming every failure.
   */
  dispose(): Promise<void>
}

/**
 * The kind for test containers from {@link createTestContainer} (only those: what another
 * container built is not known). Disposing one releases its registrations, once everything it
 * built was disposed; it is the first entry of the container's own child scope, so the last
 * to go. Registered into `defaultRegistry` when `cleanroom/tsyringe` is imported.
 *
 * @example
 * ```ts
 * import { createScope } from 'cleanroom'
 * import { createTestContainer, tsyringeContainerKind } from 'cleanroom/tsyringe'
 *
 * const scope = createScope()
 * const container = createTestContainer({ scope })
 * console.log(tsyringeContainerKind.match(container)) // true
 * await scope.dispose()
 * ```
 */
export const tsyringeContainerKind: Kind<DependencyContainer> = defineKind({
  name: 'tsyringe-container',
  match: (value: unknown): value is DependencyContainer => bookkeepingOf(value) !== undefined,
  dispose: (container: DependencyContainer) => {
    bookkeepingOf(container)?.release()
  },
  describe: (container: DependencyContainer) =>
    bookkeepingOf(container)?.label ?? 'tsyringe container',
})

if (!defaultRegistry.has(tsyringeContainerKind.name))
  defaultRegistry.register(tsyringeContainerKind)

/**
 * Creates a child of tsyringe's global container for the running test, with `overrides`
 * registered on it; see the other signature.
 *
 * @param options - overrides, where to track it, its label and deadline
 * @returns the test container
 * @throws {TypeError} when an option or an override is invalid
 * @throws {@link index!NoActiveScopeError} without `options.scope` when no runner adapter is installed
 *
 * @example
 * ```ts
 * import 'reflect-metadata'
 * import { test } from 'node:test'
 * import { createTestContainer } from 'cleanroom/tsyringe'
 *
 * test('uses a fake clock', () => {
 *   const container = createTestContainer({ overrides: [{ token: 'Clock', useValue: { now: () => 0 } }] })
 *   console.log(container.resolve<{ now(): number }>('Clock').now()) // 0
 * })
 * ```
 */
export function createTestContainer(options?: CreateTestContainerOptions): TestContainer
/**
 * Creates a child container of `parent` for the running test (or `options.scope`), with
 * `overrides` registered on it, which win over the parent's registrations. Every instance it
 * builds that has `Symbol.asyncDispose`, `Symbol.dispose` or `dispose()` is tracked, and
 * disposed when the test ends: dependents before their dependencies (the reverse of the order
 * they were built), each under the deadline, every failure kept and named in the test's
 * `CleanupError`. Never disposed: what the parent keeps (its singletons, even when first
 * built through this container, and what was built for them), `useValue` and `useFactory`
 * overrides unless they say `dispose: true`, and values from the parent's factories. Once its
 * disposal starts, the container refuses to resolve with a
 * {@link index!ContainerDisposedError}. tsyringe's own `dispose()` is never called.
 *
 * @param parent - the container to derive from. Default: tsyringe's global `container`
 * @param options - overrides, where to track it, its label and deadline
 * @returns the test container
 * @throws {TypeError} when `parent` is not a container, or an option or override is invalid
 * @throws {@link index!NoActiveScopeError} without `options.scope` when no runner adapter is installed
 * @throws {@link index!ContainerDisposedError} when `parent` is a test container already disposed
 *
 * @example
 * ```ts
 * import 'reflect-metadata'
 * import { test } from 'node:test'
 * import { container, inject, injectable } from 'tsyringe'
 * import { createTestContainer } from 'cleanroom/tsyringe'
 *
 * class UsersRepository {
 *   constructor(readonly db: { query(sql: string): unknown }) {}
 *   async dispose(): Promise<void> {}
 * }
 * class UsersService {
 *   constructor(readonly repository: UsersRepository) {}
 *   dispose(): void {}
 * }
 * // Explicit tokens: esbuild-based transforms emit no decorator metadata.
 * inject('Db')(UsersRepository, undefined, 0)
 * inject(UsersRepository)(UsersService, undefined, 0)
 * injectable()(UsersService)
 *
 * test('lists users', () => {
 *   const fakeDb = { query: () => [] }
 *   const c = createTestContainer(container, { overrides: [{ token: 'Db', useValue: fakeDb }] })
 *   const users = c.resolve(UsersService)
 *   console.log(users.repository.db === fakeDb) // true
 *   // after the test: users.dispose(), then the repository's; fakeDb is left alone
 * })
 * ```
 */
export function createTestContainer(
  parent?: DependencyContainer,
  options?: CreateTestContainerOptions,
): TestContainer
export function createTestContainer(
  parentOrOptions?: DependencyContainer | CreateTestContainerOptions,
  maybeOptions?: CreateTestContainerOptions,
): TestContainer {
  const call = 'createTestContainer'
  let parent: DependencyContainer = globalContainer
  let given: unknown = maybeOptions
  if (isContainer(parentOrOptions)) {
    parent = parentOrOptions
  } else if (parentOrOptions !== undefined) {
    // Typed as options or a container, but JavaScript callers can pass anything.
    const received: unknown = parentOrOptions
    const isOptions =
      typeof received === 'object' &&
      received !== null &&
      !Array.isArray(received) &&
      maybeOptions === undefined
    if (!isOptions) {
      throw new TypeError(
        `${call}: expected \`parent\` to be a tsyringe container (or the options object), got ${describeValue(parentOrOptions)}`,
      )
    }
    given = parentOrOptions
  }
  const options = checkOptions(given, call)
  const overrides = checkOverrides(options.overrides, call)
  const scope = options.scope ?? currentScopeFor(`${call}()`)
  const label = options.label ?? 'tsyringe container'
  const site = captureCreationSite(createTestContainer)

  const child = parent.createChildContainer()
  const providers = overrides.map(({ token, registration, lifecycle }) => {
    // tsyringe keeps this very object as the registration's provider: how its policy is found.
    if (lifecycle === undefined) child.register(token, registration as never)
    else child.register(token, registration as never, { lifecycle })
    return registration
  })
  const containerScope = scope.child(label, { order: 'lifo' })
  let state: TestContainerState
  try {
    state = new TestContainerState(child, containerScope, label, site, options.timeout)
  } catch (error) {
    void containerScope.dispose()
    throw error
  }
  Object.defineProperty(child, stateKey, { value: state })
  // First in its scope, so released last: after everything it built.
  trackFor(createTestContainer, containerScope, child, {
    kind: tsyringeContainerKind.name,
    label,
  } as unknown as TrackOptions<DependencyContainer>)
  overrides.forEach((override, index) => {
    const provider = providers[index] as object
    // A useToken alias has no say: what the other token resolves to decides.
    if (override.provider !== 'useToken') {
      state.setPolicy(provider, { token: override.token, dispose: override.dispose })
    }
    if (override.provider === 'useValue' && override.dispose) {
      const value = override.registration.useValue as object
      state.track(
        createTestContainer,
        value,
        `${describeToken(override.token)} (a value)`,
        disposerOf(value),
      )
    }
  })
  return instrument(child, state)
}

/** Installs the test container's own public methods over tsyringe's. */
function instrument(child: DependencyContainer, state: TestContainerState): TestContainer {
  const proto = Object.getPrototypeOf(child) as Record<string, (...args: unknown[]) => unknown>
  const refuseOnceDisposed = (name: string) =>
    function (this: DependencyContainer, ...args: unknown[]): unknown {
      state.assertUsable(() => `${name}()`)
      return proto[name]?.apply(this, args)
    }
  function resolve(this: DependencyContainer, token: unknown, ...rest: unknown[]): unknown {
    return state.run(
      resolve,
      () => `resolve(${describeToken(token)})`,
      () => proto.resolve?.call(this, token, ...rest),
    )
  }
  function resolveAll(this: DependencyContainer, token: unknown, ...rest: unknown[]): unknown {
    return state.run(
      resolveAll,
      () => `resolveAll(${describeToken(token)})`,
      () => proto.resolveAll?.call(this, token, ...rest),
    )
  }
  const dispose = async (): Promise<void> => {
    await state.scope.dispose()
  }
  Object.defineProperties(child, {
    resolve: { value: resolve, configurable: true, writable: true },
    resolveAll: { value: resolveAll, configurable: true, writable: true },
    register: { value: refuseOnceDisposed('register'), configurable: true, writable: true },
    createChildContainer: {
      value: refuseOnceDisposed('createChildContainer'),
      configurable: true,
      writable: true,
    },
    reset: { value: refuseOnceDisposed('reset'), configurable: true, writable: true },
    clearInstances: {
      value: refuseOnceDisposed('clearInstances'),
      configurable: true,
      writable: true,
    },
    dispose: { value: dispose, configurable: true, writable: true },
    [Symbol.asyncDispose]: { value: dispose, configurable: true, writable: true },
  })
  return child as TestContainer
}
