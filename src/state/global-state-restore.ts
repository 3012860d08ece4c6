import { EventEmitter } from 'node:events'
import timers from 'node:timers'
import type { GlobalStateChange } from './global-state-options.ts'
import { timerNames, type GlobalSnapshot } from './global-state-snapshot.ts'

type Listener = (...args: unknown[]) => unknown

/**
 * Puts back what `changes` lists, from a full snapshot. What cannot be put back (a global that
 * is not configurable, a directory that is gone) is returned as a note for the report.
 */
export function restoreSnapshot(
  snapshot: GlobalSnapshot,
  changes: readonly GlobalStateChange[],
): string[] {
  const problems: string[] = []
  const attempt = (what: string, restore: () => void): void => {
    try {
      restore()
    } catch (error) {
      problems.push(`could not restore ${what}: ${String(error)}`)
    }
  }
  for (const item of changes) {
    switch (item.kind) {
      case 'env':
        attempt(item.name, () => {
          restoreEnv(snapshot, item.name.slice('process.env.'.length))
        })
        break
      case 'global':
        attempt(item.name, () => {
          restoreGlobal(snapshot, item.name.slice('globalThis.'.length))
        })
        break
      case 'fakeTimers':
        attempt('the real timers', () => {
          restoreTimers(snapshot)
        })
        break
      case 'cwd':
        attempt(item.name, () => {
          process.chdir(snapshot.cwd)
        })
        break
      case 'exitCode':
        attempt(item.name, () => {
          process.exitCode = snapshot.exitCode
        })
        break
      case 'defaultMaxListeners':
        EventEmitter.defaultMaxListeners = snapshot.defaultMaxListeners
        break
      case 'stackTraceLimit':
        Error.stackTraceLimit = snapshot.stackTraceLimit
        break
      case 'listeners':
        break
    }
  }
  if (changes.some((item) => item.kind === 'listeners')) restoreListeners(snapshot)
  return problems
}

function restoreEnv(snapshot: GlobalSnapshot, key: string): void {
  const value = snapshot.env?.[key]
  if (value === undefined) Reflect.deleteProperty(process.env, key)
  else process.env[key] = value
}

function restoreGlobal(snapshot: GlobalSnapshot, name: string): void {
  const index = snapshot.globalNames.indexOf(name)
  const descriptor = index === -1 ? undefined : snapshot.globalDescriptors?.[index]
  if (descriptor === undefined) {
    if (!Reflect.deleteProperty(globalThis, name)) throw new Error('it is not configurable')
    return
  }
  Object.defineProperty(globalThis, name, descriptor)
}

/** The timer globals and `node:timers` exports as they were, and the rest of a fake clock. */
function restoreTimers(snapshot: GlobalSnapshot): void {
  for (const name of [...timerNames, 'Date', 'performance', 'queueMicrotask', 'Intl']) {
    const index = snapshot.globalNames.indexOf(name)
    const descriptor = index === -1 ? undefined : snapshot.globalDescriptors?.[index]
    if (descriptor !== undefined) Object.defineProperty(globalThis, name, descriptor)
  }
  const module = timers as unknown as Record<string, unknown>
  timerNames.forEach((name, index) => {
    module[name] = snapshot.timerModule[index]
  })
}

/** Removes the listeners added since the snapshot and adds back those removed. */
function restoreListeners(snapshot: GlobalSnapshot): void {
  const events = new Set([...snapshot.events, ...process.eventNames()])
  for (const event of events) {
    const index = snapshot.events.indexOf(event)
    const before = index === -1 ? [] : (snapshot.listeners?.[index] ?? [])
    const now = process.rawListeners(event) as Listener[]
    if (now.length === before.length && now.every((fn, at) => fn === before[at])) continue
    process.removeAllListeners(event)
    for (const listener of before) process.on(event, listener)
  }
}
