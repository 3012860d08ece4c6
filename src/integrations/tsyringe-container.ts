import { Lifecycle, type DependencyContainer, type InjectionToken } from 'tsyringe'
import { trackFor } from '../core/current-scope.ts'
import { formatCreationSite, type CreationSite } from '../core/creation-site.ts'
import { ContainerDisposedError } from '../core/errors.ts'
import type { Scope, TrackOptions } from '../core/scope-types.ts'
import { findValue } from '../core/tracked-values.ts'
import {
  hookConstruction,
  ownsRegistration,
  releaseContainer,
  type ConstructionHooks,
  type Registration,
} from './tsyringe-internals.ts'
import { describeToken } from './tsyringe-options.ts'

/** What an override says about what its registration provides. */
interface OverridePolicy {
  readonly token: InjectionToken
  /** Whether what it provides is disposed with the container. */
  readonly dispose: boolean
}

/** An instance built (or a factory's value) waiting to be tracked when the outer call returns. */
interface Pending {
  readonly value: object
  readonly label: string
  readonly dispose: ((value: object) => unknown) | undefined
}

// The registration keeps the instance it builds.
const cachingLifecycles: readonly (number | undefined)[] = [
  Lifecycle.Singleton,
  Lifecycle.ContainerScoped,
]

/** How a built instance is disposed: `Symbol.asyncDispose`, `Symbol.dispose`, `dispose()`. */
export function disposerOf(value: object): ((value: object) => unknown) | undefined {
  const methods = value as Partial<Record<PropertyKey, unknown>>
  for (const key of [Symbol.asyncDispose, Symbol.dispose, 'dispose']) {
    if (typeof methods[key] === 'function') {
      return (target) => (target as Record<PropertyKey, () => unknown>)[key]?.()
    }
  }
  return undefined
}

/**
 * The bookkeeping of one test container: which registrations are being resolved, what was
 * built inside each, and what waits to be tracked. Instances are tracked in the container's
 * scope when the user's outer `resolve()` returns, in the order they were built: each one's
 * dependencies before it, so the scope's LIFO order disposes dependents first.
 */
export class TestContainerState implements ConstructionHooks {
  readonly container: DependencyContainer
  readonly scope: Scope
  readonly label: string
  readonly #site: CreationSite
  readonly #timeout: number | undefined
  readonly #policies = new WeakMap<object, OverridePolicy>()
  /** For each registration being resolved: whether what is built inside it is tracked. */
  readonly #frames: boolean[] = []
  #pending: Pending[] = []
  #depth = 0

  constructor(
    container: DependencyContainer,
    scope: Scope,
    label: string,
    site: CreationSite,
    timeout: number | undefined,
  ) {
    this.container = container
    this.scope = scope
    this.label = label
    this.#site = site
    this.#timeout = timeout
    hookConstruction(container, this)
  }

  /** Records what an override's registration (found by its provider object) provides. */
  setPolicy(provider: object, policy: OverridePolicy): void {
    this.#policies.set(provider, policy)
  }

  /** Throws a {@link ContainerDisposedError} once the container's disposal has started. */
  assertUsable(call: () => string): void {
    const state = this.scope.state
    if (state === 'open') return
    throw new ContainerDisposedError(this.label, state, call(), formatCreationSite(this.#site))
  }

  /**
   * Runs a public call (`resolve`, `resolveAll`) of the container. The outermost one, the
   * user's, tracks what was built during it, with `marker` (the method the user called) as
   * the creation site's boundary, so each entry points at the user's line.
   */
  run<Result>(marker: object, call: () => string, body: () => Result): Result {
    if (this.#depth > 0) return body()
    this.assertUsable(call)
    this.#depth++
    let threw = true
    try {
      const result = body()
      threw = false
      return result
    } finally {
      this.#depth--
      this.#flush(marker, threw)
    }
  }

  enter(registration: Registration): void {
    this.#frames.push(this.#tracksInside(registration))
  }

  exit(registration: Registration, result: unknown): void {
    const tracked = this.#frames.pop() ?? true
    const policy = this.#policies.get(registration.provider)
    if (!tracked || policy?.dispose !== true || !('useFactory' in registration.provider)) return
    if ((typeof result === 'object' && result !== null) || typeof result === 'function') {
      this.#pend(result, `${describeToken(policy.token)} (from its factory)`, disposerOf(result))
    }
  }

  constructed(ctor: abstract new (...args: never[]) => unknown, instance: object): void {
    if (this.#frames.at(-1) === false) return
    const dispose = disposerOf(instance)
    if (dispose === undefined) return
    this.#pend(
      instance,
      ctor.name === '' ? 'an instance of an anonymous class' : ctor.name,
      dispose,
    )
  }

  /** Drops what the container holds once everything it built was disposed. */
  release(): void {
    this.#pending = []
    releaseContainer(this.container)
  }

  /** Whether instances built while resolving `registration` are the test container's. */
  #tracksInside(registration: Registration): boolean {
    // Inside a parent's singleton (or a factory left alone), everything built is part of it.
    if (this.#frames.at(-1) === false) return false
    const { provider } = registration
    const policy = this.#policies.get(provider)
    if ('useFactory' in provider) return policy?.dispose === true
    if (policy?.dispose === false) return false
    // A parent's singleton, built for the first time through this container: the parent keeps
    // it, and disposes it (or not) itself.
    if (
      cachingLifecycles.includes(registration.options.lifecycle) &&
      registration.instance === undefined &&
      !ownsRegistration(this.container, registration)
    ) {
      return false
    }
    return true
  }

  #pend(value: object, label: string, dispose: ((value: object) => unknown) | undefined): void {
    if (findValue(value) !== undefined) return
    if (this.#pending.some((pending) => pending.value === value)) return
    this.#pending.push({ value, label, dispose })
  }

  #flush(marker: object, threw: boolean): void {
    const pending = this.#pending
    if (pending.length === 0) return
    this.#pending = []
    let failure: { error: unknown } | undefined
    for (const { value, label, dispose } of pending) {
      try {
        this.track(marker, value, label, dispose)
      } catch (error) {
        // The call's own error, if it threw, is the one to see.
        if (!threw) failure ??= { error }
      }
    }
    if (failure !== undefined) throw failure.error
  }

  /** Tracks `value` in the container's scope, on behalf of `marker`'s caller. */
  track(
    marker: object,
    value: object,
    label: string,
    dispose: ((value: object) => unknown) | undefined,
  ): void {
    const options: TrackOptions<object> = {
      label,
      ...(dispose === undefined ? {} : { dispose }),
      ...(this.#timeout === undefined ? {} : { timeout: this.#timeout }),
    }
    trackFor(marker, this.scope, value, options)
  }
}
