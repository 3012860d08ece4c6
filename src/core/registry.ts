import { DuplicateKindError } from './errors.ts'
import type { AnyKind } from './kind.ts'
import { describeValue } from './validate.ts'

/**
 * A set of kinds, looked up by name for `track(value, { kind })` and by `match` for
 * `track(value)`. Kinds registered later are tried first, so a kind you register wins over a
 * built-in that also matches. A scope uses the registry it was created with; a child scope
 * inherits its parent's. Kinds cannot be removed: to replace one, build a registry without it.
 *
 * @example
 * ```ts
 * import { builtinKinds, createRegistry, createScope } from 'cleanroom'
 *
 * // every built-in except 'timer': timers are then UnknownResourceError unless given `dispose`
 * const registry = createRegistry(builtinKinds.filter((kind) => kind.name !== 'timer'))
 * console.log(registry.has('timer'), registry.get('server')?.name) // false server
 * const scope = createScope({ registry })
 * await scope.dispose()
 * ```
 */
export interface Registry {
  /**
   * Adds a kind.
   * @param kind - a kind from {@link defineKind}
   * @returns the registry, for chaining
   * @throws {@link DuplicateKindError} when a kind of that name is registered
   * @throws {TypeError} when `kind` is not a kind
   */
  register(kind: AnyKind): this
  /** The kind registered under `name`, if any. */
  get(name: string): AnyKind | undefined
  /** Whether a kind of that name is registered. */
  has(name: string): boolean
  /** The kind that recognises `value`, trying the latest registered first. */
  match(value: unknown): AnyKind | undefined
  /** Every kind, in registration order. */
  readonly kinds: readonly AnyKind[]
}

const registryBrand = Symbol.for('cleanroom.registry')

class KindRegistry implements Registry {
  readonly [registryBrand] = true
  readonly #byName = new Map<string, AnyKind>()
  // Newest first: the order match() tries them in.
  #matchOrder: AnyKind[] = []

  register(kind: AnyKind): this {
    if (
      typeof kind !== 'object' ||
      typeof kind.name !== 'string' ||
      typeof kind.match !== 'function'
    ) {
      throw new TypeError(
        `registry.register: expected a kind from defineKind(), got ${describeValue(kind)}`,
      )
    }
    if (this.#byName.has(kind.name)) throw new DuplicateKindError(kind.name)
    this.#byName.set(kind.name, kind)
    this.#matchOrder = [kind, ...this.#matchOrder]
    return this
  }

  get(name: string): AnyKind | undefined {
    return this.#byName.get(name)
  }

  has(name: string): boolean {
    return this.#byName.has(name)
  }

  match(value: unknown): AnyKind | undefined {
    for (const kind of this.#matchOrder) {
      if (kind.match(value)) return kind
    }
    return undefined
  }

  get kinds(): readonly AnyKind[] {
    return [...this.#byName.values()]
  }
}

/** Whether `value` is a registry created by any copy of cleanroom in the process. */
export function isRegistry(value: unknown): value is Registry {
  return typeof value === 'object' && value !== null && registryBrand in value
}

/**
 * Creates a registry holding `kinds`, in order (later ones are tried first by `match`). It
 * starts empty unless given kinds: pass {@link builtinKinds} to start from the built-ins.
 *
 * @param kinds - the kinds to start with; none by default. Pass `builtinKinds` to start from
 *   the built-ins.
 * @returns a new registry
 * @throws {@link DuplicateKindError} when two kinds share a name
 *
 * @example
 * ```ts
 * import { builtinKinds, createRegistry, createScope, defineKind } from 'cleanroom'
 *
 * const queueKind = defineKind({
 *   name: 'queue',
 *   match: (v): v is { drain(): Promise<void> } => typeof v === 'object' && v !== null && 'drain' in v,
 *   dispose: (queue) => queue.drain(),
 * })
 * const scope = createScope({ registry: createRegistry([...builtinKinds, queueKind]) })
 * ```
 */
export function createRegistry(kinds: Iterable<AnyKind> = []): Registry {
  const registry = new KindRegistry()
  for (const kind of kinds) registry.register(kind)
  return registry
}
