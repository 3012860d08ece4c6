import type { AnyKind } from '../kind.ts'
import { disposableKind } from './disposable.ts'

/** Every built-in kind, in registration order (later ones are tried first by `match`). */
export const builtinKinds: readonly AnyKind[] = Object.freeze([disposableKind])
