import { UnknownResourceError } from './errors.ts'
import type { AnyKind } from './kind.ts'
import type { Registry } from './registry.ts'
import { describeValue } from './validate.ts'

/**
 * The kind `track()` disposes `value` with: the one named, which must accept the value, else
 * the registry's match.
 * @throws {@link UnknownResourceError} when nothing matches an unnamed value
 * @throws {TypeError} when the named kind is unknown or rejects the value
 */
export function resolveKind(
  registry: Registry,
  value: unknown,
  name: string | undefined,
  scopePath: string,
): AnyKind {
  if (name === undefined) {
    const kind = registry.match(value)
    if (kind === undefined) throw new UnknownResourceError(describeValue(value), scopePath)
    return kind
  }
  if (typeof name !== 'string') {
    throw new TypeError(
      `scope.track: expected \`kind\` to be a kind name, got ${describeValue(name)}`,
    )
  }
  const kind = registry.get(name)
  if (kind === undefined) {
    const known = registry.kinds.map((k) => `"${k.name}"`).join(', ')
    throw new TypeError(
      `scope.track: unknown kind "${name}". Registered kinds: ${known === '' ? 'none' : known}. Register it with registry.register(defineKind(…)).`,
    )
  }
  if (!kind.match(value)) {
    throw new TypeError(
      `scope.track: ${describeValue(value)} is not a "${name}": the kind's match() rejects it`,
    )
  }
  return kind
}
