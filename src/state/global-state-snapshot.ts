import { EventEmitter } from 'node:events'
import timers from 'node:timers'

/**
 * How much a snapshot holds. `'light'` (the `warn` mode) keeps what finding a change needs:
 * the environment, the enumerable globals and their values, listener counts. `'full'`
 * (`restore` and `fail`) also keeps what putting it back needs: every own global's descriptor
 * and every listener function. `'timers'` is `'light'` with only the timer functions of
 * `globalThis` (fake timers): where listing the globals is dear (a `vm` context's global,
 * Jest's), they are compared once per file instead.
 */
export type SnapshotDepth = 'timers' | 'light' | 'full'

/** The global names a snapshot of `depth` lists. */
export function globalNamesOf(depth: SnapshotDepth): readonly string[] {
  if (depth === 'full') return Object.getOwnPropertyNames(globalThis)
  return depth === 'light' ? Object.keys(globalThis) : timerNames
}

/** The timer functions fake timers replace, on `globalThis` and on `node:timers`. */
export const timerNames = [
  'setTimeout',
  'clearTimeout',
  'setInterval',
  'clearInterval',
  'setImmediate',
  'clearImmediate',
] as const

type Listener = (...args: unknown[]) => unknown
export type Environment = Record<string, string | undefined>

/** The global state as a test began. */
export interface GlobalSnapshot {
  readonly depth: SnapshotDepth
  /**
   * `process.env` as it was, a plain copy (full): `process.env` is read through C++, about
   * 0.4 µs a value, so a light snapshot keeps only the names.
   */
  readonly env: Environment | undefined
  /**
   * The variables' names, in `process.env`'s order; undefined when the snapshot leaves
   * `process.env` out (light, its names compared once per file: see {@link takeSnapshot}).
   */
  readonly envNames: readonly string[] | undefined
  /**
   * The names joined with NUL, which no name holds: one string to compare a listing with
   * (light); empty in a full snapshot, which compares the values.
   */
  readonly envKey: string
  /** The global names, enumerable ones (light) or all own string keys (full). */
  readonly globalNames: readonly string[]
  /**
   * Each name's value (light), read as a plain property access; undefined for an accessor never
   * read (Node's `crypto`, which loads a module when first read).
   */
  readonly globalValues: readonly unknown[]
  /** Each name's descriptor if it is an accessor never read (light), else undefined. */
  readonly globalAccessors: readonly (PropertyDescriptor | undefined)[]
  /** Each name's descriptor (full). */
  readonly globalDescriptors: readonly PropertyDescriptor[] | undefined
  readonly cwd: string
  readonly exitCode: typeof process.exitCode
  readonly events: readonly (string | symbol)[]
  readonly listenerCounts: readonly number[]
  /** Each event's listeners, as `rawListeners()` lists them (full). */
  readonly listeners: readonly Listener[][] | undefined
  readonly defaultMaxListeners: number
  readonly stackTraceLimit: number
  readonly timerModule: readonly unknown[]
}

/** A copy of `process.env` (which, under Jest, is the test file's own object). */
export function copyEnv(): Environment {
  const copy: Environment = Object.create(null) as Environment
  const env = process.env
  for (const key in env) copy[key] = env[key]
  return copy
}

/** Whether `process.env` holds exactly the snapshot's variables (and values, if it has them). */
export function envMatches(snapshot: GlobalSnapshot): boolean {
  const current = process.env
  const env = snapshot.env
  const before = snapshot.envNames
  if (before === undefined) return true
  // Reflect.ownKeys lists the names without asking, name by name, whether each is enumerable
  // (every variable is): half the cost of Object.keys, on Node's environment and Jest's alike.
  // A symbol or non-enumerable key, which no variable is, makes a mismatch the diff then clears.
  if (env === undefined) {
    const names = Reflect.ownKeys(current)
    if (names.length !== before.length) return false
    // One builtin call, where a clean test would otherwise compare name after name: the check
    // runs a hundred times in a file, mostly in V8's interpreter.
    if (joined(names) === snapshot.envKey) return true
    return sameNames(names, before)
  }
  let count = 0
  for (const key in current) {
    if (current[key] !== env[key]) return false
    count++
  }
  return count === before.length
}

/** The names joined with NUL; undefined if one is a symbol, which no variable is. */
function joined(names: readonly (string | symbol)[]): string | undefined {
  try {
    return names.join('\0')
  } catch {
    return undefined
  }
}

/** The same names, in the same order or (a variable deleted and set again) not. */
function sameNames(now: readonly (string | symbol)[], before: readonly string[]): boolean {
  if (now.length !== before.length) return false
  let index = 0
  while (index < now.length && now[index] === before[index]) index++
  if (index === now.length) return true
  const names = new Set<string | symbol>(before)
  return now.every((name) => names.has(name))
}

/**
 * Takes a snapshot of the global state, as deep as `depth`. A light one (`'light'`,
 * `'timers'`) leaves `process.env` out unless `envNames` is true: listing Node's environment
 * copies every variable out of it (measured, run cold with 35 variables: about a third of all
 * cleanroom did for a clean test, and more with a larger environment), so in `warn` mode its
 * names are compared once per file, with its values, except where writes to it are seen as
 * they are made (`EnvWatch`, Jest's).
 */
export function takeSnapshot(depth: SnapshotDepth, envNames = true): GlobalSnapshot {
  const events = process.eventNames()
  const rest = {
    cwd: process.cwd(),
    exitCode: process.exitCode,
    events,
    listenerCounts: events.map((event) => process.listenerCount(event)),
    defaultMaxListeners: EventEmitter.defaultMaxListeners,
    stackTraceLimit: Error.stackTraceLimit,
    timerModule: timerNames.map((name) => timers[name]),
  }
  const g = globalThis as Record<string, unknown>
  const full = depth === 'full'
  const globalNames = globalNamesOf(depth)
  const env = full ? copyEnv() : undefined
  const names = full || envNames ? Object.keys(env ?? process.env) : undefined
  const globalAccessors = full ? [] : globalNames.map(accessorOf)
  return {
    depth,
    env,
    envNames: names,
    // Only a light snapshot compares names alone.
    envKey: full || names === undefined ? '' : names.join('\0'),
    globalNames,
    globalValues: full
      ? []
      : globalNames.map((name, index) =>
          globalAccessors[index] === undefined ? g[name] : undefined,
        ),
    globalAccessors,
    globalDescriptors: full
      ? globalNames.map((name) => Object.getOwnPropertyDescriptor(g, name) ?? {})
      : undefined,
    listeners: full ? events.map((event) => process.rawListeners(event) as Listener[]) : undefined,
    ...rest,
  }
}

/** Whether the globals are as in the snapshot (cheap: names and values, or descriptors). */
export function globalsMatch(snapshot: GlobalSnapshot): boolean {
  const names = globalNamesOf(snapshot.depth)
  const before = snapshot.globalNames
  if (names.length !== before.length) return false
  // The light snapshot's values compared in the loop itself: a clean test runs it a hundred
  // times a file, mostly in V8's interpreter, where a call of sameGlobal() for each global
  // costs more than the comparison.
  const accessors = snapshot.depth === 'full' ? undefined : snapshot.globalAccessors
  const values = snapshot.globalValues
  const g = globalThis as Record<string, unknown>
  for (let index = 0; index < names.length; index++) {
    const name = names[index] as string
    if (name !== before[index]) return false
    if (accessors !== undefined && accessors[index] === undefined) {
      if (!Object.is(g[name], values[index])) return false
    } else if (!sameGlobal(snapshot, index, name)) return false
  }
  return true
}

/** Whether global `name`, the snapshot's `index`th, is as it was (a cheap comparison). */
export function sameGlobal(snapshot: GlobalSnapshot, index: number, name: string): boolean {
  if (snapshot.depth === 'full') {
    return sameDescriptor(snapshot.globalDescriptors?.[index], descriptorOf(name))
  }
  const accessor = snapshot.globalAccessors[index]
  if (accessor === undefined) {
    return Object.is((globalThis as Record<string, unknown>)[name], snapshot.globalValues[index])
  }
  const now = descriptorOf(name)
  return now !== undefined && now.get === accessor.get && now.set === accessor.set
}

/**
 * Globals compared by their getter and setter, never read: Node's `crypto` is a getter that
 * loads the WebCrypto module when first read (about 2 ms, which under Vitest every test file
 * would pay) and stays a getter; so is `navigator` (Node 21 on), which loads its module. Other
 * accessors are read: some of Node's (`atob`, `btoa`) turn into their value when first read,
 * which must not count as a test's change.
 */
const unreadGlobals: ReadonlySet<string> = new Set(['crypto', 'navigator'])

/** The descriptor of global `name` if it is an accessor never read (see `unreadGlobals`). */
function accessorOf(name: string): PropertyDescriptor | undefined {
  if (!unreadGlobals.has(name)) return undefined
  const descriptor = descriptorOf(name)
  return descriptor !== undefined && (descriptor.get !== undefined || descriptor.set !== undefined)
    ? descriptor
    : undefined
}

/** Whether the rest (all but env and globals) is as in the snapshot. */
export function restMatches(snapshot: GlobalSnapshot): boolean {
  if (process.exitCode !== snapshot.exitCode) return false
  if (EventEmitter.defaultMaxListeners !== snapshot.defaultMaxListeners) return false
  if (Error.stackTraceLimit !== snapshot.stackTraceLimit) return false
  if (process.cwd() !== snapshot.cwd) return false
  const events = process.eventNames()
  if (events.length !== snapshot.events.length) return false
  for (let index = 0; index < events.length; index++) {
    const event = events[index] as string | symbol
    if (event !== snapshot.events[index]) return false
    if (process.listenerCount(event) !== snapshot.listenerCounts[index]) return false
    const listeners = snapshot.listeners?.[index]
    if (listeners !== undefined && !sameList(process.rawListeners(event), listeners)) return false
  }
  for (let index = 0; index < timerNames.length; index++) {
    if (timers[timerNames[index] as string as keyof typeof timers] !== snapshot.timerModule[index])
      return false
  }
  return true
}

export function sameList(a: readonly unknown[], b: readonly unknown[]): boolean {
  return a.length === b.length && a.every((item, index) => item === b[index])
}

export function descriptorOf(name: string): PropertyDescriptor | undefined {
  return Object.getOwnPropertyDescriptor(globalThis, name)
}

export function sameDescriptor(
  a: PropertyDescriptor | undefined,
  b: PropertyDescriptor | undefined,
): boolean {
  if (a === undefined || b === undefined) return a === b
  // A lazy global (Node defines some as accessors that turn into data on first read) that
  // turned into its value is no change.
  if (a.get !== undefined && b.get === undefined && 'value' in b) return true
  return Object.is(a.value, b.value) && a.get === b.get && a.set === b.set
}
