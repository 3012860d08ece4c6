import type { DependencyContainer } from 'tsyringe'

/**
 * The one place cleanroom relies on tsyringe's internals (4.x, checked on 4.10). tsyringe's
 * public API does not say which instances a container built: `afterResolution` fires per token
 * (so never for a class nobody registered), and not whether the instance was built or taken
 * from a cache. Inside `InternalDependencyContainer`, every instance is built by
 * `construct(ctor, context)`, and every registration is resolved by
 * `resolveRegistration(registration, context)`, both called on `this`: own properties on one
 * container shadow them for that container alone. Its own registrations are in `_registry`.
 */

/** A registration as tsyringe keeps it. */
export interface Registration {
  readonly provider: object
  readonly options: { readonly lifecycle?: number }
  readonly instance?: unknown
}

/** What a hooked container reports while it resolves. */
export interface ConstructionHooks {
  /** A registration is about to be resolved, by this container, for itself or a parent. */
  enter(registration: Registration): void
  /** The registration given to the matching `enter` was resolved (or threw), with `result`. */
  exit(registration: Registration, result: unknown): void
  /** The container built `instance` with `new ctor(…)`. */
  constructed(ctor: abstract new (...args: never[]) => unknown, instance: object): void
}

interface InternalContainer {
  construct(ctor: unknown, context: unknown): unknown
  resolveRegistration(registration: Registration, context: unknown): unknown
  readonly _registry: { entries(): Iterable<[unknown, Registration[]]> }
  readonly disposables?: { clear(): void }
}

function asInternal(container: DependencyContainer): InternalContainer {
  const internal = container as unknown as Partial<Record<keyof InternalContainer, unknown>>
  const registry = internal._registry as { entries?: unknown } | null | undefined
  if (
    typeof internal.construct !== 'function' ||
    typeof internal.resolveRegistration !== 'function' ||
    typeof registry?.entries !== 'function'
  ) {
    throw new Error(
      'cleanroom/tsyringe cannot follow what this tsyringe container builds: its container has ' +
        'no `construct`, `resolveRegistration` or `_registry` (the internals of tsyringe 4.x it ' +
        'hooks). cleanroom/tsyringe supports tsyringe ^4.10: install that, or open an issue ' +
        'naming the tsyringe version you use.',
    )
  }
  return container as unknown as InternalContainer
}

/**
 * Makes `container` report each registration it resolves and each instance it builds.
 * @throws {Error} when the container does not have the internals this relies on
 */
export function hookConstruction(container: DependencyContainer, hooks: ConstructionHooks): void {
  const internal = asInternal(container)
  // Taken off the prototype to be called with `this` set: the container itself.
  const construct = internal.construct.bind(container)
  const resolveRegistration = internal.resolveRegistration.bind(container)
  Object.defineProperties(container, {
    construct: {
      configurable: true,
      writable: true,
      value(ctor: unknown, context: unknown): unknown {
        const instance = construct(ctor, context)
        // A `delay()` token is built as a proxy, and the real instance later, by another
        // construct(): report that one only.
        const delayed = typeof (ctor as { createProxy?: unknown }).createProxy === 'function'
        if (!delayed && typeof ctor === 'function' && typeof instance === 'object' && instance) {
          hooks.constructed(ctor as abstract new (...args: never[]) => unknown, instance)
        }
        return instance
      },
    },
    resolveRegistration: {
      configurable: true,
      writable: true,
      value(registration: Registration, context: unknown): unknown {
        hooks.enter(registration)
        let result: unknown
        try {
          result = resolveRegistration(registration, context)
        } finally {
          hooks.exit(registration, result)
        }
        return result
      },
    },
  })
}

/** Whether `registration` is one of `container`'s own, not one it found on a parent. */
export function ownsRegistration(
  container: DependencyContainer,
  registration: Registration,
): boolean {
  for (const [, registrations] of asInternal(container)._registry.entries()) {
    if (registrations.includes(registration)) return true
  }
  return false
}

/**
 * Drops what a disposed container holds: its registrations (values, cached instances) and
 * tsyringe's own set of the disposable instances it built.
 */
export function releaseContainer(container: DependencyContainer): void {
  const proto = Object.getPrototypeOf(container) as DependencyContainer
  proto.reset.call(container)
  asInternal(container).disposables?.clear()
}
