import type { BuiltinResourceKinds } from './kinds/types.ts'
import {
  assertFunction,
  describeValue,
  assertOptionalDeadline,
  assertKnownKeys,
  assertPlainObject,
} from './validate.ts'

/**
 * The registry's kind names and the type of value each accepts. Extend it by declaration
 * merging, so that `track(value, { kind })` only compiles for values of that kind's type.
 * Merging only names the type: register the kind at run time too, or `track` throws a
 * `TypeError` for the unknown name.
 *
 * @example
 * ```ts
 * import { defaultRegistry, defineKind } from 'cleanroom'
 *
 * class Redis { quit(): Promise<void> { return Promise.resolve() } }
 *
 * declare module 'cleanroom' {
 *   interface ResourceKinds { redis: Redis }
 * }
 *
 * defaultRegistry.register(
 *   defineKind({ name: 'redis', match: (v): v is Redis => v instanceof Redis, dispose: (r) => r.quit() }),
 * )
 * ```
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- extended by declaration merging
export interface ResourceKinds extends BuiltinResourceKinds {}

/** A kind name known to the type system: a key of {@link ResourceKinds}. */
export type KindName = Extract<keyof ResourceKinds, string>

/**
 * The kind names whose type accepts `Value`: what `track(value, { kind })` lets you write.
 *
 * @example
 * ```ts
 * import type { KindNameFor } from 'cleanroom'
 *
 * const name: KindNameFor<AbortController> = 'abort-controller'
 * ```
 */
export type KindNameFor<Value> = {
  [Name in KindName]: Value extends ResourceKinds[Name] ? Name : never
}[KindName]

/** How to recognise, describe and dispose one kind of resource. */
export interface KindSpec<Resource> {
  /** Unique within a registry; shown in reports. */
  readonly name: string
  /** Recognises values of this kind. Keep it cheap: it runs on every untyped `track()`. */
  match(value: unknown): value is Resource
  /**
   * Releases the resource; called as a method of the kind. May return a promise: only a
   * returned promise runs under the entry's deadline.
   */
  dispose(value: Resource): unknown
  /** Default deadline in ms for this kind's disposer, instead of the scope's `timeout`. */
  readonly timeout?: number | undefined
  /**
   * A short description for reports, computed when the disposal starts:
   * `"http server 127.0.0.1:5123"`. Defaults to the name. If it throws, the label says so and
   * the disposal goes on.
   */
  describe?(value: Resource): string
}

/** A validated, frozen kind. Create one with {@link defineKind}; see {@link KindSpec}. */
export interface Kind<Resource> extends KindSpec<Resource> {
  readonly name: string
}

/** A kind of any resource type, as registries and {@link builtinKinds} hold them. */
export type AnyKind = Kind<unknown>

const specKeys = ['name', 'match', 'dispose', 'timeout', 'describe'] as const

/**
 * Defines a kind of resource: how to recognise it, dispose it and describe it. Register it
 * with `registry.register(kind)` or pass it to `createRegistry`.
 *
 * @param spec - the kind's name, `match`, `dispose`, and optional `timeout` and `describe`
 * @returns a frozen copy of the spec
 * @throws {TypeError} when a field is missing, of the wrong type, or unknown
 *
 * @example
 * ```ts
 * import { createScope, defaultRegistry, defineKind } from 'cleanroom'
 *
 * class Pool {
 *   size = 4
 *   end(): Promise<void> {
 *     return Promise.resolve()
 *   }
 * }
 *
 * const poolKind = defineKind({
 *   name: 'pool',
 *   match: (value): value is Pool => value instanceof Pool,
 *   dispose: (pool) => pool.end(),
 *   describe: (pool) => `pool of ${pool.size}`,
 *   timeout: 2_000,
 * })
 * if (!defaultRegistry.has(poolKind.name)) defaultRegistry.register(poolKind)
 *
 * const scope = createScope()
 * scope.track(new Pool()) // matched by poolKind
 * await scope.dispose()
 * ```
 */
export function defineKind<Resource>(spec: KindSpec<Resource>): Kind<Resource> {
  assertPlainObject(spec, 'defineKind', 'spec')
  assertKnownKeys(spec, specKeys, 'defineKind')
  if (typeof spec.name !== 'string' || spec.name.trim() === '') {
    throw new TypeError(
      `defineKind: expected \`name\` to be a non-empty string, got ${describeValue(spec.name)}`,
    )
  }
  const call = `defineKind("${spec.name}")`
  const { match, dispose, describe } = spec as Partial<
    Record<'match' | 'dispose' | 'describe', unknown>
  >
  assertFunction(match, call, 'match')
  assertFunction(dispose, call, 'dispose')
  if (describe !== undefined) assertFunction(describe, call, 'describe')
  assertOptionalDeadline(spec.timeout, call, 'timeout')
  return Object.freeze({ ...spec })
}
