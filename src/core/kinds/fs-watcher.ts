import type { FSWatcher } from 'node:fs'
import { EventEmitter } from 'node:events'
import { defineKind, type Kind } from '../kind.ts'

/**
 * Whether `value` is what `fs.watch()` returns. Node does not export the class, and on Linux
 * a recursive watch returns a different class of the same name; so this checks for an emitter
 * whose class is named `FSWatcher` with `close`, `ref` and `unref`. The name matters: servers
 * and UDP sockets have those three methods too.
 */
function isFsWatcher(value: unknown): value is FSWatcher {
  if (!(value instanceof EventEmitter)) return false
  const watcher = value as Partial<Record<keyof FSWatcher, unknown>>
  if (
    typeof watcher.close !== 'function' ||
    typeof watcher.ref !== 'function' ||
    typeof watcher.unref !== 'function'
  ) {
    return false
  }
  for (let proto: unknown = Object.getPrototypeOf(value); proto !== null;) {
    const ctor = (proto as { constructor?: { name?: unknown } }).constructor
    if (ctor?.name === 'FSWatcher') return true
    proto = Object.getPrototypeOf(proto)
  }
  return false
}

/**
 * `fs.FSWatcher` from `fs.watch()`: closed (a second close is a no-op). `fs.watchFile()`
 * watchers are not covered: stopping one cleanly needs the watched path, which the watcher
 * does not expose; use `scope.defer(() => fs.unwatchFile(path, listener))`.
 */
export const fsWatcherKind: Kind<FSWatcher> = defineKind({
  name: 'fs-watcher',
  match: isFsWatcher,
  dispose: (watcher) => {
    watcher.close()
  },
  describe: () => 'fs watcher',
})
