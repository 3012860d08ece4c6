import { EventEmitter } from 'node:events'
import timers from 'node:timers'
import type { GlobalStateChange } from './global-state-options.ts'
import {
  globalNamesOf,
  sameGlobal,
  sameList,
  timerNames,
  type Environment,
  type GlobalSnapshot,
} from './global-state-snapshot.ts'

// The readable diff: worked out only once a check found something changed.

/** Whether a global's value is the same as in the snapshot, by index in its names. */
function globalChanged(snapshot: GlobalSnapshot, index: number, name: string): boolean {
  return !sameGlobal(snapshot, index, name)
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

/**
 * The variables set and deleted since `process.env` held `names`, and, given the `values` it
 * held then, those changed.
 */
export function diffEnv(
  names: readonly string[],
  values: Environment | undefined,
): GlobalStateChange[] {
  const changes: GlobalStateChange[] = []
  const env = process.env
  const before = new Set(names)
  for (const key of Object.keys(env)) {
    if (!before.has(key)) {
      changes.push(change('env', `process.env.${key}`, `set process.env.${key}`))
    } else if (values !== undefined && env[key] !== values[key]) {
      changes.push(change('env', `process.env.${key}`, `changed process.env.${key}`))
    }
  }
  for (const key of names) {
    if (!(key in env)) {
      changes.push(change('env', `process.env.${key}`, `deleted process.env.${key}`))
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
  if (snapshot.envNames !== undefined) changes.push(...diffEnv(snapshot.envNames, snapshot.env))
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
 * The global names ECMAScript itself defines that are not enumerable: V8 creates them as plain
 * data properties, so reading one reads a value and loads nothing.
 */
const standardGlobals: readonly string[] = [
  ...['globalThis', 'Infinity', 'NaN', 'undefined', 'eval', 'isFinite', 'isNaN', 'parseFloat'],
  ...['parseInt', 'decodeURI', 'decodeURIComponent', 'encodeURI', 'encodeURIComponent'],
  ...['escape', 'unescape', 'Object', 'Function', 'Array', 'Number', 'Boolean', 'String'],
  ...['Symbol', 'BigInt', 'Date', 'Promise', 'RegExp', 'Error', 'AggregateError', 'EvalError'],
  ...['RangeError', 'ReferenceError', 'SyntaxError', 'TypeError', 'URIError', 'SuppressedError'],
  ...['JSON', 'Math', 'Intl', 'Reflect', 'Proxy', 'Atomics', 'WebAssembly', 'Iterator'],
  ...['Map', 'Set', 'WeakMap', 'WeakSet', 'WeakRef', 'FinalizationRegistry', 'ArrayBuffer'],
  ...['SharedArrayBuffer', 'DataView', 'Int8Array', 'Uint8Array', 'Uint8ClampedArray'],
  ...['Int16Array', 'Uint16Array', 'Int32Array', 'Uint32Array', 'Float16Array', 'Float32Array'],
  ...['Float64Array', 'BigInt64Array', 'BigUint64Array', 'DisposableStack', 'AsyncDisposableStack'],
]

/**
 * The values of ECMAScript's own globals that are not enumerable, as they were when the guard
 * started: a light snapshot lists enumerable globals only, and one that turns enumerable with
 * its own value (Jest's fake timers put `Date` back so) is no change. Node's own globals are
 * left out: from Node 22 on, most of its web globals (`TextDecoder`, `Headers`, `AbortController`,
 * the streams…) are lazy data properties, which V8 materializes when their descriptor is read,
 * and reading them all loaded undici and the rest, 30–50 ms in every Vitest worker on Node 24.
 */
export function hiddenGlobals(): ReadonlyMap<string, unknown> {
  const hidden = new Map<string, unknown>()
  const g = globalThis as Record<string, unknown>
  for (const name of standardGlobals) {
    const descriptor = Object.getOwnPropertyDescriptor(g, name)
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
    // The rest of the fake clock is part of the same report (Jest's makes `Date` enumerable).
    const clockParts = new Set(['Date', 'performance', 'queueMicrotask', 'Intl'])
    const kept = changes.filter(
      (item) =>
        !(
          (item.description.startsWith('replaced ') || item.description.startsWith('added ')) &&
          clockParts.has(item.name.slice('globalThis.'.length))
        ),
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
