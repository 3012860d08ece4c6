import { defineKind, type Kind } from '../kind.ts'
import { realTimers } from '../real-timers.ts'

/** What `setTimeout`, `setInterval` and `setImmediate` return in Node. */
export type NodeTimer = NodeJS.Timeout | NodeJS.Immediate

/** The fields of Node's timer objects that say what they run; read defensively. */
interface TimerInternals {
  readonly _onTimeout?: unknown
  readonly _onImmediate?: unknown
  readonly _idleTimeout?: unknown
  readonly _repeat?: unknown
  readonly _destroyed?: unknown
}

/**
 * The class name of Node's timer objects, `'Timeout'` or `'Immediate'`, else `undefined`.
 * Checked by name and shape rather than by a class captured from a probe timer: a probe made
 * while fake timers are installed would capture the fake class, and fake timers' own objects
 * (plain objects) must not match, since no real clear can cancel them.
 */
function timerClass(value: unknown): 'Timeout' | 'Immediate' | undefined {
  if (typeof value !== 'object' || value === null) return undefined
  if (typeof (value as Partial<NodeJS.Timeout>).hasRef !== 'function') return undefined
  const name = (Object.getPrototypeOf(value) as { constructor?: { name?: unknown } } | null)
    ?.constructor?.name
  if (name === 'Timeout' && '_idleTimeout' in value) return 'Timeout'
  if (name === 'Immediate' && '_onImmediate' in value) return 'Immediate'
  return undefined
}

function callbackName(callback: unknown): string {
  return typeof callback === 'function' && callback.name !== '' ? callback.name : 'anonymous'
}

function describeTimer(timer: NodeTimer): string {
  const fields = timer as TimerInternals
  const done = fields._destroyed === true ? ' (done)' : ''
  if (timerClass(timer) === 'Immediate') {
    return `setImmediate(${callbackName(fields._onImmediate)})${done}`
  }
  const callback = callbackName(fields._onTimeout)
  const repeat = fields._repeat
  if (typeof repeat === 'number') return `setInterval(${callback}, ${repeat} ms)${done}`
  const delay = fields._idleTimeout
  return typeof delay === 'number' && delay >= 0
    ? `setTimeout(${callback}, ${delay} ms)${done}`
    : `setTimeout(${callback})${done}`
}

/**
 * Node's `Timeout` (from `setTimeout` and `setInterval`) and `Immediate` (from
 * `setImmediate`): cleared with the real `clearTimeout` / `clearImmediate`, so an interval's
 * callback never runs again. Fake timers' objects are not matched.
 */
export const timerKind: Kind<NodeTimer> = defineKind({
  name: 'timer',
  match: (value): value is NodeTimer => timerClass(value) !== undefined,
  dispose: (timer) => {
    if (timerClass(timer) === 'Immediate') realTimers.clearImmediate(timer as NodeJS.Immediate)
    else realTimers.clearTimeout(timer as NodeJS.Timeout)
  },
  describe: describeTimer,
})
