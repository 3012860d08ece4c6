import { EventEmitter } from 'node:events'
import timers from 'node:timers'
import type { GlobalStateChange } from './global-state-options.ts'

/**
 * How much a snapshot holds. `'light'` (the `warn` mode) keeps what finding a change needs:
 * the environment, the enumerable globals and their values, listener counts. `'full'`
 * (`restore` and `fail`) also keeps what putting it back needs: every own global's descriptor
 * and every listener function. `'timers'` is `'light'` with only the timer functions of
 * `globalThis` (fake timers): where listing the globals is dear (a \`vm\` context's global,
 * Jest's), they are compared once per file instead.
 */
export type SnapshotDepth = 'timers' | 'light' | 'full'

/** The global names a snapshot of `depth` lists. */
function globalNamesOf(depth: SnapshotDepth): readonly string[] {
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
type Environment = Record<string, string | undefined>

/** The global state as a test began. */
export interface GlobalSnapshot {
  readonly depth: SnapshotDepth
  /**
   * `process.env` as it was, a plain copy (full): `process.env` is read through C++, about
   * 0.4 µs a value, so a light snapshot keeps only the names.
   */
  readonly env: Environment | undefined
  readonly envSize: number
  /** The variables' names, in `process.env`'s order. */
  readonly envNames: readonly string[]
  /** The global names, enumerable ones (light) or all own string keys (full). */
  readonly globalNames: readonly string[]
  /** Each name's value (light), read as a plain property access. */
  readonly globalValues: readonly unknown[]
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
  if (env === undefined) return sameNames(Object.keys(current), snapshot.envNames)
  let count = 0
  for (const key in current) {
    if (current[key] !== env[key]) return false
    count++
  }
  return count === snapshot.envSize
}

/** The same names, in the same order or (a variable deleted and set again) not. */
function sameNames(now: readonly string[], before: readonly string[]): boolean {
  if (now.length !== before.length) return false
  let index = 0
  while (index < now.length && now[index] === before[index]) index++
  if (index === now.length) return true
  const names = new Set(before)
  return now.every((name) => names.has(name))
}

/**
 * Takes a snapshot of the global state. `previous`, a light snapshot the last test ended
 * with unchanged, lends its environment names and globals (the dear parts); the rest is read
 * afresh.
 */
export function takeSnapshot(depth: SnapshotDepth, previous?: GlobalSnapshot): GlobalSnapshot {
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
  if (previous !== undefined && previous.depth === depth && depth !== 'full') {
    return { ...previous, ...rest }
  }
  const g = globalThis as Record<string, unknown>
  const full = depth === 'full'
  const globalNames = globalNamesOf(depth)
  const env = full ? copyEnv() : undefined
  const names = Object.keys(env ?? process.env)
  return {
    depth,
    env,
    envSize: names.length,
    envNames: names,
    globalNames,
    globalValues: full ? [] : globalNames.map((name) => g[name]),
    globalDescriptors: full
      ? globalNames.map((name) => Object.getOwnPropertyDescriptor(g, name) ?? {})
      : undefined,
    listeners: full ? events.map((event) => process.rawListeners(event) as Listener[]) : undefined,
    ...rest,
  }
}

/** Whether the globals are as in the snapshot (cheap: names and values, or descriptors). */
export function globalsMatch(snapshot: GlobalSnapshot): boolean {
  const g = globalThis as Record<string, unknown>
  const names = globalNamesOf(snapshot.depth)
  const before = snapshot.globalNames
  if (names.length !== before.length) return false
  for (let index = 0; index < names.length; index++) {
    const name = names[index] as string
    if (name !== before[index]) return false
    if (snapshot.depth !== 'full') {
      if (!Object.is(g[name], snapshot.globalValues[index])) return false
    } else if (!sameDescriptor(snapshot.globalDescriptors?.[index], descriptorOf(name))) {
      return false
    }
  }
  return true
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

function sameList(a: readonly unknown[], b: readonly unknown[]): boolean {
  return a.length === b.length && a.every((item, index) => item === b[index])
}

function descriptorOf(name: string): PropertyDescriptor | undefined {
  return Object.getOwnPropertyDescriptor(globalThis, name)
}

function sameDescriptor(
  a: PropertyDescriptor | undefined,
  b: PropertyDescriptor | undefined,
): boolean {
  if (a === undefined || b === undefined) return a === b
  // A lazy global (Node defines some as accessors that turn into data on first read) that
  // turned into its value is no change.
  if (a.get !== undefined && b.get === undefined && 'value' in b) return true
  return Object.is(a.value, b.value) && a.get === b.get && a.set === b.set
}

/** Whether a global's value is the same as in the snapshot, by index in its names. */
function globalChanged(snapshot: GlobalSnapshot, index: number, name: string): boolean {
  if (snapshot.depth !== 'full') {
    return !Object.is((globalThis as Record<string, unknown>)[name], snapshot.globalValues[index])
  }
  return !sameDescriptor(snapshot.globalDescriptors?.[index], descriptorOf(name))
}

/** The variables whose values differ from `env`'s (those set or deleted since are not). */
export function diffEnvValues(env: Environment): GlobalStateChange[] {
  const changes: GlobalStateChange[] = []
  const current = process.env
  for (const key of Object.keys(current)) {
    const was = env[key]
    if (was !== undefined && current[key] !== was) {
      changes.push(change('env', `process.env.${key}`, `changed process.env.${key}`))
    }
  }
  return changes
}

/** Each change from `snapshot` to now, in the wording the report uses. */
export function diffSnapshot(
  snapshot: GlobalSnapshot,
  hidden: ReadonlyMap<string, unknown>,
): GlobalStateChange[] {
  const changes: GlobalStateChange[] = []
  const env = process.env
  const before = new Set(snapshot.envNames)
  for (const key of Object.keys(env)) {
    if (!before.has(key)) {
      changes.push(change('env', `process.env.${key}`, `set process.env.${key}`))
    } else if (snapshot.env !== undefined && env[key] !== snapshot.env[key]) {
      changes.push(change('env', `process.env.${key}`, `changed process.env.${key}`))
    }
  }
  for (const key of snapshot.envNames) {
    if (!(key in env)) {
      changes.push(change('env', `process.env.${key}`, `deleted process.env.${key}`))
    }
  }
  changes.push(...diffGlobals(snapshot, hidden))
  const cwd = process.cwd()
  if (cwd !== snapshot.cwd) {
    changes.push(
      change('cwd', 'process.cwd()', `changed process.cwd() from ${snapshot.cwd} to ${cwd}`),
    )
  }
  if (process.exitCode !== snapshot.exitCode) {
    const was = snapshot.exitCode === undefined ? '' : ` from ${String(snapshot.exitCode)}`
    changes.push(
      change(
        'exitCode',
        'process.exitCode',
        `set process.exitCode${was} to ${String(process.exitCode)}`,
      ),
    )
  }
  changes.push(...diffListeners(snapshot))
  if (EventEmitter.defaultMaxListeners !== snapshot.defaultMaxListeners) {
    changes.push(
      change(
        'defaultMaxListeners',
        'EventEmitter.defaultMaxListeners',
        `changed EventEmitter.defaultMaxListeners from ${String(snapshot.defaultMaxListeners)} to ${String(EventEmitter.defaultMaxListeners)}`,
      ),
    )
  }
  if (Error.stackTraceLimit !== snapshot.stackTraceLimit) {
    changes.push(
      change(
        'stackTraceLimit',
        'Error.stackTraceLimit',
        `changed Error.stackTraceLimit from ${String(snapshot.stackTraceLimit)} to ${String(Error.stackTraceLimit)}`,
      ),
    )
  }
  return changes
}

/**
 * The values of the globals that are not enumerable, as they were when the guard started: a
 * light snapshot lists enumerable globals only, and a global that turns enumerable with its
 * own value (Jest's fake timers put `Date` back so) is no change.
 */
export function hiddenGlobals(): ReadonlyMap<string, unknown> {
  const hidden = new Map<string, unknown>()
  const descriptors = Object.getOwnPropertyDescriptors(globalThis)
  for (const name of Object.keys(descriptors)) {
    const descriptor = descriptors[name]
    if (descriptor !== undefined && !descriptor.enumerable && 'value' in descriptor) {
      hidden.set(name, descriptor.value)
    }
  }
  return hidden
}

export function diffGlobals(
  snapshot: GlobalSnapshot,
  hidden: ReadonlyMap<string, unknown>,
): GlobalStateChange[] {
  const g = globalThis as Record<string, unknown>
  const names = globalNamesOf(snapshot.depth)
  const before = new Map(snapshot.globalNames.map((name, index) => [name, index]))
  const changes: GlobalStateChange[] = []
  const fakes: string[] = []
  const now = new Set(names)
  for (const name of names) {
    const index = before.get(name)
    if (index === undefined) {
      if (hidden.has(name) && Object.is(hidden.get(name), g[name])) continue
      changes.push(change('global', `globalThis.${name}`, `added globalThis.${name}`))
    } else if (globalChanged(snapshot, index, name)) {
      if ((timerNames as readonly string[]).includes(name) && isFake(g[name])) fakes.push(name)
      else changes.push(change('global', `globalThis.${name}`, `replaced globalThis.${name}`))
    }
  }
  for (const name of snapshot.globalNames) {
    if (!now.has(name)) {
      changes.push(change('global', `globalThis.${name}`, `deleted globalThis.${name}`))
    }
  }
  // Fake timers replace node:timers' exports too (and Date, which is not enumerable).
  timerNames.forEach((name, index) => {
    if (timers[name] !== snapshot.timerModule[index] && !fakes.includes(name)) {
      if (isFake(timers[name])) fakes.push(name)
    }
  })
  if (fakes.length > 0) {
    // The rest of the fake clock is part of the same report.
    const clockParts = new Set(['Date', 'performance', 'queueMicrotask', 'Intl'])
    const kept = changes.filter(
      (item) => !(item.description.startsWith('replaced ') && clockParts.has(item.name.slice(11))),
    )
    changes.length = 0
    changes.push(...kept)
    const first = timerNames.find((name) => fakes.includes(name)) ?? 'setTimeout'
    changes.unshift(
      change(
        'fakeTimers',
        'fake timers',
        `left fake timers installed (${first} is ${describeFake(g[first] ?? timers[first as keyof typeof timers])})`,
      ),
    )
  }
  return changes
}

function diffListeners(snapshot: GlobalSnapshot): GlobalStateChange[] {
  const changes: GlobalStateChange[] = []
  const events = new Set([...snapshot.events, ...process.eventNames()])
  for (const event of events) {
    const index = snapshot.events.indexOf(event)
    const before = index === -1 ? 0 : (snapshot.listenerCounts[index] ?? 0)
    const after = process.listenerCount(event)
    const name = `process.listeners(${describeEvent(event)})`
    if (after > before) {
      changes.push(change('listeners', name, `added ${plural(after - before, event)}`))
    } else if (after < before) {
      changes.push(change('listeners', name, `removed ${plural(before - after, event)}`))
    } else {
      const listeners = snapshot.listeners?.[index]
      if (listeners !== undefined && !sameList(process.rawListeners(event), listeners)) {
        changes.push(change('listeners', name, `replaced ${describeEvent(event)} listeners`))
      }
    }
  }
  return changes
}

function plural(count: number, event: string | symbol): string {
  return `${String(count)} ${describeEvent(event)} listener${count === 1 ? '' : 's'}`
}

function describeEvent(event: string | symbol): string {
  return typeof event === 'string' ? `'${event}'` : event.toString()
}

/** Whether a timer function is a fake: @sinonjs/fake-timers' (Vitest's, Jest's) or a mock. */
export function isFake(fn: unknown): boolean {
  if (typeof fn !== 'function') return false
  const marks = fn as { clock?: unknown; _isMockFunction?: unknown }
  return marks.clock !== undefined || marks._isMockFunction === true
}

function describeFake(fn: unknown): string {
  const marks = fn as { clock?: unknown; _isMockFunction?: unknown } | undefined
  if (marks?.clock !== undefined) return 'a fake from @sinonjs/fake-timers'
  return 'a mock function'
}

function change(
  kind: GlobalStateChange['kind'],
  name: string,
  description: string,
): GlobalStateChange {
  return { kind, name, description }
}
