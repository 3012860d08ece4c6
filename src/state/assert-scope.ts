import type { Scope } from '../core/scope-types.ts'
import { describeValue } from '../core/validate.ts'

/**
 * Checks a helper's `scope` option: a scope from `createScope()`, `scope.child()` or
 * `currentScope()`, recognised by shape (any copy of cleanroom may have made it).
 */
export function assertOptionalScope(
  value: unknown,
  call: string,
): asserts value is Scope | undefined {
  if (value === undefined) return
  const scope = typeof value === 'object' && value !== null ? (value as Partial<Scope>) : {}
  if (
    typeof scope.track !== 'function' ||
    typeof scope.defer !== 'function' ||
    typeof scope.dispose !== 'function'
  ) {
    throw new TypeError(
      `${call}: expected \`scope\` to be a Scope (from createScope() or currentScope()), got ${describeValue(value)}`,
    )
  }
}
