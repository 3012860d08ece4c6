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

/** A registered kind's name. */
export type KindName = Extract<keyof ResourceKinds, string>

/** The kind names whose type accepts `Value`. */
export type KindNameFor<Value> = {
  [Name in KindName]: Value extends ResourceKinds[Name] ? Name : never
}[KindName]

/** How to recognise, describe and dispose one kind of resource. */
export interface KindSpec<Resource> {
  /** Unique within a registry; shown in reports. */
  readonly name: string
  /** Recognises values of this kind. Keep it cheap: it runs on every untyped `track()`. */
  match(value: unknown): value is Resource
  /** Releases the resource. May return a promise; it runs under the entry's deadline. */
  dispose(value: Resource): unknown
  /** Default deadline in ms for this kind's disposer, instead of the scope's `timeout`. */
  readonly timeout?: number | undefined
  /** A short description for reports: `"http server 127.0.0.1:5123"`. Defaults to the name. */
  describe?(value: Resource): string
}

/** A validated, frozen kind. Create one with {@link defineKind}. */
export interface Kind<Resource> extends KindSpec<Resource> {
  readonly name: string
}

/** A kind of any resource type, as registries hold them. */
export type AnyKind = Kind<unknown>

const specKeys = ['name', 'match', 'dispose', 'timeout', 'describe'] as const

/**
 * Defines a kind of resource: how to recognise it, dispose it and describe it. Register it
 * with `registry.register(kind)` or pass it to `createRegistry`.
 *
 * @param spec - the kind's name, `match`, `dispose`, and optional `timeout` and `describe`
 * @returns the frozen kind
 * @throws {TypeError} when a field is missing or of the wrong type
 *
 * @example
 * ```ts
 * import { defineKind } from 'cleanroom'
 * import { Pool } from './pool.js'
 *
 * export const poolKind = defineKind({
 *   name: 'pool',
 *   match: (value): value is Pool => value instanceof Pool,
 *   dispose: (pool) => pool.end(),
 *   describe: (pool) => `pool of ${pool.size}`,
 * })
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
