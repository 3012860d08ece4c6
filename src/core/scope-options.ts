import type { FixtureLevel } from './fixture-types.ts'
import { isRegistry, type Registry } from './registry.ts'
import type { ScopeOptions } from './scope-types.ts'
import {
  assertKnownKeys,
  assertOptionalDeadline,
  assertOptionalOneOf,
  assertOptionalPositiveInteger,
  assertOptionalString,
  assertPlainObject,
  describeValue,
} from './validate.ts'

const scopeOptionKeys = [
  'name',
  'level',
  'registry',
  'timeout',
  'budget',
  'order',
  'concurrency',
] as const
const levels = ['worker', 'file', 'test'] as const
const orders = ['lifo', 'dependencies'] as const

/** What a root scope gets for options it is not given. */
export const defaults = { timeout: 5_000, budget: 10_000, order: 'lifo', concurrency: 4 } as const

/** Options a scope is built with, after defaults and inheritance. */
export interface ResolvedScopeOptions {
  readonly name: string
  readonly level: FixtureLevel | undefined
  readonly registry: Registry
  readonly timeout: number
  readonly budget: number
  readonly order: 'lifo' | 'dependencies'
  readonly concurrency: number
  readonly hostsFixtures: boolean
}

/** Checks `createScope()` and `scope.child()` options, naming the call in each error. */
export function validateScopeOptions(options: unknown, call: string): void {
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
