import { defineKind, type Kind } from '../kind.ts'

/** Anything with `Symbol.asyncDispose` or `Symbol.dispose`. */
export type DisposableResource = AsyncDisposable | Disposable

/** Objects that know how to dispose themselves: `Symbol.asyncDispose`, else `Symbol.dispose`. */
export const disposableKind: Kind<DisposableResource> = defineKind({
  name: 'disposable',
  match: (value): value is DisposableResource =>
    typeof value === 'object' &&
    value !== null &&
    (typeof (value as Partial<AsyncDisposable>)[Symbol.asyncDispose] === 'function' ||
      typeof (value as Partial<Disposable>)[Symbol.dispose] === 'function'),
  dispose: (value): unknown => {
    if (Symbol.asyncDispose in value) return value[Symbol.asyncDispose]()
    value[Symbol.dispose]()
    return undefined
  },
  describe: (value) => {
    const name = (Object.getPrototypeOf(value) as { constructor?: { name?: string } } | null)
      ?.constructor?.name
    return name === undefined || name === 'Object' ? 'disposable' : `disposable ${name}`
  },
})
